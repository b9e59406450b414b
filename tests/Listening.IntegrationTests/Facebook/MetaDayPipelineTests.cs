using System.Text.Json.Nodes;
using Azure.Data.Tables;
using Listening.Core.Ingestion;
using Listening.Core.Contracts;
using Listening.Core.Summaries;
using Listening.Functions;
using Listening.IntegrationTests.Infrastructure;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;
using Listening.Core.Aggregation;
using Listening.Core.Storage;

namespace Listening.IntegrationTests.Facebook;

/// <summary>Meta's daily values from the Graph API to the summary JSON's <c>metaDay</c>, through the functions and Azurite.</summary>
public sealed class MetaDayPipelineTests
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

    [Fact]
    public async Task The_summary_shows_Metas_values_for_Metas_day_of_the_same_date_once_that_day_is_complete()
    {
        // 08:30 in Berlin on 27.11.: California is still on the 26th, so Meta's 26th is not complete.
        await using var s = await GraphScenario.StartAsync(new DateTimeOffset(2026, 11, 27, 7, 30, 0, TimeSpan.Zero));
        s.AddPost(1, TimeSpan.FromHours(1), like: 3);
        await CycleAsync(s);

        Assert.Null((await s.App.Get<SummaryMaterializer>().BuildAsync(s.Page.Id, new DateOnly(2026, 11, 26), CancellationToken.None)).Summary.MetaDay);
        var complete = (await PageSummaryAsync(s, "2026-11-25"))["metaDay"]!;
        Assert.Equal("2026-11-25", complete["date"]!.GetValue<string>());
        Assert.Equal(9, complete["metrics"]!.AsObject().Count);
        Assert.Equal(s.Graph.InsightValue("page_media_view", new DateOnly(2026, 11, 25)), complete["metrics"]!["page_media_view"]!.GetValue<long>());
        Assert.Empty(complete["sources"]!.AsObject());

        // 09:30 in Berlin: Meta's 26th ended at 08:00 UTC; the next cycle fills in the summary of the 26th.
        s.App.Time.SetUtcNow(new DateTimeOffset(2026, 11, 27, 8, 30, 0, TimeSpan.Zero));
        await CycleAsync(s);

        var metaDay = (await PageSummaryAsync(s, "2026-11-26"))["metaDay"]!;
        Assert.Equal("2026-11-26", metaDay["date"]!.GetValue<string>());
        Assert.Equal(s.Graph.InsightValue("page_follows", new DateOnly(2026, 11, 26)), metaDay["metrics"]!["page_follows"]!.GetValue<long>());
        Assert.Null((await PageSummaryAsync(s, "2026-11-27"))["metaDay"]);
        Assert.Equal(3, (await PageSummaryAsync(s, "2026-11-27"))["reactions"]!["like"]!.GetValue<long>());
    }

    [Fact]
    public async Task A_renamed_metric_keeps_its_series_and_the_summary_says_where_the_value_came_from()
    {
        await using var s = await GraphScenario.StartAsync(settings: new Dictionary<string, string?>
        {
            ["Listening:Facebook:PageMetrics"] = "page_impressions,page_follows",
        });
        await CycleAsync(s);

        var before = (await PageSummaryAsync(s, "2026-11-26"))["metaDay"]!;
        Assert.Equal(s.Graph.InsightValue("page_impressions", new DateOnly(2026, 11, 26)), before["metrics"]!["page_media_view"]!.GetValue<long>());
        Assert.Equal("page_impressions", before["sources"]!["page_media_view"]!.GetValue<string>());
        Assert.Null(before["metrics"]!["page_impressions"]);
        Assert.Null(before["sources"]!["page_follows"]);

        // Meta retires the old name: the series goes on under the new one, without a source note.
        s.Graph.RetiredMetrics.Add("page_impressions");
        s.App.Time.Advance(TimeSpan.FromDays(1));
        await CycleAsync(s);

        var after = (await PageSummaryAsync(s, "2026-11-27"))["metaDay"]!;
        Assert.Equal(s.Graph.InsightValue("page_media_view", new DateOnly(2026, 11, 27)), after["metrics"]!["page_media_view"]!.GetValue<long>());
        Assert.Empty(after["sources"]!.AsObject());
    }

    [Fact]
    public async Task Insight_rows_end_the_same_whatever_the_order_and_number_of_deliveries()
    {
        await using var s = await GraphScenario.StartAsync();
        var store = s.App.Get<MetaDays>();
        var end = new DateTimeOffset(2026, 11, 26, 8, 0, 0, TimeSpan.Zero);
        PageSnapshot Snapshot(string page, DateTimeOffset capturedAt, long value) => new()
        {
            PageId = page,
            PageName = "Kreis",
            CapturedAt = capturedAt,
            Insights =
            [
                new InsightValue { Metric = "page_media_view", EndTime = end, Value = value },
                new InsightValue { Metric = "page_follows", EndTime = end, Value = value / 10 },
                new InsightValue { Metric = "page_media_view", EndTime = end.AddDays(1), Value = value * 2 }, // the 26th, still running at the first capture
            ],
        };
        var early = end.AddHours(20); // before the 26th ended
        var late = end.AddHours(30);  // after

        foreach (var snapshot in new[] { Snapshot("a", early, 100), Snapshot("a", late, 120), Snapshot("a", early, 100) })
        {
            await store.ApplyAsync(snapshot, CancellationToken.None);
        }

        foreach (var snapshot in new[] { Snapshot("b", late, 120), Snapshot("b", early, 100), Snapshot("b", late, 120) })
        {
            await store.ApplyAsync(snapshot, CancellationToken.None);
        }

        // One stored row per Meta date (issue 16), three values in all.
        var stored = await TestApp.RowsAsync(s.App.Tables.PageDays, PageDayKinds.Meta);
        Assert.Equal(["m_2026-11-25", "m_2026-11-26"], stored.Where(r => r.PartitionKey == "a").Select(r => r.RowKey).Order(StringComparer.Ordinal));
        var metaRows = s.App.Get<MetaDayStore>();
        var rowsA = (await metaRows.ReadDaysAsync("a", new DateOnly(2026, 11, 25), new DateOnly(2026, 11, 26), CancellationToken.None)).Values.ToList();
        var rowsB = (await metaRows.ReadDaysAsync("b", new DateOnly(2026, 11, 25), new DateOnly(2026, 11, 26), CancellationToken.None)).Values.ToList();
        static string Row(MetaInsightEntity e) => string.Join('|', e.RowKey, e.Metric, e.MetaDate, e.Value, e.CapturedAt, e.EndTime, e.Complete, e.OtherValueAt);
        Assert.Equal(3, rowsA.Count);
        Assert.Equal(rowsA.Select(Row).Order(), rowsB.Select(Row).Order());
        Assert.All(rowsA.Concat(rowsB), r => Assert.Equal(late, r.CapturedAt));

        var (metaDay, _, _) = await store.ReadDayAsync("a", new DateOnly(2026, 11, 26), CancellationToken.None);
        Assert.Equal(240, metaDay!.Metrics["page_media_view"]);
    }

    [Fact]
    public async Task A_value_captured_while_its_day_was_running_never_reaches_a_summary()
    {
        await using var s = await GraphScenario.StartAsync();
        var store = s.App.Get<MetaDays>();
        var end = new DateTimeOffset(2026, 11, 27, 8, 0, 0, TimeSpan.Zero);
        await store.ApplyAsync(new PageSnapshot
        {
            PageId = "a",
            PageName = "Kreis",
            CapturedAt = end.AddHours(-1),
            Insights = [new InsightValue { Metric = "page_media_view", EndTime = end, Value = 50 }],
        }, CancellationToken.None);

        var (partial, stamp, _) = await store.ReadDayAsync("a", new DateOnly(2026, 11, 26), CancellationToken.None);

        Assert.Null(partial);
        Assert.Equal(0, stamp);
        Assert.Null((await s.App.Get<SummaryMaterializer>().BuildAsync("a", new DateOnly(2026, 11, 26), CancellationToken.None)).Summary.MetaDay);
    }
}
