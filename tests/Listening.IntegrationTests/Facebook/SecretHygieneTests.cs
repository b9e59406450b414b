using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;
using Listening.Cli;
using Listening.Core.Meta;
using Listening.Functions;
using Listening.IntegrationTests.Infrastructure;
using Microsoft.Azure.Functions.Worker;
using Microsoft.Extensions.Logging;

namespace Listening.IntegrationTests.Facebook;

/// <summary>
/// A full sync with a recognisable token and app secret, through every path that writes logs or records (paging,
/// a rejected metric, a Meta error message that echoes a URL with the token, throttling, an invalid token, the
/// backfill and the check), with every log line captured at Trace: none may hold the token, the secret, the proof
/// or an unredacted <c>access_token=</c>; no table row or queue message may hold the token or the secret.
/// </summary>
public sealed partial class SecretHygieneTests
{
    private const string Token = "EAAHygieneRecognisableToken0123456789ZZ";
    private const string AppSecret = "HygieneAppSecret4711Recognisable";

    [Fact]
    public async Task No_token_secret_or_paging_link_reaches_a_log_line_a_row_or_a_message()
    {
        await using var s = await GraphScenario.StartAsync(
            settings: new Dictionary<string, string?> { ["Listening:Facebook:AppSecret"] = AppSecret },
            minimumLogLevel: LogLevel.Trace,
            token: Token);
        s.App.Time.AutoAdvanceAmount = TimeSpan.FromMilliseconds(1);
        s.Graph.AppSecret = AppSecret;
        for (var i = 1; i <= 5; i++)
        {
            s.AddPost(i, TimeSpan.FromDays(i * 10), like: i);
        }

        s.Graph.RetiredMetrics.Add("page_video_views");
        s.Graph.CallFaults.Enqueue(("/published_posts", FakeGraphApi.GraphError(400, 100, null,
            $"(#100) Invalid parameter in https://graph.facebook.com/v24.0/{s.Graph.PageId}/published_posts?access_token={Token}&limit=100")));
        var outputs = new StringBuilder();

        // The regular cycle through the functions, then the backfill and the check as the CLI runs them.
        await s.App.Get<SchedulePulls>().Run(new TimerInfo(), CancellationToken.None);
        await s.App.DeliverAsync(s.App.Options.Queues.Pulls, m => s.App.Get<PullPage>().Run(m, CancellationToken.None));
        await s.App.DeliverAsync(s.App.Options.Queues.Snapshots, m => s.App.Get<AggregateSnapshot>().Run(m, CancellationToken.None));
        using (var output = new StringWriter(CultureInfo.InvariantCulture))
        {
            Assert.Equal(0, await BackfillCommand.RunAsync(s.App.Services, new DateOnly(2026, 9, 1), null, output, output, CancellationToken.None));
            Assert.Equal(0, await CheckCommand.RunAsync(s.App.Services, output, CancellationToken.None));
            outputs.Append(output);
        }

        // Throttling, then a token Meta refuses.
        s.App.Time.Advance(TimeSpan.FromMinutes(15));
        s.Graph.Faults.Enqueue(FakeGraphApi.GraphError(400, 32, null, $"(#32) Page request limit reached, see https://x.example/?access_token={Token}"));
        Assert.Equal(Listening.Core.Ingestion.PullStatus.Throttled, (await s.PullAsync()).Status);
        s.App.Time.Advance(TimeSpan.FromDays(1));
        s.Graph.InvalidTokens.Add(Token);
        Assert.Equal(Listening.Core.Ingestion.PullStatus.TokenInvalid, (await s.PullAsync()).Status);

        var logs = s.App.Logs!.GetSnapshot();
        var text = new StringBuilder(outputs.ToString());
        foreach (var record in logs)
        {
            text.AppendLine(record.Category + " " + record.Message + " " + record.Exception);
            foreach (var (key, value) in record.StructuredState ?? [])
            {
                text.AppendLine(key + "=" + value);
            }
        }

        var all = text.ToString();

        // The scan saw real traffic: Graph calls, the pulls, the rejected metric, Meta's error message.
        Assert.Contains(logs, r => r.Category == typeof(GraphClient).FullName && r.Message.Contains("relative_url", StringComparison.Ordinal) is false && r.Message.StartsWith("Graph batch GET v24.0/", StringComparison.Ordinal));
        Assert.Contains(logs, r => r.Message.Contains("debug_token?input_token=***", StringComparison.Ordinal));
        Assert.Contains("Pulled page", all, StringComparison.Ordinal);
        Assert.Contains("page_video_views", all, StringComparison.Ordinal);
        Assert.Contains("Invalid parameter in", all, StringComparison.Ordinal);
        Assert.Contains(s.Graph.Requests, r => r.Method == "GET"); // paging links were followed

        Assert.DoesNotContain(Token, all, StringComparison.Ordinal);
        Assert.DoesNotContain(Token[..20], all, StringComparison.Ordinal);
        Assert.DoesNotContain(AppSecret, all, StringComparison.Ordinal);
        Assert.DoesNotContain(GraphClient.Proof(Token, AppSecret), all, StringComparison.Ordinal);
        Assert.Empty(UnredactedSecretParameter().Matches(all));

        // Nothing stored holds them either: every row of every table, every queue message.
        await s.App.Tables.EnsureCreatedAsync(CancellationToken.None);
        foreach (var table in s.App.Tables.All)
        {
            foreach (var row in await TestApp.RowsAsync(table))
            {
                var values = string.Join('|', row.Select(p => p.Value is byte[] bytes ? Listening.Core.Storage.RawArchive.Decompress(bytes) : Convert.ToString(p.Value, CultureInfo.InvariantCulture)));
                Assert.DoesNotContain(Token, values, StringComparison.Ordinal);
                Assert.DoesNotContain(AppSecret, values, StringComparison.Ordinal);
                Assert.Empty(UnredactedSecretParameter().Matches(values));
                Assert.DoesNotContain("after=", values, StringComparison.Ordinal); // no paging link either
            }
        }

        foreach (var name in new[] { s.App.Options.Queues.Pulls, s.App.Options.Queues.Snapshots, s.App.Options.Queues.Notifications })
        {
            foreach (var queue in new[] { s.App.Queue(name), s.App.Queue(name + "-poison") })
            {
                if ((await queue.ExistsAsync()).Value)
                {
                    Assert.All((await queue.PeekMessagesAsync(32)).Value, m => Assert.DoesNotContain(Token, m.Body.ToString(), StringComparison.Ordinal));
                }
            }
        }
    }

