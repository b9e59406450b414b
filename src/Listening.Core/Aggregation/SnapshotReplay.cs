using Azure;
using Azure.Data.Tables;
using Listening.Core.Configuration;
using Listening.Core.Contracts;
using Listening.Core.Storage;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Listening.Core.Aggregation;

/// <summary>
/// <c>listening replay</c>: rebuilds the observation rows of a range of days from the raw archive (and Meta's
/// daily rows the archived snapshots carry), then every summary that reads them. Day by day, all archived snapshots
/// of the day are merged in memory (the same plan the queue handler's merge writes, so the result equals the live
/// run), and only then do the new rows replace the stored ones. A snapshot that cannot be applied is skipped and
/// reported; a day without a snapshot to apply keeps its rows; a day whose replacement fails is put back as it was.
/// It first copies the rows of the tables before issue 16 into <c>pagedays</c> (<see cref="LegacyTables"/>).
/// Pages that are not configured are not replayed. Runbook: docs/operations.md.
/// </summary>
public sealed partial class SnapshotReplay(
    RawArchive archive,
    SummaryMaterializer materializer,
    IObservationStore observations,
    DayRowsCache cache,
    LocalCalendar calendar,
    TimeProvider time,
    IOptions<ListeningOptions> options,
    ILogger<SnapshotReplay> logger,
    MetaDays metaDays,
    TopicRules topics,
    Ingestion.PageDirectory directory,
    InstagramDays instagramDays,
    LegacyTables legacy)
{
    /// <summary>Table storage keeps strings up to 64 KiB: 32,768 UTF-16 characters.</summary>
    private const int MaxStringLength = 32 * 1024;

    /// <summary>Row keys up to 1 KiB in Azure, 512 characters in Azurite.</summary>
    private const int MaxKeyLength = 512;

    /// <summary>The first day whose raw snapshots are all still archived (older ones were deleted by retention).</summary>
    public DateOnly EarliestReplayableDay => calendar.DateOf(time.GetUtcNow().AddDays(-options.Value.RawRetentionDays)).AddDays(1);

    public async Task<ReplayResult> RunAsync(DateOnly from, DateOnly to, string? pageId, IProgress<ReplayProgress>? progress, CancellationToken cancellationToken)
    {
        if (to < from)
        {
            throw new ArgumentException($"--to {IsoDate.Format(to)} lies before --from {IsoDate.Format(from)}.", nameof(to));
        }

        if (from < EarliestReplayableDay)
        {
            throw new ArgumentException(
                $"--from {IsoDate.Format(from)} lies before {IsoDate.Format(EarliestReplayableDay)}: raw snapshots are kept {options.Value.RawRetentionDays} days (Listening:RawRetentionDays), so older days cannot be rebuilt.",
                nameof(from));
        }

        // An installation upgraded from the tables before issue 16: their rows first, so the old archive is replayed too.
        var migrated = await legacy.MigrateAsync(pageId, cancellationToken);

        var notConfigured = new List<string>();
        List<string> pages;
        if (pageId is not null)
        {
            if (!await directory.IsConfiguredAsync(pageId, cancellationToken))
            {
                throw new ArgumentException($"Page {pageId} is not configured (Listening:Pages), so it is not replayed.", nameof(pageId));
            }

            pages = [pageId];
        }
        else
        {
            pages = [];
            foreach (var archived in await archive.PagesAsync(cancellationToken))
            {
                if (await directory.IsConfiguredAsync(archived, cancellationToken))
                {
                    pages.Add(archived);
                }
                else
                {
                    notConfigured.Add(archived);
                    LogNotConfigured(logger, archived);
                }
            }
        }

        var now = time.GetUtcNow();
        var days = to.DayNumber - from.DayNumber + 1;
        int rebuiltDays = 0, keptDays = 0, merged = 0, unreadable = 0, summaries = 0, skipped = 0;
        foreach (var page in pages)
        {
            var metaDates = new SortedSet<DateOnly>();
            for (var i = 0; i < days; i++)
            {
                var day = from.AddDays(i);
                var rows = new ObservationRows();
                var applied = 0;
                await foreach (var archived in archive.ReadEachAsync(page, calendar.StartOf(day), calendar.EndOf(day), now, cancellationToken))
                {
                    if (archived.Snapshot is not { } snapshot)
                    {
                        unreadable++;
                        LogUnreadable(logger, page, archived.RowKey, archived.Error ?? "unknown");
                        continue;
                    }

                    // Built in memory, row by row as the live merge would write them; nothing of the day is touched yet.
                    var reason = await ApplyInMemoryAsync(snapshot, day, rows, metaDates, cancellationToken);
                    if (reason is null)
                    {
                        applied++;
                    }
                    else
                    {
                        skipped++;
                        LogSkipped(logger, archived.RowKey, page, reason);
                    }
                }

                if (rows.Pages.Count == 0 && rows.Posts.Count == 0)
                {
                    // No archived snapshot (or none that could be applied, or only Meta's values): the rows stay.
                    keptDays++;
                }
                else
                {
                    try
                    {
                        // Written conditionally on what was read; put back as it was if a later transaction fails.
                        await observations.ReplaceDayAsync(page, day, rows, cancellationToken);
                    }
                    finally
                    {
                        // Another process's memory of the day fails its conditional writes and is read afresh.
                        cache.Forget(page, day);
                    }

                    rebuiltDays++;
                }

                merged += applied;
                progress?.Report(new ReplayProgress(page, day, i + 1, days, merged, ReplayPhase.Merging));
            }

            // Summaries of the range, and of the later days that read it (baselines, giveaway follow-through).
            // Plus the days whose Meta values the archive held (their summaries show them as metaDay).
            var toRebuild = (await observations.DaysWithDataAsync(page, from, to.AddDays(SummaryDependencies.MaxDependentOffset), cancellationToken))
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
        return new ReplayResult(pages, rebuiltDays, keptDays, merged, unreadable, summaries)
        {
            Skipped = skipped,
            NotConfigured = notConfigured,
            Migrated = migrated,
        };
    }

    /// <summary>
    /// Merges one snapshot into <paramref name="rows"/> (the day's rows being built) and stores Meta's daily values
    /// it carries; or, when it cannot be applied, leaves the rows as they were and says why.
    /// </summary>
    private async Task<string?> ApplyInMemoryAsync(PageSnapshot snapshot, DateOnly day, ObservationRows rows, SortedSet<DateOnly> metaDates, CancellationToken cancellationToken)
    {
        try
        {
            // As in the live run, an insights-only snapshot adds no observation of its day.
            List<ITableEntity> written = snapshot.IsInsightsOnly ? [] : SnapshotAggregator.Plan(snapshot, day, rows, topics).Select(a => a.Entity).ToList();
            if (written.Select(Unwritable).FirstOrDefault(r => r is not null) is { } reason)
            {
                return reason;
            }

            // Meta's daily values are rows of their own (idempotent, last capture wins), written as they come.
            metaDates.UnionWith(await metaDays.ApplyAsync(snapshot, cancellationToken));

            // So are the Instagram account's (their own partition, last capture wins).
            metaDates.UnionWith(await instagramDays.ApplyAsync(snapshot, cancellationToken));
            var next = rows.With(written);
            rows.Pages.Clear();
            rows.Pages.AddRange(next.Pages);
            rows.Posts.Clear();
            rows.Posts.AddRange(next.Posts);
            return null;
        }
        catch (Exception ex) when (ex is RequestFailedException { Status: 400 or 413 } or ArgumentException or FormatException or OverflowException or InvalidOperationException)
        {
            return ex.Message;
        }
    }

    /// <summary>Why Table storage would refuse the row (the live merge failed on it too), or null.</summary>
    private static string? Unwritable(ITableEntity row)
    {
        if (row.RowKey.Length > MaxKeyLength || row.RowKey.Any(c => c is '/' or '\\' or '#' or '?' || char.IsControl(c)))
        {
            return "a post id that cannot be a row key (too long, or a character Table storage forbids)";
        }

        string?[] texts = row switch
        {
            PostDayEntity post => [post.Message, post.Permalink, post.Topics],
            PageDayEntity page => [page.PageName, page.CaptureTimes],
            _ => [],
        };
        return texts.Any(t => t?.Length > MaxStringLength)
            ? $"row {row.RowKey} holds a text longer than Table storage takes ({MaxStringLength} characters)"
            : null;
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Archived snapshot {RowKey} of page {PageId} cannot be read and was skipped: {Reason}")]
    private static partial void LogUnreadable(ILogger logger, string pageId, string rowKey, string reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Archived snapshot {RowKey} of page {PageId} cannot be applied and was skipped: {Reason}")]
    private static partial void LogSkipped(ILogger logger, string rowKey, string pageId, string reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Page {PageId} has archived snapshots but is not configured (Listening:Pages): not replayed")]
    private static partial void LogNotConfigured(ILogger logger, string pageId);

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

public sealed record ReplayResult(IReadOnlyList<string> Pages, int DaysRebuilt, int DaysKept, int Snapshots, int Unreadable, int Summaries)
{
    /// <summary>Archived snapshots that decode but cannot be applied (skipped, reported).</summary>
    public int Skipped { get; init; }

    /// <summary>Pages with archived snapshots that are not configured: not replayed.</summary>
    public IReadOnlyList<string> NotConfigured { get; init; } = [];

    /// <summary>Rows copied from the tables before issue 16 into <c>pagedays</c> (<see cref="LegacyTables"/>).</summary>
    public int Migrated { get; init; }
}
