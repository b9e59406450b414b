using System.Net;
using System.Net.NetworkInformation;
using System.Net.Sockets;
using System.Text.Json.Nodes;
using Listening.Core.Configuration;
using Microsoft.Extensions.Options;
using Listening.Core.Contracts;
using Listening.Functions;
using Listening.IntegrationTests.Summaries;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace Listening.IntegrationTests.Cli;

/// <summary>
/// <c>listening serve</c> from the real executable on the demo's data: the same bodies and headers as the Functions
/// app's endpoints for the same data, on 127.0.0.1 only, sign-in as configured.
/// </summary>
public sealed class ServeTests(ServedDemoFixture fixture) : IClassFixture<ServedDemoFixture>
{
    private static readonly string[] SameHeaders = ["Content-Type", "ETag", "Last-Modified", "Cache-Control", "Vary", "Content-Disposition", "Content-Security-Policy", "X-Content-Type-Options", "Referrer-Policy"];

    [Fact]
    public async Task Serve_answers_the_day_page_the_report_and_health_with_the_same_bodies_as_the_functions()
    {
        var served = fixture.Served;
        using var functions = FunctionsApp(served.ConnectionString);
        var yesterday = new LocalCalendar("Europe/Berlin").DateOf(DateTimeOffset.UtcNow).AddDays(-1);
        var day = IsoDate.Format(yesterday);
        var range = $"from={IsoDate.Format(yesterday.AddDays(-29))}&to={day}";
        using var http = new HttpClient { BaseAddress = served.Url };
        var html = new Dictionary<string, string> { ["Accept"] = "text/html,application/xhtml+xml;q=0.9,*/*;q=0.8" };

        var cases = new (string Path, Dictionary<string, string>? Headers, Func<Task<HttpResult>> Function)[]
        {
            ($"api/summaries/{day}", html, () => HttpCall.DayAsync(functions.Services, day, "", html)),
            ($"api/summaries/{day}?format=json", null, () => HttpCall.DayAsync(functions.Services, day, "format=json")),
            ($"api/summaries/{day}?format=csv", null, () => HttpCall.DayAsync(functions.Services, day, "format=csv")),
            ("api/summaries/yesterday", null, () => HttpCall.DayAsync(functions.Services, "yesterday")),
            ($"api/summaries?{range}", html, () => HttpCall.PeriodAsync(functions.Services, range, html)),
            ($"api/summaries?{range}&format=json", null, () => HttpCall.PeriodAsync(functions.Services, range + "&format=json")),
            ("api/summaries/2026-13-45", null, () => HttpCall.DayAsync(functions.Services, "2026-13-45")),
            ("api/summaries?from=2026-11-30", null, () => HttpCall.PeriodAsync(functions.Services, "from=2026-11-30")),
        };
        foreach (var (path, headers, function) in cases)
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, path);
            foreach (var (name, value) in headers ?? [])
            {
                request.Headers.TryAddWithoutValidation(name, value);
            }

            using var response = await http.SendAsync(request);
            var body = await response.Content.ReadAsByteArrayAsync();
            var expected = await function();

            Assert.True((int)response.StatusCode == expected.Status, $"{path}: serve {(int)response.StatusCode}, functions {expected.Status}");
            Assert.True(expected.Body.AsSpan().SequenceEqual(body), $"{path}: the bodies differ");
            foreach (var name in SameHeaders)
            {
                var want = name == "Content-Type" ? expected.ContentType : expected.Header(name);
                if (name == "Cache-Control" && want.Length > 0)
                {
                    want = System.Net.Http.Headers.CacheControlHeaderValue.Parse(want).ToString(); // HttpClient reorders the directives
                }

                var got = response.Headers.TryGetValues(name, out var values) || response.Content.Headers.TryGetValues(name, out values) ? string.Join(", ", values) : "";
                Assert.True(want == got, $"{path}: {name} is '{got}' from serve, '{want}' from the functions");
            }