    /// <summary>An old Office 365 connector URL: its secret is the path.</summary>
    internal const string ConnectorUrl = "https://kreissoest.webhook.office.com/webhookb2/0b5c3f0e-1d2e-4f6a-9b8c-7d6e5f4a3b2c@9f8e7d6c-5b4a-3c2d-1e0f-a9b8c7d6e5f4/IncomingWebhook/4c2a9e7b1d3f5a6c8e0b2d4f6a8c0e2b/1a2b3c4d-5e6f-7a8b-9c0d-1e2f3a4b5c6d";

    /// <summary>A Workflows URL: its secret is the sig=.</summary>
    internal const string WorkflowsSig = "HygieneSig_aB3dE5fG7hI9jK1lM3nO5pQ7rS9tU1vW3";

    internal const string WorkflowsUrl = "https://prod-12.westeurope.logic.azure.com:443/workflows/5e8f0a1b2c3d4e5f6a7b8c9d0e1f2a3b/triggers/manual/paths/invoke?api-version=2016-06-01&sp=%2Ftriggers%2Fmanual%2Frun&sv=1.0&sig=" + WorkflowsSig;

    /// <summary>The verify token of Meta's Page webhook, under the key it will have.</summary>
    internal const string VerifyToken = "HygieneVerifyToken2026xyz";

