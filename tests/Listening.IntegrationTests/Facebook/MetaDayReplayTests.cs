using Listening.Core.Storage;
using Azure;
using Listening.Core.Aggregation;
using Listening.Core.Ingestion;
using Listening.Core.Pipeline;
using Listening.Core.Contracts;
using Listening.IntegrationTests.Aggregation;
using Listening.IntegrationTests.Infrastructure;

namespace Listening.IntegrationTests.Facebook;

/// <summary><c>listening replay</c> rebuilds Meta's daily rows and the summaries that show them, equal to the live run.</summary>
public sealed class MetaDayReplayTests
{
    private static async Task<IReadOnlyList<string>> DumpAsync(TestApp app) =>
    [
        .. await TableDump.RowsAsync("observations", app.Tables.PageDays, PageDayKinds.Observation),
        .. await TableDump.RowsAsync("summaries", app.Tables.PageDays, PageDayKinds.Summary),
        .. await TableDump.RowsAsync("metainsights", app.Tables.PageDays, PageDayKinds.Meta),
    ];

    [Fact]
    public async Task Replay_rebuilds_Metas_rows_and_their_summaries_and_adds_no_observation_for_an_insights_only_snapshot()
    {
        await using var s = await GraphScenario.StartAsync();
        s.App.Time.AutoAdvanceAmount = TimeSpan.FromMilliseconds(1);
        s.AddPost(1, TimeSpan.FromHours(3), like: 7);

        // Live: a regular cycle (posts and Meta's last three days), then an insights-only backfill window.
        Assert.Equal(PullStatus.Pulled, (await s.PullAsync()).Status);
        Assert.Equal(PullStatus.Pulled, (await s.PullAsync(PullKind.Insights, new DateOnly(2026, 11, 1), new DateOnly(2026, 11, 20))).Status);
        await s.App.Get<QueueDrain>().RunAsync(CancellationToken.None);
        var live = await DumpAsync(s.App);
        Assert.Contains(live, l => l.StartsWith("metainsights " + s.Page.Id + "/m_2026-11-05_page_media_view", StringComparison.Ordinal));
        Assert.Contains(live, l => l.StartsWith("summaries " + s.Page.Id + "/s_2026-11-05", StringComparison.Ordinal));
        Assert.Contains(live, l => l.StartsWith("observations " + s.Page.Id + "/o_2026-11-27_page", StringComparison.Ordinal) && l.Contains("Observations=1 ", StringComparison.Ordinal));

        // Damage every derived row of the Page, then replay the capture day from the raw archive.
        foreach (var kind in new[] { PageDayKinds.Observation, PageDayKinds.Summary, PageDayKinds.Meta })
        {
            foreach (var row in await TestApp.RowsAsync(s.App.Tables.PageDays, kind))
            {
                await s.App.Tables.PageDays.DeleteEntityAsync(row.PartitionKey, row.RowKey, ETag.All);
            }
        }

        await s.App.Get<SnapshotReplay>().RunAsync(new DateOnly(2026, 11, 27), new DateOnly(2026, 11, 27), s.Page.Id, null, CancellationToken.None);

        Assert.Equal(live, await DumpAsync(s.App));
    }
}
