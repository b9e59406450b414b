using Listening.Core.Storage;
using System.Text.Json;
using System.Text.Json.Nodes;
using Listening.Functions;
using Listening.IntegrationTests.Infrastructure;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;

namespace Listening.IntegrationTests.Pipeline;

/// <summary>
/// Timer, queue, tables, HTTP and Teams for real: functions resolved from the app's composition root, messages
/// through Azurite queues, a fake Graph API and a fake Teams webhook on 127.0.0.1.
/// </summary>
public sealed class FullPipelineTests : IAsyncLifetime
{
    private const string Token = "EAAPageTokenTESTabc123SECRET";
    private static readonly DateTimeOffset Morning = new(2026, 11, 27, 7, 0, 0, TimeSpan.Zero); // 08:00 in Berlin
    private FakeGraphApi _graph = null!;
    private FakeServer _teams = null!;
    private TestApp _app = null!;

    public async Task InitializeAsync()
    {
        _graph = await FakeGraphApi.StartAsync();
        _teams = await FakeServer.StartAsync();
        _teams.Handler = static (context, _) =>
        {
            context.Response.StatusCode = 202;
            return Task.CompletedTask;
        };
        _app = await TestApp.StartAsync(Morning.AddDays(-1), new Dictionary<string, string?>
        {
            ["Listening:Facebook:GraphBaseUrl"] = _graph.BaseUri.ToString(),
            ["Listening:Pages:0:Id"] = _graph.PageId,
            ["Listening:Pages:0:Name"] = "Kreis Soest",
            ["Listening:Pages:0:AccessToken"] = Token,
            ["Listening:Teams:WebhookUrl"] = new Uri(_teams.BaseUri, "/workflows/abc/triggers/manual/paths/invoke?api-version=1&sig=TopSecretSig").ToString(),
            ["Listening:PublicBaseUrl"] = "https://listening.example.org",
            // The test stops pulling before the digest: that would be a stalled pipeline (tested in AlertPipelineTests).
            ["Listening:Alerts:Stalled:Enabled"] = "false",
        });
    }

    public async Task DisposeAsync()
    {
        await _app.DisposeAsync();
        await _graph.DisposeAsync();
        await _teams.DisposeAsync();
    }

    [Fact]
    public async Task Pulls_flow_from_timer_to_summary_and_teams_digest()
    {
        var post1 = new FakePost { Id = _graph.PageId + "_1", CreatedTime = Morning.AddHours(1), Message = "Jetzt für eine Ausbildung beim Kreis bewerben!", Like = 10, Love = 2, Comments = 1 };
        var post2 = new FakePost { Id = _graph.PageId + "_2", CreatedTime = Morning.AddHours(-30), Message = "Schüler-BAföG: Anträge bis Ende Dezember", Like = 40, Shares = 3 };
        var post3 = new FakePost { Id = _graph.PageId + "_3", CreatedTime = Morning.AddHours(-50), Message = "Reitkennzeichen", Like = 5 };
        _graph.Posts.AddRange([post2, post3]);
        _graph.Followers = 998;

        // 22:00 the evening before: the baseline.
        _app.Time.SetUtcNow(Morning.AddHours(-10));
        await CycleAsync();
        // 10:00 and 18:00: a new post, counters move, followers grow.
        _app.Time.SetUtcNow(Morning.AddHours(2));
        _graph.Posts.Add(post1);
        _graph.Followers = 1001;
        await CycleAsync();
        _app.Time.SetUtcNow(Morning.AddHours(10));
        post1.Like = 25;
        post1.Angry = 1;
        post1.Comments = 4;
        post2.Like = 46;
        post2.Shares = 5;
        _graph.Followers = 1003;
        await CycleAsync();

        // Graph: paging followed to the end, token only in the header, never in a URL we sent.
        Assert.Contains(_graph.Requests, r => r.Query.Contains("after=2", StringComparison.Ordinal));
        Assert.All(_graph.Requests, r => Assert.Equal("Bearer " + Token, r.Authorization));
        Assert.DoesNotContain(_graph.Requests, r => r.Query.Contains(Token, StringComparison.Ordinal));

        // HTTP: the day's summary as JSON.
        var summary = await GetSummaryJsonAsync("2026-11-27");
        Assert.Equal("2026-11-27", summary["date"]!.GetValue<string>());
        Assert.Equal("Europe/Berlin", summary["timeZone"]!.GetValue<string>());
        Assert.False(summary["demo"]!.GetValue<bool>());
        var page = summary["pages"]![0]!;
        Assert.Equal(1003, page["followers"]!["end"]!.GetValue<long>());
        Assert.Equal(5, page["followers"]!["change"]!.GetValue<long>());
        // post1 (new): 25 likes + 1 angry; post2: 40 -> 46 likes; post3 unchanged.
        Assert.Equal(31, page["reactions"]!["like"]!.GetValue<long>());
        Assert.Equal(1, page["reactions"]!["angry"]!.GetValue<long>());
        Assert.Equal(4, page["comments"]!.GetValue<long>());
        Assert.Equal(2, page["shares"]!.GetValue<long>());
        var posts = page["posts"]!.AsArray();
        Assert.Equal([post1.Id, post2.Id], posts.Select(p => p!["id"]!.GetValue<string>()));
        Assert.Equal(25, posts[0]!["reactionsTotal"]!["like"]!.GetValue<long>());
        Assert.Equal("2026-11-27T09:00:00+01:00", posts[0]!["createdTime"]!.GetValue<string>());

        Assert.True(posts[0]!["new"]!.GetValue<bool>());
        Assert.Equal(6, posts[1]!["reactions"]!["like"]!.GetValue<long>());

        // The digest the next morning goes to Teams as an Adaptive Card 1.5 in the Workflows shape.
        _app.Time.SetUtcNow(Morning.AddDays(1));
        await _app.Get<DailyDigest>().Run(new TimerInfo(), CancellationToken.None);
        var sent = await _app.DeliverAsync(_app.Options.Queues.Notifications, m => _app.Get<SendNotification>().Run(m, CancellationToken.None));
        // The digest, and the milestone alert raised when the Page passed 1,000 followers that day.
        Assert.Equal(2, sent);
        Assert.Single(_teams.Requests, r => r.Body.Contains("Kreis Soest hat 1.000 Follower erreicht", StringComparison.Ordinal));
        var posted = Assert.Single(_teams.Requests, r => r.Body.Contains("Tageszusammenfassung", StringComparison.Ordinal));
        var payload = JsonNode.Parse(posted.Body)!;
        Assert.Equal("message", payload["type"]!.GetValue<string>());
        var card = payload["attachments"]![0]!["content"]!;
        Assert.Equal("AdaptiveCard", card["type"]!.GetValue<string>());
        Assert.Equal("1.5", card["version"]!.GetValue<string>());
        Assert.Contains("27.11.2026", card.ToJsonString(), StringComparison.Ordinal);

        // The next hourly run does not send it again.
        _app.Time.Advance(TimeSpan.FromHours(1));
        await _app.Get<DailyDigest>().Run(new TimerInfo(), CancellationToken.None);
        await _app.DeliverAsync(_app.Options.Queues.Notifications, m => _app.Get<SendNotification>().Run(m, CancellationToken.None));
        Assert.Equal(2, _teams.Requests.Count);
    }