    [Theory]
    [InlineData(190, 467)]
    [InlineData(2, null)]
    [InlineData(4, null)]
    public async Task A_Meta_error_that_echoes_the_token_reaches_no_log_row_health_answer_or_CLI_output(int code, int? subcode)
    {
        await using var s = await GraphScenario.StartAsync(
            settings: new Dictionary<string, string?>
            {
                ["Listening:Facebook:AppSecret"] = AppSecret,
                ["Listening:Teams:WebhookUrl"] = ConnectorUrl,
                ["Listening:Teams:Format"] = "messagecard",
                ["Listening:Teams:Channels:krisenstab:WebhookUrl"] = WorkflowsUrl,
                ["Listening:Webhooks:VerifyToken"] = VerifyToken,
            },
            minimumLogLevel: LogLevel.Trace,
            token: Token);
        s.Graph.AppSecret = AppSecret;
        s.AddPost(1, TimeSpan.FromHours(3), like: 2);
        var proof = GraphClient.Proof(Token, AppSecret);
        var accountKey = Regex.Match(s.App.Get<Microsoft.Extensions.Configuration.IConfiguration>()["AzureWebJobsStorage"]!, "AccountKey=([^;]+)").Groups[1].Value;
        string[] secrets =
        [
            Token, AppSecret, proof, ConnectorUrl, new Uri(ConnectorUrl).AbsolutePath, "4c2a9e7b1d3f5a6c8e0b2d4f6a8c0e2b",
            WorkflowsUrl, WorkflowsSig, VerifyToken, accountKey,
        ];
        Assert.All(secrets, secret => Assert.True(secret.Length >= 16, secret));

        // The Page-fields call (the first of the batch) fails with Meta's text echoing the token, as Meta's does.
        FakeFault Fault(string message) => FakeGraphApi.GraphError(400, code, subcode, message);
        // The key also matches the insights and posts calls of the batch; a transient code is asked once more.
        for (var i = 0; i < (code == 2 ? 6 : 3); i++)
        {
            s.Graph.CallFaults.Enqueue(("/" + s.Graph.PageId, Fault($"Malformed access token {Token}")));
        }

        await s.App.Get<SchedulePulls>().Run(new TimerInfo(), CancellationToken.None);
        await s.App.DeliverAsync(s.App.Options.Queues.Pulls, m => s.App.Get<PullPage>().Run(m, CancellationToken.None));
        await s.App.DeliverAsync(s.App.Options.Queues.Snapshots, m => s.App.Get<AggregateSnapshot>().Run(m, CancellationToken.None));

        // listening check, with Meta's text echoing every secret there is (a worst case, not Meta's habit).
        var everything = $"Malformed access token {Token}, appsecret {AppSecret}, proof {proof}, see {ConnectorUrl} and {WorkflowsUrl}, verify {VerifyToken}, key {accountKey}";
        s.Graph.CallFaults.Enqueue(("/" + s.Graph.PageId, Fault(everything)));
        s.Graph.CallFaults.Enqueue(("/" + s.Graph.PageId, Fault(everything)));
        s.Graph.CallFaults.Enqueue(("debug_token", Fault(everything)));
        s.Graph.CallFaults.Enqueue(("debug_token", Fault(everything)));
        string cli;
        using (var output = new StringWriter(CultureInfo.InvariantCulture))
        {
            await CheckCommand.RunAsync(s.App.Services, output, CancellationToken.None);
            cli = output.ToString();
        }

        var health = await Listening.IntegrationTests.Summaries.HttpCall.HealthAsync(s.App);
        var logs = s.App.Logs!.GetSnapshot();
        var logText = new StringBuilder();
        foreach (var record in logs)
        {
            logText.AppendLine(record.Category + " " + record.Message + " " + record.Exception);
            foreach (var (key, value) in record.StructuredState ?? [])
            {
                logText.AppendLine(key + "=" + value);
            }
        }

        var rows = new StringBuilder();
        await s.App.Tables.EnsureCreatedAsync(CancellationToken.None);
        foreach (var table in s.App.Tables.All)
        {
            foreach (var row in await TestApp.RowsAsync(table))
            {
                rows.AppendLine(string.Join('|', row.Select(p => p.Value is byte[] bytes ? Listening.Core.Storage.RawArchive.Decompress(bytes) : Convert.ToString(p.Value, CultureInfo.InvariantCulture))));
            }
        }

        // The run went where it should: Meta's failure is in the logs, the state and health (as our sentence), and the CLI.
        var state = (await s.App.Get<Listening.Core.Storage.PageStateStore>().GetAsync(s.Graph.PageId, CancellationToken.None))!;
        var expected = code == 190 ? "Meta refused the Page token (code 190/467, HTTP 400)"
            : code == 4 ? "Meta throttles the requests (code 4, HTTP 400)"
            : "a temporary error at Meta (code 2, HTTP 400)";
        Assert.Equal(expected, state.LastFailure);
        Assert.Contains("Malformed access token ***", logText.ToString(), StringComparison.Ordinal);
        // check shows Meta's text (masked) for a refused token; for a transient or throttling code only our sentence.
        Assert.Contains(code == 190 ? "Malformed access token ***" : code == 4 ? "throttled by Meta (code 4)" : "Meta is temporarily unavailable (code 2)", cli, StringComparison.Ordinal);
        var page = health.Json["pages"]![0]!;
        Assert.Equal(expected, page["lastFailure"]!.GetValue<string>());
        Assert.DoesNotContain("Malformed", health.Text, StringComparison.Ordinal); // codes and our sentences, never Meta's text

        foreach (var (where, text) in new[] { ("logs", logText.ToString()), ("rows", rows.ToString()), ("health", health.Text), ("CLI", cli) })
        {
            foreach (var secret in secrets)
            {
                Assert.False(text.Contains(secret, StringComparison.Ordinal), $"{where} hold the secret {secret[..6]}...");
            }

            Assert.Empty(UnredactedSecretParameter().Matches(text));
        }
    }

