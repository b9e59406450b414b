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

    /// <summary>Live: a regular cycle (posts and Meta's last three days), then an insights-only backfill window; the rows they leave.</summary>
    private static async Task<IReadOnlyList<string>> LiveAsync(GraphScenario s)
    {
        s.App.Time.AutoAdvanceAmount = TimeSpan.FromMilliseconds(1);
        s.AddPost(1, TimeSpan.FromHours(3), like: 7);
        Assert.Equal(PullStatus.Pulled, (await s.PullAsync()).Status);
        Assert.Equal(PullStatus.Pulled, (await s.PullAsync(PullKind.Insights, new DateOnly(2026, 11, 1), new DateOnly(2026, 11, 20))).Status);
        await s.App.Get<QueueDrain>().RunAsync(CancellationToken.None);
        return await DumpAsync(s.App);
    }

    [Fact]
    public async Task Replay_rebuilds_Metas_rows_and_their_summaries_and_adds_no_observation_for_an_insights_only_snapshot()
    {
        await using var s = await GraphScenario.StartAsync();
        var live = await LiveAsync(s);
        Assert.Contains(live, l => l.StartsWith("metainsights " + s.Page.Id + "/m_2026-11-05:", StringComparison.Ordinal) && l.Contains("V_page_media_view=", StringComparison.Ordinal));
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
    /// <summary>
    /// Issue 16: Meta's values were one row per metric in <c>metainsights</c>; the upgrade's replay packs them into one
    /// row per Meta date, the same rows as the live run of the new version.
    /// </summary>
    [Fact]
    public async Task Replay_after_the_upgrade_packs_the_old_metric_rows_into_rows_of_Meta_dates()
    {
        await using var s = await GraphScenario.StartAsync();
        var live = await LiveAsync(s);
        try
        {
            // The tables before issue 16, as the old version wrote them.
            foreach (var (name, kind) in LegacyTableKeys.Tables)
            {
                var old = s.App.Tables.Legacy(name);
                await old.CreateIfNotExistsAsync();
                foreach (var row in await TestApp.RowsAsync(s.App.Tables.PageDays, kind))
                {
                    await s.App.Tables.PageDays.DeleteEntityAsync(row.PartitionKey, row.RowKey, ETag.All);
                    foreach (var oldRow in kind == PageDayKinds.Meta ? MetricRows(row) : [Unprefixed(row, kind)])
                    {
                        await old.AddEntityAsync(oldRow);
                    }
                }
            }

            // A day without snapshots: what comes back is what the migration copied and packed, nothing replayed.
            var result = await s.App.Get<SnapshotReplay>().RunAsync(new DateOnly(2026, 11, 26), new DateOnly(2026, 11, 26), s.Page.Id, null, CancellationToken.None);

            Assert.Equal(0, result.Snapshots);
            Assert.Equal(live, await DumpAsync(s.App));
        }
        finally
        {
            foreach (var (name, _) in LegacyTableKeys.Tables)
            {
                await s.App.Tables.Legacy(name).DeleteAsync();
            }
        }
    }

    private static Azure.Data.Tables.TableEntity Unprefixed(Azure.Data.Tables.TableEntity row, string kind)
    {
        var old = new Azure.Data.Tables.TableEntity(row.PartitionKey, row.RowKey[kind.Length..]);
        foreach (var (key, value) in row.Where(p => p.Key is not "PartitionKey" and not "RowKey" and not "Timestamp" and not "odata.etag"))
        {
            old[key] = value;
        }

        return old;
    }

    private static IEnumerable<Azure.Data.Tables.TableEntity> MetricRows(Azure.Data.Tables.TableEntity dateRow) =>
        MetaDayStore.Unpack(dateRow).Select(v =>
        {
            var old = new Azure.Data.Tables.TableEntity(v.PartitionKey, v.RowKey[PageDayKinds.Meta.Length..])
            {
                ["Metric"] = v.Metric,
                ["MetaDate"] = v.MetaDate,
                ["EndTime"] = v.EndTime,
                ["Value"] = v.Value,
                ["CapturedAt"] = v.CapturedAt,
                ["Complete"] = v.Complete,
            };
            if (v.OtherValueAt is { } other)
            {
                old["OtherValueAt"] = other;
            }

            return old;
        });
}
