using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Text;
using Listening.Core.Configuration;
using Listening.Core.Pipeline.Api;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace Listening.Cli;

/// <summary>
/// <c>listening serve [--port 7071] [--open]</c>: the app's HTTP routes (<see cref="ApiRoutes"/>: the day summary, the
/// period report, health, and whatever later routes add there) on Kestrel, from the same composition root and the same
/// endpoint code (<see cref="ListeningApi"/>) as the Functions app, plus a German start page at <c>/</c>. Listens on
/// 127.0.0.1 only unless <c>--address</c> says otherwise. README, "Trying it locally"; docs/local.md.
/// </summary>
internal static class ServeCommand
{
    public const int DefaultPort = 7071;

    public static Command Build(Option<bool> verbose, string localRoot)
    {
        var port = new Option<int>("--port") { Description = "Port to listen on (default 7071, the port of func start; 0 picks a free one).", DefaultValueFactory = _ => DefaultPort };
        port.Validators.Add(r =>
        {
            if (r.GetValueOrDefault<int>() is < 0 or > 65535)
            {
                r.AddError("--port must be from 0 to 65535.");
            }
        });
        var open = new Option<bool>("--open") { Description = "Open the start page in the browser (xdg-open); the URL is printed either way." };
        var address = new Option<string>("--address")
        {
            Description = "IP address to listen on (default 127.0.0.1: this machine only). Another address serves the network: sign-in is then as configured (on by default).",
            DefaultValueFactory = _ => "127.0.0.1",
        };
        var serve = new Command("serve", "Serve the day summaries, the period report and health over HTTP from this machine, with a start page (the Functions app's routes, without Core Tools).")
        {
            port, open, address,
        };
        serve.SetAction((parse, ct) => CliHost.RunAsync(() =>
            RunAsync(parse.GetValue(port), parse.GetValue(open), parse.GetValue(address)!, parse.GetValue(verbose), localRoot, Console.Out, ct)));
        return serve;
    }

    public static async Task<int> RunAsync(
        int port, bool open, string address, bool verbose, string? localRoot, TextWriter output, CancellationToken cancellationToken,
        IReadOnlyDictionary<string, string?>? overrides = null)
    {
        if (!IPAddress.TryParse(address, out var ip))
        {
            await Console.Error.WriteLineAsync($"--address '{address}' is not an IP address: use 127.0.0.1 (this machine only) or, to serve the network, an address of this machine or 0.0.0.0.");
            return 2;
        }

        await using var storage = await CliStorage.ForAsync(localRoot, overrides, Console.Error, cancellationToken);
        var settings = new Dictionary<string, string?>(storage.Overrides, StringComparer.OrdinalIgnoreCase);
        var loopback = IPAddress.IsLoopback(ip);
        if (storage.Local is not null && loopback && CliHost.Configuration(storage.Overrides)["Listening:Access:RequireSignIn"] is null)
        {
            // The demo's own data on this machine only: sign-in off, as local.settings.sample.json has it for func start.
            // Configured storage, another address, or an explicit setting: sign-in as configured (on by default).
            settings["Listening:Access:RequireSignIn"] = "false";
        }

        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { Args = [], ContentRootPath = AppContext.BaseDirectory });
        CliHost.Compose(builder, settings, null, verbose);
        builder.WebHost.ConfigureKestrel(kestrel =>
        {
            // Only the address and port given here: an empty configuration replaces the "Kestrel" section, whose
            // Endpoints would otherwise add listeners (ASPNETCORE_URLS is overridden by Listen anyway).
            kestrel.Configure(new Microsoft.Extensions.Configuration.ConfigurationBuilder().Build(), reloadOnChange: false);
            kestrel.Listen(ip, port);
        });
        await using var app = builder.Build();
        app.Services.GetRequiredService<IStartupValidator>().Validate();
        var options = app.Services.GetRequiredService<IOptions<ListeningOptions>>().Value;
        var calendar = app.Services.GetRequiredService<LocalCalendar>();
        var time = app.Services.GetRequiredService<TimeProvider>();

        app.MapGet("/", (HttpContext context) =>
        {
            var html = StartPage.Render(calendar.DateOf(time.GetUtcNow()), options.Access.RequireSignIn, storage.Local is not null, loopback);
            return WriteAsync(context, new ApiResponse(200, "text/html; charset=utf-8", Encoding.UTF8.GetBytes(html),
            [
                new("X-Content-Type-Options", "nosniff"),
                new("Content-Security-Policy", ListeningApi.ContentSecurityPolicy),
                new("Referrer-Policy", "no-referrer"),
                new("Cache-Control", "no-store"),
            ]));
        });
        foreach (var route in ApiRoutes.All)
        {
            app.MapGet("/api/" + route.Template, async (HttpContext context) =>
            {
                var request = ApiRequest.From(
                    context.Request.RouteValues.ToDictionary(v => v.Key, v => Convert.ToString(v.Value, CultureInfo.InvariantCulture), StringComparer.Ordinal),
                    context.Request.Query,
                    context.Request.Headers);
                var api = context.RequestServices.GetRequiredService<ListeningApi>();
                await WriteAsync(context, await route.Answer(api, request, context.RequestAborted));
            });
        }