    [Fact]
    public async Task The_listening_process_prints_Meta_s_text_with_the_token_masked()
    {
        await using var graph = await FakeGraphApi.StartAsync();
        graph.Error = (400, 190, 467, $"Malformed access token {Token}");
        var start = new System.Diagnostics.ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add(CliAssembly());
        start.ArgumentList.Add("check");
        start.Environment["Listening__Facebook__GraphBaseUrl"] = graph.BaseUri.ToString();
        start.Environment["Listening__Pages__0__Id"] = graph.PageId;
        start.Environment["Listening__Pages__0__AccessToken"] = Token;
        start.Environment["Listening__Facebook__AppSecret"] = AppSecret;
        start.Environment["AzureWebJobsStorage"] = "UseDevelopmentStorage=true";

        using var process = System.Diagnostics.Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        var printed = await stdout + await stderr;

        Assert.Contains("Malformed access token ***", printed, StringComparison.Ordinal);
        Assert.DoesNotContain(Token, printed, StringComparison.Ordinal);
        Assert.DoesNotContain(AppSecret, printed, StringComparison.Ordinal);
    }

    /// <summary>The CLI as built beside the tests (its own bin folder: the tests' folder holds other package versions).</summary>
    private static string CliAssembly()
    {
        var bin = new DirectoryInfo(AppContext.BaseDirectory.TrimEnd(Path.DirectorySeparatorChar));
        var root = bin;
        while (root is not null && !File.Exists(Path.Combine(root.FullName, "Listening.sln")))
        {
            root = root.Parent;
        }

        return Path.Combine(root!.FullName, "src", "Listening.Cli", "bin", bin.Parent!.Name, bin.Name, "listening.dll");
    }

    [GeneratedRegex(@"(access_token|input_token|appsecret_proof)=(?!\*\*\*)", RegexOptions.IgnoreCase)]
    private static partial Regex UnredactedSecretParameter();
}