            Assert.True(body.Length > 0 && (int)response.StatusCode is 200 or 400, path);
        }

        // Health: the same report; only the moment it was checked differs.
        using var health = await http.GetAsync("api/health");
        var fromFunctions = await HttpCall.HealthAsync(functions.Services);
        Assert.Equal(fromFunctions.Status, (int)health.StatusCode);
        Assert.Equal(fromFunctions.ContentType, health.Content.Headers.ContentType!.ToString());
        var ours = JsonNode.Parse(await health.Content.ReadAsStringAsync())!.AsObject();
        var theirs = fromFunctions.Json.AsObject();
        Assert.True(ours.Remove("checkedAt") && theirs.Remove("checkedAt"));
        Assert.Equal(theirs.ToJsonString(), ours.ToJsonString());
        Assert.Equal("Kreis Musterstadt (Demo)", ours["pages"]![0]!["name"]!.GetValue<string>());
    }

    [Fact]
    public async Task Serve_answers_304_to_a_current_copy_like_the_functions()
    {
        var served = fixture.Served;
        using var http = new HttpClient { BaseAddress = served.Url };
        using var first = await http.GetAsync("api/summaries/yesterday?format=json");
        Assert.Equal(HttpStatusCode.OK, first.StatusCode);

        using var request = new HttpRequestMessage(HttpMethod.Get, "api/summaries/yesterday?format=json");
        request.Headers.TryAddWithoutValidation("If-None-Match", first.Headers.ETag!.ToString());
        using var again = await http.SendAsync(request);

        Assert.Equal(HttpStatusCode.NotModified, again.StatusCode);
        Assert.Empty(await again.Content.ReadAsByteArrayAsync());
    }

    [Fact]
    public async Task Serve_listens_on_127_0_0_1_only()
    {
        var served = fixture.Served;

        Assert.Equal("127.0.0.1", served.Url.Host);
        Assert.Contains("(this machine only; Ctrl+C stops it)", served.Serve.Output, StringComparison.Ordinal);
        var others = NetworkInterface.GetAllNetworkInterfaces()
            .Where(n => n.OperationalStatus == OperationalStatus.Up)
            .SelectMany(n => n.GetIPProperties().UnicastAddresses)
            .Select(a => a.Address)
            .Where(a => a.AddressFamily == AddressFamily.InterNetwork && !IPAddress.IsLoopback(a))
            .ToList();
        foreach (var address in others)
        {
            using var client = new TcpClient();
            await Assert.ThrowsAnyAsync<SocketException>(() => client.ConnectAsync(address, served.Url.Port));
        }
    }

    [Fact]
    public async Task Kestrel_endpoints_in_the_configuration_do_not_widen_where_serve_listens()
    {
        using var probe = new TcpListener(IPAddress.Loopback, 0);
        probe.Start();
        var other = ((IPEndPoint)probe.LocalEndpoint).Port;
        probe.Stop();
        var folder = Directory.CreateTempSubdirectory("listening-serve-kestrel-").FullName;
        try
        {
            await using var serve = CliProcess.Start(folder, new Dictionary<string, string?>
            {
                ["Kestrel__Endpoints__Http__Url"] = $"http://0.0.0.0:{other}",
                ["ASPNETCORE_URLS"] = $"http://0.0.0.0:{other}",
            }, "serve", "--port", "0");
            var url = new Uri((await serve.WaitForAsync(@"Listening serves (http://127\.0\.0\.1:\d+/) ")).Groups[1].Value);

            using var http = new HttpClient();
            Assert.Equal(HttpStatusCode.OK, (await http.GetAsync(url)).StatusCode);
            using var client = new TcpClient();
            await Assert.ThrowsAnyAsync<SocketException>(() => client.ConnectAsync(IPAddress.Loopback, other));
            Assert.Equal(0, await serve.StopAsync());
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    [Fact]
    public async Task Serve_keeps_sign_in_as_configured_and_health_stays_anonymous()
    {
        var folder = Directory.CreateTempSubdirectory("listening-serve-signin-").FullName;
        try
        {
            await using var serve = CliProcess.Start(folder, new Dictionary<string, string?> { ["Listening__Access__RequireSignIn"] = "true" }, "serve", "--port", "0");
            var url = new Uri((await serve.WaitForAsync(@"Listening serves (http://127\.0\.0\.1:\d+/) ")).Groups[1].Value);
            // The lines after the first arrive on their own schedule: wait for the sign-in line, do not read the output at once.
            Assert.Contains("(Listening:Access:RequireSignIn)", (await serve.WaitForAsync(@"  sign-in +(\S+)[^\n]*")).Value, StringComparison.Ordinal);
            Assert.Contains("sign-in          required", serve.Output, StringComparison.Ordinal);
            using var http = new HttpClient { BaseAddress = url };

            using var day = await http.GetAsync("api/summaries/yesterday");
            Assert.Equal(HttpStatusCode.ServiceUnavailable, day.StatusCode);
            Assert.Contains("Anmeldung", await day.Content.ReadAsStringAsync(), StringComparison.Ordinal);
            using var health = await http.GetAsync("api/health");
            Assert.Equal(HttpStatusCode.OK, health.StatusCode); // a Page not pulled yet: "starting", and no sign-in needed
            Assert.Equal("application/json; charset=utf-8", health.Content.Headers.ContentType!.ToString());
            var start = await http.GetStringAsync("");
            Assert.Contains("Die Anmeldung ist eingeschaltet", start, StringComparison.Ordinal);
            Assert.Equal(0, await serve.StopAsync());
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    [Fact]
    public async Task Serve_rejects_a_bad_address_or_port_with_a_plain_message()
    {
        var address = await CliProcess.RunAsync(new Dictionary<string, string?>(), "serve", "--address", "localhost.example");
        Assert.Equal(2, address.Exit);
        Assert.Contains("--address 'localhost.example' is not an IP address", Assert.Single(address.ErrorLines), StringComparison.Ordinal);

        var port = await CliProcess.RunAsync(new Dictionary<string, string?>(), "serve", "--port", "70000");
        Assert.NotEqual(0, port.Exit);
        Assert.Contains("--port must be from 0 to 65535.", port.Error + port.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Serve_on_a_port_in_use_fails_with_one_sentence_and_leaves_no_Azurite()
    {
        using var taken = new TcpListener(IPAddress.Loopback, 0);
        taken.Start();
        var folder = Directory.CreateTempSubdirectory("listening-serve-port-").FullName;
        try
        {
            var run = await CliProcess.RunInAsync(folder, new Dictionary<string, string?>(), "serve", "--port", ((IPEndPoint)taken.LocalEndpoint).Port.ToString(System.Globalization.CultureInfo.InvariantCulture));

            Assert.Equal(1, run.Exit);
            Assert.DoesNotContain("   at ", run.Error, StringComparison.Ordinal);
            Assert.Contains("address already in use", run.ErrorLines[^1], StringComparison.OrdinalIgnoreCase);
            Assert.False(File.Exists(Path.Combine(folder, ".listening", "azurite.json")));
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    [Fact]
    public async Task Serve_open_hands_the_start_page_to_xdg_open_and_fails_quietly_with_the_url_printed()
    {
        var folder = Directory.CreateTempSubdirectory("listening-serve-open-").FullName;
        try
        {
            // An xdg-open that records what it was asked to open and then finds no browser (exit 3, as the real one does).
            var bin = Directory.CreateDirectory(Path.Combine(folder, "bin")).FullName;
            var opened = Path.Combine(folder, "opened.txt");
            var script = Path.Combine(bin, "xdg-open");
            await File.WriteAllTextAsync(script, $"#!/bin/sh\nprintf '%s' \"$1\" > '{opened}'\necho 'xdg-open: no method available for opening' >&2\nexit 3\n");
            if (!OperatingSystem.IsWindows())
            {
                File.SetUnixFileMode(script, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
            }

            var path = bin + ":" + Environment.GetEnvironmentVariable("PATH");

            await using var serve = CliProcess.Start(folder, new Dictionary<string, string?> { ["PATH"] = path }, "serve", "--port", "0", "--open");
            var url = (await serve.WaitForAsync(@"Listening serves (http://127\.0\.0\.1:\d+/) ")).Groups[1].Value;
            await serve.WaitForAsync("No browser could be opened: open the URL above yourself.");

            Assert.Equal(url, await File.ReadAllTextAsync(opened));
            Assert.DoesNotContain("no method available", serve.Output + serve.Error, StringComparison.Ordinal);
            using var http = new HttpClient();
            Assert.Equal(HttpStatusCode.OK, (await http.GetAsync(url)).StatusCode); // still serving
            Assert.Equal(0, await serve.StopAsync());
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    /// <summary>The Functions app's composition (FunctionsComposition, as Program.cs) on the same storage, with the default tables.</summary>
    private static IHost FunctionsApp(string connectionString)
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { Args = [], DisableDefaults = true });
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["AzureWebJobsStorage"] = connectionString,
            ["Listening:Access:RequireSignIn"] = "false",
        });
        builder.AddListeningFunctions();
        var host = builder.Build();
        host.Services.GetRequiredService<IStartupValidator>().Validate();
        return host;
    }
}
