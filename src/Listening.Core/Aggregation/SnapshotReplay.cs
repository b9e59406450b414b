using Azure;
using Azure.Data.Tables;
using Listening.Core.Configuration;
using Listening.Core.Snapshots;
using Listening.Core.Storage;
using Listening.Core.Summaries;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Listening.Core.Aggregation;

/// <summary>
/// <c>listening replay</c>: rebuilds the observation rows of a range of days from the raw archive (and Meta's
/// daily rows the archived snapshots carry), then every summary that reads them. Day by day, the rows are deleted and all archived snapshots of the day merged
/// again (the same merge the queue handler runs), so the result equals the live run. A day without archived
/// snapshots keeps its rows. Runbook: docs/operations.md.
/// </summary>
public sealed partial class SnapshotReplay(
    ListeningTables tables,
    RawArchive archive,
    SnapshotAggregator aggregator,
    SummaryMaterializer materializer,
    ObservationReader reader,
    DayRowsCache cache,
    LocalCalendar calendar,
    TimeProvider time,
    IOptions<ListeningOptions> options,
    ILogger<SnapshotReplay> logger,
    Ingestion.MetaInsightStore metaInsights)
{
    /// <summary>The first day whose raw snapshots are all still archived (older ones were deleted by retention).</summary>
    public DateOnly EarliestReplayableDay => calendar.DateOf(time.GetUtcNow().AddDays(-options.Value.RawRetentionDays)).AddDays(1);

    public async Task<ReplayResult> RunAsync(DateOnly from, DateOnly to, string? pageId, IProgress<ReplayProgress>? progress, CancellationToken cancellationToken)
    {
        if (to < from)
        {
            throw new ArgumentException($"--to {to:yyyy-MM-dd} lies before --from {from:yyyy-MM-dd}.", nameof(to));
        }

        if (from < EarliestReplayableDay)
        {
            throw new ArgumentException(
                $"--from {from:yyyy-MM-dd} lies before {EarliestReplayableDay:yyyy-MM-dd}: raw snapshots are kept {options.Value.RawRetentionDays} days (Listening:RawRetentionDays), so older days cannot be rebuilt.",
                nameof(from));
        }

        await tables.EnsureCreatedAsync(cancellationToken);
        var pages = pageId is null ? await archive.PagesAsync(cancellationToken) : [pageId];
        var now = time.GetUtcNow();
        var days = to.DayNumber - from.DayNumber + 1;
        int rebuiltDays = 0, keptDays = 0, merged = 0, unreadable = 0, summaries = 0;
        foreach (var page in pages)
        {
            var metaDates = new SortedSet<DateOnly>();
            for (var i = 0; i < days; i++)
            {
                var day = from.AddDays(i);
                var snapshots = new List<PageSnapshot>();
                await foreach (var archived in archive.ReadEachAsync(page, calendar.StartOf(day), calendar.EndOf(day), now, cancellationToken))
                {
                    if (archived.Snapshot is { } snapshot)
                    {
                        snapshots.Add(snapshot);
                    }
                    else
                    {
                        unreadable++;
                        LogUnreadable(logger, page, archived.RowKey, archived.Error ?? "unknown");
                    }
                }

                if (snapshots.Count == 0)
                {
                    keptDays++;
                }
                else
                {
                    await DeleteDayAsync(page, day, cancellationToken);
                    foreach (var snapshot in snapshots)
                    {
                        // Meta's daily values are rows of their own (idempotent); as in the live run, an
                        // insights-only snapshot adds no observation of its day.
                        metaDates.UnionWith(await metaInsights.ApplyAsync(snapshot, cancellationToken));
                        if (!snapshot.IsInsightsOnly)
                        {
                            await aggregator.MergeAsync(snapshot, cancellationToken);
                        }
                    }

                    merged += snapshots.Count;
                    rebuiltDays++;
                }

                progress?.Report(new ReplayProgress(page, day, i + 1, days, merged, ReplayPhase.Merging));
            }

            // Summaries of the range, and of the later days that read it (baselines, giveaway follow-through).
            // Plus the days whose Meta values the archive held (their summaries show them as metaDay).
            var toRebuild = (await reader.DaysWithDataAsync(page, from, to.AddDays(SummaryMaterializer.MaxDependentOffset), cancellationToken))
                .Union(metaDates).Order().ToList();
            var done = 0;
            foreach (var day in toRebuild)
            {
                await materializer.MaterializeAsync(page, day, force: true, cancellationToken);
                progress?.Report(new ReplayProgress(page, day, ++done, toRebuild.Count, merged, ReplayPhase.Summaries));
            }

            summaries += toRebuild.Count;
        }

        LogReplayed(logger, pages.Count, from, to, merged, rebuiltDays, keptDays, summaries, unreadable);
        return new ReplayResult(pages, rebuiltDays, keptDays, merged, unreadable, summaries);
    }

    private async Task DeleteDayAsync(string pageId, DateOnly day, CancellationToken cancellationToken)
    {
        // Only the rows the merge writes (the Page row and post rows): rows of other kinds under the same date stay.
        var postPrefix = ObservationKeys.Post(day, "");
        var filter = TableClient.CreateQueryFilter(
            $"PartitionKey eq {pageId} and ((RowKey ge {postPrefix} and RowKey lt {postPrefix + "~"}) or RowKey eq {ObservationKeys.Page(day)})");
        var rows = new List<TableEntity>();
        await foreach (var row in tables.Observations.QueryAsync<TableEntity>(filter, maxPerPage: 1000, select: ["PartitionKey", "RowKey"], cancellationToken: cancellationToken))
        {
            rows.Add(row);
        }

        foreach (var chunk in rows.Chunk(SnapshotAggregator.MaxOperationsPerTransaction))
        {
            await tables.Observations.SubmitTransactionAsync(chunk.Select(r => new TableTransactionAction(TableTransactionActionType.Delete, r, ETag.All)), cancellationToken);
        }

        // Rows only ever move forward, except here: what this process remembers of the day is void now. (Another
        // process's memory of it fails its conditional writes and is read afresh.)
        cache.Forget(pageId, day);
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Archived snapshot {RowKey} of page {PageId} cannot be read and was skipped: {Reason}")]
    private static partial void LogUnreadable(ILogger logger, string pageId, string rowKey, string reason);

    [LoggerMessage(Level = LogLevel.Information, Message = "Replayed {Pages} pages from {From} to {To}: {Snapshots} snapshots merged into {Days} days ({Kept} days without archive kept), {Summaries} summaries rebuilt, {Unreadable} archived rows unreadable")]
    private static partial void LogReplayed(ILogger logger, int pages, DateOnly from, DateOnly to, int snapshots, int days, int kept, int summaries, int unreadable);
}

public enum ReplayPhase
{
    Merging,
    Summaries,
}

/// <summary>Where a replay stands: in <see cref="ReplayPhase.Merging"/> Step/Steps count days, else summaries.</summary>
public sealed record ReplayProgress(string PageId, DateOnly Day, int Step, int Steps, int Snapshots, ReplayPhase Phase);

public sealed record ReplayResult(IReadOnlyList<string> Pages, int DaysRebuilt, int DaysKept, int Snapshots, int Unreadable, int Summaries);
