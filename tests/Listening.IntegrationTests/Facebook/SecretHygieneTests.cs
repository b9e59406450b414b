using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;
using Listening.Cli;
using Listening.Core.Facebook;
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

    [GeneratedRegex(@"(access_token|input_token|appsecret_proof)=(?!\*\*\*)", RegexOptions.IgnoreCase)]
    private static partial Regex UnredactedSecretParameter();
}