    [Fact]
    public async Task Unknown_date_format_gets_a_plain_400_problem()
    {
        var context = new DefaultHttpContext();
        var result = await _app.Get<GetDailySummary>().Run(context.Request, "27.11.2026", CancellationToken.None);

        var content = Assert.IsType<ContentResult>(result);
        Assert.Equal(400, content.StatusCode);
        Assert.StartsWith("application/problem+json", content.ContentType, StringComparison.Ordinal);
        var problem = JsonNode.Parse(content.Content!)!;
        Assert.Contains("JJJJ-MM-TT", problem["detail"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.DoesNotContain("Exception", content.Content, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Malformed_snapshot_goes_to_the_poison_queue_with_a_reason_and_writes_nothing()
    {
        var snapshots = _app.Queue(_app.Options.Queues.Snapshots);
        await snapshots.CreateIfNotExistsAsync();
        await snapshots.SendMessageAsync("{\"schema\":1,\"pageId\":\"104857600000001\",\"pageName\":\"x\",\"capturedAt\":\"2026-11-26T06:00:00Z\",\"parts\":1,\"posts\":[{\"id\":\"p1\",\"createdTime\":\"2026-11-26T05:00:00Z\",\"reactions\":{\"like\":-5}}]}");

        await _app.DeliverAsync(_app.Options.Queues.Snapshots, m => _app.Get<AggregateSnapshot>().Run(m, CancellationToken.None));

        var poison = _app.Queue(_app.Options.Queues.Snapshots + "-poison");
        var parked = (await poison.PeekMessagesAsync(10)).Value;
        Assert.Single(parked);
        Assert.Contains("\"like\":-5", parked[0].Body.ToString(), StringComparison.Ordinal);
        var logs = _app.Logs!.GetSnapshot();
        Assert.Contains(logs, r => r.Message.Contains("negative reaction count", StringComparison.Ordinal) && r.Message.Contains("poison", StringComparison.Ordinal));
        await _app.Tables.EnsureCreatedAsync(CancellationToken.None);
        Assert.Empty(await TestApp.RowsAsync(_app.Tables.PageDays, PageDayKinds.Observation));
        Assert.Empty(await TestApp.RowsAsync(_app.Tables.PageDays, PageDayKinds.Archive));
    }

    private async Task CycleAsync()
    {
        await _app.Get<SchedulePulls>().Run(new TimerInfo(), CancellationToken.None);
        Assert.Equal(1, await _app.DeliverAsync(_app.Options.Queues.Pulls, m => _app.Get<PullPage>().Run(m, CancellationToken.None)));
        Assert.True(await _app.DeliverAsync(_app.Options.Queues.Snapshots, m => _app.Get<AggregateSnapshot>().Run(m, CancellationToken.None)) >= 1);
    }

    private async Task<JsonNode> GetSummaryJsonAsync(string date)
    {
        var context = new DefaultHttpContext();
        context.Request.QueryString = new QueryString("?format=json");
        var result = await _app.Get<GetDailySummary>().Run(context.Request, date, CancellationToken.None);
        var file = Assert.IsType<FileContentResult>(result);
        Assert.StartsWith("application/json", file.ContentType, StringComparison.Ordinal);
        return JsonNode.Parse(file.FileContents)!;
    }
}