        await app.StartAsync(cancellationToken);
        var addresses = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()?.Addresses.ToList() ?? [];
        var expected = new IPEndPoint(ip, port).ToString();
        if (addresses.Count != 1 || (port != 0 && !addresses[0].EndsWith("//" + expected, StringComparison.Ordinal)))
        {
            // Kestrel settings from elsewhere (a Kestrel:Endpoints section, ASPNETCORE_URLS) must never widen where it listens.
            await app.StopAsync(CancellationToken.None);
            await Console.Error.WriteLineAsync($"Failed: the server listens on {string.Join(", ", addresses)}, not only on {expected}: remove Kestrel settings from the configuration.");
            return 1;
        }

        var baseUrl = addresses[0].TrimEnd('/') + "/";
        var yesterday = calendar.DateOf(time.GetUtcNow()).AddDays(-1);
        await output.WriteLineAsync($"Listening serves {baseUrl} ({(loopback ? "this machine only" : "the network")}; Ctrl+C stops it).");
        await output.WriteLineAsync($"  start page       {baseUrl}");
        await output.WriteLineAsync($"  yesterday        {baseUrl}api/summaries/{Core.Contracts.IsoDate.Format(yesterday)}");
        await output.WriteLineAsync($"  last 30 days     {baseUrl}api/summaries?from={Core.Contracts.IsoDate.Format(yesterday.AddDays(-29))}&to={Core.Contracts.IsoDate.Format(yesterday)}");
        await output.WriteLineAsync($"  health           {baseUrl}api/health");
        await output.WriteLineAsync(options.Access.RequireSignIn
            ? "  sign-in          required (Listening:Access:RequireSignIn): without the platform's sign-in the summaries answer 503."
            : "  sign-in          off" + (loopback ? " (this machine only)" : " (Listening:Access:RequireSignIn is false)"));
        await output.FlushAsync(cancellationToken);
        if (open)
        {
            await output.WriteLineAsync(TryOpenBrowser(baseUrl) ? "Opening the start page in your browser." : "No browser could be opened: open the URL above yourself.");
            await output.FlushAsync(cancellationToken);
        }

        try
        {
            await Task.Delay(Timeout.Infinite, CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, app.Lifetime.ApplicationStopping).Token);
        }
        catch (OperationCanceledException)
        {
            // Ctrl+C or SIGTERM: the normal way to stop.
        }

        await app.StopAsync(CancellationToken.None);
        await output.WriteLineAsync("Stopped.");
        return 0;
    }

    private static async Task WriteAsync(HttpContext context, ApiResponse response)
    {
        context.Response.StatusCode = response.Status;
        foreach (var (name, value) in response.Headers)
        {
            context.Response.Headers[name] = value;
        }

        if (response.Status == StatusCodes.Status304NotModified)
        {
            return;
        }

        context.Response.ContentType = response.ContentType;
        context.Response.ContentLength = response.Body.Length;
        await context.Response.Body.WriteAsync(response.Body, context.RequestAborted);
    }

    /// <summary>xdg-open (Linux), open (macOS), the shell (Windows); quietly false when none works.</summary>
    private static bool TryOpenBrowser(string url)
    {
        try
        {
            var start = OperatingSystem.IsWindows()
                ? new ProcessStartInfo(url) { UseShellExecute = true }
                : new ProcessStartInfo(OperatingSystem.IsMacOS() ? "open" : "xdg-open", [url])
                {
                    UseShellExecute = false,
                    RedirectStandardOutput = true,
                    RedirectStandardError = true,
                };
            using var process = Process.Start(start);
            if (process is null)
            {
                return false;
            }

            if (!OperatingSystem.IsWindows())
            {
                // xdg-open hands over to the browser and returns; a non-zero exit means it found none.
                process.StandardOutput.ReadToEndAsync();
                process.StandardError.ReadToEndAsync();
                return process.WaitForExit(10_000) && process.ExitCode == 0;
            }

            return true;
        }
        catch (Exception e) when (e is System.ComponentModel.Win32Exception or InvalidOperationException or IOException)
        {
            return false;
        }
    }
}
