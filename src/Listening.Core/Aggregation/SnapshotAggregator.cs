using System.Globalization;
using Azure.Data.Tables;
using Listening.Core.Configuration;
using Listening.Core.Contracts;
using Listening.Core.Storage;
using Microsoft.Extensions.Logging;

namespace Listening.Core.Aggregation;

/// <summary>
/// Applies a snapshot to the tables: archive, merge into the day's last observations, rebuild the summaries it
/// touches. Idempotent and order-independent (each row keeps the latest capture of its day, whatever arrives
/// when); safe under concurrency (writes are conditional on ETags and retried on 409/412). docs/data-model.md.
/// </summary>
public sealed partial class SnapshotAggregator(
    RawArchive archive,
    IObservationStore observations,
    SummaryMaterializer materializer,
    TopicRules topics,
    DayRowsCache cache,
    LocalCalendar calendar,
    TimeProvider time,
    ILogger<SnapshotAggregator> logger,
    MetaDays metaDays,
    InstagramDays instagramDays)
{
    private const int MaxAttempts = 25;

    public async Task<AggregationResult> ApplyAsync(PageSnapshot snapshot, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(snapshot);

        // One entity group transaction of the Page's partition (issue 16): the observation rows, Meta's values, the
        // archive entry and the day's commit point, all or nothing (above 100 operations the observations go first).
        var (merge, meta) = await CommitAsync(snapshot, await archive.EntryAsync(snapshot, cancellationToken), withMeta: true, cancellationToken);
        var metaDates = meta.Dates;

        // The linked Instagram account's rows (its own partition), after the archive holds the snapshot and before the
        // day's summary is built from them.
        var instagramDates = await instagramDays.ApplyAsync(snapshot, cancellationToken);
        metaDates = [.. metaDates.Union(instagramDates)];
        var date = merge?.Date ?? calendar.DateOf(snapshot.CapturedAt);

        // The day's rows as this merge left them are what a read would return now, or else another merge is still
        // to commit and rebuilds the summary after us (see MergeAsync): no need to read them again.
        var summary = merge is null
            ? await materializer.MaterializeAsync(snapshot.PageId, date, cancellationToken)
            : await materializer.MaterializeAsync(snapshot.PageId, date, merge.View, cancellationToken);

        // Later days whose summaries read this day (as their baseline, or for a giveaway's follow-through) are
        // rebuilt too, so the result does not depend on the order snapshots arrive in. In live operation this is
        // the next day at most; out of order (late messages, backfill) it may be a few more.
        var rebuilt = new List<DateOnly> { date };
        PageDaySummary? nextSummary = null;
        // No snapshot is accepted from further ahead than the allowed clock skew, so while this day is still today
        // (on the fastest clock among instances, give or take another skew) no later day can have data yet.
        var lastPossibleDay = calendar.DateOf(time.GetUtcNow() + (2 * MessageCodec.AllowedClockSkew));
        var later = date >= lastPossibleDay
            ? []
            : await observations.KeysAsync(snapshot.PageId, date.AddDays(1), date.AddDays(SummaryDependencies.MaxDependentOffset), cancellationToken);
        var hasGiveaway = snapshot.Posts.Any(p => topics.IsGiveaway(topics.Tag(p.Message)));
        foreach (var day in SummaryDependencies.AffectedBy(date, snapshot.Posts.Select(p => p.Id), hasGiveaway, later))
        {
            var rebuiltSummary = await materializer.MaterializeAsync(snapshot.PageId, day, cancellationToken);
            nextSummary ??= day == date.AddDays(1) ? rebuiltSummary : null;
            rebuilt.Add(day);
        }

        // The summary of the local day with the same date as a Meta day shows that day's values once it is complete.
        // Meta's rows of the date as the apply just stored them, when it knows them all (else they are read). Meta
        // re-reports its last days in every pull: a summary this instance built from the same values stays (issue 16).
        foreach (var metaDate in metaDates.Where(d => !rebuilt.Contains(d)))
        {
            _ = meta.Rows.TryGetValue(metaDate, out var metaRows);
            if (metaRows is not null && !instagramDates.Contains(metaDate) && materializer.ShowsMetaValues(snapshot.PageId, metaDate, metaRows))
            {
                continue;
            }

            await (metaRows is null
                ? materializer.MaterializeAsync(snapshot.PageId, metaDate, cancellationToken)
                : materializer.MaterializeAsync(snapshot.PageId, metaDate, metaRows, cancellationToken));
            rebuilt.Add(metaDate);
        }

        LogApplied(logger, snapshot.PageId, snapshot.CapturedAt, snapshot.Part + 1, snapshot.Parts, snapshot.Posts.Count, merge?.Transactions ?? 0, rebuilt.Count);
        return new AggregationResult(snapshot.PageId, date, merge?.Transactions ?? 0, summary, nextSummary)
        {
            EntityWrites = merge?.EntityWrites ?? 0,
            RebuiltDays = rebuilt,
        };
    }

    /// <summary>
    /// Merges a snapshot into the observation rows of its local day, without archiving it or rebuilding summaries
    /// (replay does both in bulk). Every merge that writes ends with a conditional write of the day's Page row, in
    /// its last transaction: that row is the day's commit point. A merge whose commit succeeds saw every merge
    /// committed before it; of merges running at once, the last to commit has seen all the others.
    /// </summary>
    public async Task<MergeResult> MergeAsync(PageSnapshot snapshot, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(snapshot);
        return (await CommitAsync(snapshot, archived: null, withMeta: false, cancellationToken)).Merge!;
    }

    /// <summary>
    /// Writes what a snapshot changes in its Page's partition: the merge into its day's observation rows (none for an
    /// insights-only snapshot), Meta's rows (<paramref name="withMeta"/>) and the archive entry
    /// (<paramref name="archived"/>), in order posts, Meta's rows, archive, the day's Page row (the commit point), as
    /// one entity group transaction when they fit (above 100 operations the first ones go ahead in transactions of
    /// their own and the last carries the commit point, Meta's rows and the archive). Any conflict retries all of it
    /// from fresh reads.
    /// </summary>
    private async Task<(MergeResult? Merge, MetaApplied Meta)> CommitAsync(
        PageSnapshot snapshot, TableTransactionAction? archived, bool withMeta, CancellationToken cancellationToken)
    {
        var date = calendar.DateOf(snapshot.CapturedAt);
        var merging = !snapshot.IsInsightsOnly;
        for (var attempt = 1; ; attempt++)
        {
            // The rows this instance last wrote are usually still the day's rows; if not, the conditional writes
            // below fail and the next attempt reads them.
            var remembered = merging && attempt == 1 ? cache.Get(snapshot.PageId, date) : null;
            var rows = !merging ? new ObservationRows() : remembered ?? await observations.ReadDaysAsync(snapshot.PageId, date, date, cancellationToken);
            var meta = withMeta ? await metaDays.PlanAsync(snapshot, mayRemember: attempt == 1, cancellationToken) : null;

            var actions = merging ? Plan(snapshot, date, rows, topics) : [];
            var commitPoint = actions.Count > 0 && actions[^1].Entity is PageDayEntity ? actions[^1] : null;
            var all = actions.Where(a => !ReferenceEquals(a, commitPoint))
                .Concat(meta?.Writes.Select(w => w.Action) ?? [])
                .Concat(archived is null ? [] : [archived])
                .Concat(commitPoint is null ? [] : [commitPoint])
                .ToList();
            var write = await observations.TryWriteAsync(all, cancellationToken);
            if (write.Stored)
            {
                var kept = meta is null ? MetaApplied.None : metaDays.Kept(meta);
                if (!merging)
                {
                    return (null, kept);
                }

                var view = rows.With(actions.Select(a => a.Entity));
                if (write.KnownETags)
                {
                    cache.Set(snapshot.PageId, date, view);
                }
                else
                {
                    cache.Forget(snapshot.PageId, date);
                }

                return (new MergeResult(date, write.Transactions, actions.Count(a => !Touched(a, rows, date))) { View = view }, kept);
            }

            cache.Forget(snapshot.PageId, date);
            metaDays.Forget(snapshot.PageId);
            if (attempt >= MaxAttempts)
            {
                throw new WriteConflictException($"Rows of page {snapshot.PageId} on {date:O} kept changing under us: {MaxAttempts} attempts.");
            }

            LogConflict(logger, snapshot.PageId, date, attempt);

            if (remembered is null && meta is not { Fresh: false })
            {
                // A stale memory is no live competitor: read at once. Otherwise give the other writer room.
                await ConflictBackoff.DelayAsync(attempt, cancellationToken);
            }
        }
    }

    /// <summary>Whether the action only rewrites the stored Page row unchanged (to mark the commit).</summary>
    private static bool Touched(TableTransactionAction action, ObservationRows rows, DateOnly date) =>
        action.Entity is PageDayEntity page && rows.PageOn(date) is { } stored && page.SameAs(stored);

    /// <summary>What to write: an insert for a row the day lacks, a conditional replace for one this snapshot supersedes.</summary>
    internal static List<TableTransactionAction> Plan(PageSnapshot snapshot, DateOnly date, ObservationRows rows, TopicRules topics)
    {
        var actions = new List<TableTransactionAction>();
        var stored = rows.PostsOn(date).ToDictionary(p => p.PostId, StringComparer.Ordinal);
        foreach (var post in snapshot.Posts)
        {
            var incoming = topics.PostDay(snapshot.PageId, date, snapshot.CapturedAt, post);
            if (!stored.TryGetValue(post.Id, out var existing))
            {
                actions.Add(new TableTransactionAction(TableTransactionActionType.Add, incoming));
            }
            else
            {
                // The later capture's counters; views and reach of the last capture of the day that carried them.
                var newer = incoming.Supersedes(existing);
                var merged = newer ? incoming.WithMetricsOf(existing) : existing.WithMetricsOf(incoming);
                if (newer || !merged.SameMetrics(existing))
                {
                    actions.Add(new TableTransactionAction(TableTransactionActionType.UpdateReplace, merged, existing.ETag));
                }
            }
        }

        // The Page row goes last (the commit point), and is written whenever anything is, unchanged if need be.
        var storedPage = rows.PageOn(date);
        var page = PlanPage(snapshot, date, storedPage);
        if (page is null && actions.Count > 0 && storedPage is not null)
        {
            page = new TableTransactionAction(TableTransactionActionType.UpdateReplace, storedPage.Copy(), storedPage.ETag);
        }

        if (page is not null)
        {
            actions.Add(page);
        }

        return actions;
    }

    /// <summary>
    /// The Page row keeps, field by field, the value of the latest capture that carried it (a capture without
    /// follower counts does not erase them), and the set of capture times; so any order gives the same row.
    /// </summary>
    internal static TableTransactionAction? PlanPage(PageSnapshot snapshot, DateOnly date, PageDayEntity? stored)
    {
        var at = snapshot.CapturedAt.ToUniversalTime();
        var capture = at.ToUnixTimeMilliseconds();
        if (stored is null)
        {
            return new TableTransactionAction(TableTransactionActionType.Add, new PageDayEntity
            {
                PartitionKey = snapshot.PageId,
                RowKey = ObservationKeys.Page(date),
                ObservedAt = at,
                PageName = snapshot.PageName,
                Demo = snapshot.Demo,
                Followers = snapshot.Followers,
                FollowersAt = snapshot.Followers is null ? null : at,
                Fans = snapshot.Fans,
                FansAt = snapshot.Fans is null ? null : at,
                Observations = 1,
                CaptureTimes = capture.ToString(CultureInfo.InvariantCulture),
                InstagramAccountId = snapshot.Instagram?.AccountId,
                InstagramAt = snapshot.Instagram is null ? null : at,
            });
        }

        var captures = new SortedSet<long>(stored.CaptureTimes
            .Split(',', StringSplitOptions.RemoveEmptyEntries)
            .Select(c => long.Parse(c, CultureInfo.InvariantCulture)));
        var added = captures.Add(capture);
        var newer = at > stored.ObservedAt || (at == stored.ObservedAt && string.CompareOrdinal(snapshot.PageName, stored.PageName) > 0);
        var (followers, followersAt) = Latest(snapshot.Followers, at, stored.Followers, stored.FollowersAt ?? (stored.Followers is null ? null : stored.ObservedAt));
        var (fans, fansAt) = Latest(snapshot.Fans, at, stored.Fans, stored.FansAt ?? (stored.Fans is null ? null : stored.ObservedAt));
        var merged = new PageDayEntity
        {
            PartitionKey = stored.PartitionKey,
            RowKey = stored.RowKey,
            ObservedAt = newer ? at : stored.ObservedAt,
            PageName = newer ? snapshot.PageName : stored.PageName,
            Demo = at == stored.ObservedAt ? stored.Demo || snapshot.Demo : newer ? snapshot.Demo : stored.Demo,
            Followers = followers,
            FollowersAt = followersAt,
            Fans = fans,
            FansAt = fansAt,
            Observations = captures.Count,
            CaptureTimes = string.Join(',', captures),
        };
        (merged.InstagramAccountId, merged.InstagramAt) = LatestAccount(snapshot.Instagram?.AccountId, at, stored.InstagramAccountId, stored.InstagramAt);

        var changed = added || newer || merged.Demo != stored.Demo
            || merged.InstagramAccountId != stored.InstagramAccountId || merged.InstagramAt != stored.InstagramAt
            || merged.Followers != stored.Followers || merged.FollowersAt != stored.FollowersAt
            || merged.Fans != stored.Fans || merged.FansAt != stored.FansAt;
        return changed ? new TableTransactionAction(TableTransactionActionType.UpdateReplace, merged, stored.ETag) : null;
    }

    /// <summary>The Instagram account of the later capture that read one; on equal times the ordinal larger id.</summary>
    private static (string? Id, DateTimeOffset? At) LatestAccount(string? incoming, DateTimeOffset incomingAt, string? stored, DateTimeOffset? storedAt) =>
        incoming is null ? (stored, storedAt)
        : stored is null || storedAt is null || incomingAt > storedAt || (incomingAt == storedAt && string.CompareOrdinal(incoming, stored) > 0) ? (incoming, incomingAt)
        : (stored, storedAt);

    /// <summary>The later of two timed values; on equal times the larger value, so the choice never depends on order.</summary>
    private static (long? Value, DateTimeOffset? At) Latest(long? incoming, DateTimeOffset incomingAt, long? stored, DateTimeOffset? storedAt)
    {
        if (incoming is null)
        {
            return (stored, storedAt);
        }

        if (stored is null || storedAt is null || incomingAt > storedAt || (incomingAt == storedAt && incoming > stored))
        {
            return (incoming, incomingAt);
        }

        return (stored, storedAt);
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Applied snapshot of page {PageId} captured {CapturedAt:O} (part {Part}/{Parts}, {Posts} posts) in {Transactions} table transactions; {Summaries} summaries rebuilt")]
    private static partial void LogApplied(ILogger logger, string pageId, DateTimeOffset capturedAt, int part, int parts, int posts, int transactions, int summaries);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Rows of page {PageId} on {Date} changed under us (attempt {Attempt}); merging again")]
    private static partial void LogConflict(ILogger logger, string pageId, DateOnly date, int attempt);
}

/// <summary>What applying one snapshot did.</summary>
public sealed record AggregationResult(string PageId, DateOnly Date, int Transactions, PageDaySummary Summary, PageDaySummary? NextDaySummary)
{
    /// <summary>Observation rows inserted or replaced.</summary>
    public int EntityWrites { get; init; }

    /// <summary>The days whose summaries were rebuilt: the snapshot's day first.</summary>
    public IReadOnlyList<DateOnly> RebuiltDays { get; init; } = [];
}

/// <summary>What merging one snapshot into the observation rows wrote, and the day's rows as the merge left them.</summary>
public sealed record MergeResult(DateOnly Date, int Transactions, int EntityWrites)
{
    public ObservationRows View { get; init; } = new();
}
