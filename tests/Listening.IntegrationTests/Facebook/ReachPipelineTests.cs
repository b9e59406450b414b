using System.Text.Json.Nodes;
using Listening.Core.Contracts;
using Listening.Core.Storage;
using Listening.Functions;
using Listening.IntegrationTests.Infrastructure;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;

namespace Listening.IntegrationTests.Facebook;

/// <summary>
/// Post views and reach (issue 13) from the fake Graph API's post insights through the functions and Azurite to the
/// summary JSON: the day's gains, a post whose reach Meta stops answering (unknown, not 0, not yesterday's), and a
/// renamed reach metric that continues the same series.
/// </summary>
public sealed class ReachPipelineTests
{
    private static async Task CycleAsync(GraphScenario s)
    {
        await s.App.Get<SchedulePulls>().Run(new TimerInfo(), CancellationToken.None);
        Assert.Equal(1, await s.App.DeliverAsync(s.App.Options.Queues.Pulls, m => s.App.Get<PullPage>().Run(m, CancellationToken.None)));
        await s.App.DeliverAsync(s.App.Options.Queues.Snapshots, m => s.App.Get<AggregateSnapshot>().Run(m, CancellationToken.None));
    }

    private static async Task<JsonNode> PageSummaryAsync(GraphScenario s, string date)
    {
        var context = new DefaultHttpContext();
        context.Request.QueryString = new QueryString("?format=json");
        var result = await s.App.Get<GetDailySummary>().Run(context.Request, date, CancellationToken.None);
        var file = Assert.IsType<FileContentResult>(result);
        return JsonNode.Parse(file.FileContents)!["pages"]![0]!;
    }

    private static JsonNode Post(JsonNode page, FakePost post) =>
        page["posts"]!.AsArray().Single(p => p!["id"]!.GetValue<string>() == post.Id)!;

    [Fact]
    public async Task Views_and_reach_reach_the_summary_and_a_reach_Meta_stops_answering_is_null_not_zero()
    {
        await using var s = await GraphScenario.StartAsync();
        var fresh = s.AddPost(1, TimeSpan.FromHours(2), like: 40);
        fresh.Views = 1_500;
        fresh.Reach = 900;
        var older = s.AddPost(2, TimeSpan.FromHours(3), like: 10);
        older.Views = 4_000;
        older.Reach = 2_500;
        await CycleAsync(s);

        var first = await PageSummaryAsync(s, "2026-11-27");
        var p1 = Post(first, fresh);
        Assert.Equal((1_500L, 1_500L, 900L, 900L), (p1["views"]!.GetValue<long>(), p1["viewsTotal"]!.GetValue<long>(), p1["reach"]!.GetValue<long>(), p1["reachTotal"]!.GetValue<long>()));
        Assert.Equal(Math.Round((40.0 + 1 + 1) / 900, 4), p1["engagementRate"]!.GetValue<double>());
        Assert.Equal(900 + 2_500, first["reach"]!.GetValue<long>());
        Assert.Equal("reach", first["topPostBy"]!.GetValue<string>());

        // The next day Meta answers post 1's metrics as before, but no longer post 2's reach.
        s.App.Time.Advance(TimeSpan.FromDays(1));
        fresh.Views = 2_100;
        fresh.Reach = 1_250;
        older.Views = 4_600;
        older.Unanswered.Add(MetricNames.PostReach);
        await CycleAsync(s);

        var next = await PageSummaryAsync(s, "2026-11-28");
        p1 = Post(next, fresh);
        Assert.Equal((600L, 350L, 1_250L), (p1["views"]!.GetValue<long>(), p1["reach"]!.GetValue<long>(), p1["reachTotal"]!.GetValue<long>()));
        var p2 = Post(next, older);
        Assert.Equal(600, p2["views"]!.GetValue<long>());
        Assert.Equal(JsonValueKindNull, Kind(p2, "reach"));
        Assert.Equal(JsonValueKindNull, Kind(p2, "reachTotal")); // not yesterday's 2,500, not 0
        Assert.Equal(JsonValueKindNull, Kind(p2, "engagementRate"));
        Assert.Equal(JsonValueKindNull, Kind(next, "reach")); // a listed post's reach is unknown
        Assert.Equal(1_200, next["views"]!.GetValue<long>());

        // Stored as unknown: the row has no reach at all.
        var row = (await TestApp.RowsAsync(s.App.Tables.PageDays, PageDayKinds.Observation)).Single(r => r.RowKey == ObservationKeys.Post(new DateOnly(2026, 11, 28), older.Id));
        Assert.False(row.ContainsKey(nameof(PostDayEntity.Reach)));
        Assert.Equal(4_600, row.GetInt64(nameof(PostDayEntity.Views)));
    }

    [Fact]
    public async Task A_renamed_reach_metric_continues_the_series_and_sources_names_it()
    {
        await using var s = await GraphScenario.StartAsync(settings: new Dictionary<string, string?>
        {
            ["Listening:Facebook:PostMetrics"] = "post_media_view,post_impressions_unique",
        });
        var post = s.AddPost(1, TimeSpan.FromHours(2), like: 5);
        post.Reach = 700;
        await CycleAsync(s);

        var first = Post(await PageSummaryAsync(s, "2026-11-27"), post);
        Assert.Equal(700, first["reachTotal"]!.GetValue<long>());
        Assert.Equal("post_impressions_unique", first["sources"]!["reach"]!.GetValue<string>());

        // Meta retires the old name: the puller asks for its successor, and the series goes on without a source note.
        s.Graph.RetiredMetrics.Add("post_impressions_unique");
        s.App.Time.Advance(TimeSpan.FromDays(1));
        post.Reach = 1_000;
        await CycleAsync(s);

        var next = Post(await PageSummaryAsync(s, "2026-11-28"), post);
        Assert.Equal((300L, 1_000L), (next["reach"]!.GetValue<long>(), next["reachTotal"]!.GetValue<long>()));
        Assert.Null(next["sources"]);
    }

    private const System.Text.Json.JsonValueKind JsonValueKindNull = System.Text.Json.JsonValueKind.Null;

    /// <summary>The kind of a field that must be present: a missing field is not the same as an explicit null.</summary>
    private static System.Text.Json.JsonValueKind Kind(JsonNode node, string field)
    {
        Assert.True(node.AsObject().ContainsKey(field), $"{field} is missing");
        return node[field]?.GetValueKind() ?? System.Text.Json.JsonValueKind.Null;
    }
}
