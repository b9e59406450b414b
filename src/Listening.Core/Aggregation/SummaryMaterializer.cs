using System.Security.Cryptography;
using Listening.Core.Configuration;
using Listening.Core.Storage;
using Microsoft.Extensions.Logging;
using Listening.Core.Contracts;

namespace Listening.Core.Aggregation;

/// <summary>
/// Rebuilds a Page's summary of one day from the observations and stores it, so that serving it is one point
/// read. Concurrent rebuilds converge: a summary is only replaced by one built from at least as much data
/// (its stamp grows with every observation merged), and the write is conditional on the ETag that was read.
/// What a day's summary reads is listed in docs/data-model.md ("How a summary is materialized"); the days it reads
/// are the rule of <see cref="SummaryDependencies"/>, seen from the summary's day.
/// </summary>
public sealed partial class SummaryMaterializer(
    ISummaryStore summaries,
    IObservationStore observations,
    ObservationReader reader,
    TopicRules topics,
    SummaryVersions versions,
    LocalCalendar calendar,
    ILogger<SummaryMaterializer> logger,
    MetaDays metaDays,
    InstagramDays instagramDays,
    ICommentStore? comments = null)
{
    private const int BaselineLookbackDays = SummaryDependencies.BaselineLookbackDays;

    private const int GiveawayRetentionDays = SummaryDependencies.GiveawayRetentionDays;

    private const int GiveawayGainDays = SummaryDependencies.GiveawayGainDays;

    private const int MaxAttempts = 25;

    public Task<PageDaySummary> MaterializeAsync(string pageId, DateOnly date, CancellationToken cancellationToken) =>
        MaterializeAsync(pageId, date, force: false, dayRows: null, cancellationToken);

    /// <summary>Builds and stores the summary from the day's rows as a merge just left them (the day before is read).</summary>
    public Task<PageDaySummary> MaterializeAsync(string pageId, DateOnly date, ObservationRows dayRows, CancellationToken cancellationToken) =>
        MaterializeAsync(pageId, date, force: false, dayRows, cancellationToken);

    public Task<PageDaySummary> MaterializeAsync(string pageId, DateOnly date, bool force, CancellationToken cancellationToken) =>
        MaterializeAsync(pageId, date, force, dayRows: null, cancellationToken);

    /// <summary>Builds and stores the summary with Meta's rows of the date as an apply has just stored them (not read again).</summary>
    public Task<PageDaySummary> MaterializeAsync(string pageId, DateOnly date, IReadOnlyList<MetaInsightEntity> metaRows, CancellationToken cancellationToken) =>
        MaterializeAsync(pageId, date, force: false, dayRows: null, cancellationToken, metaRows);

    /// <summary>
    /// Builds and stores the summary. <paramref name="force"/> (replay) writes it even when the stored one claims
    /// more data: after a rebuild the rows are the truth, whatever an earlier run left behind.
    /// </summary>
    private async Task<PageDaySummary> MaterializeAsync(
        string pageId, DateOnly date, bool force, ObservationRows? dayRows, CancellationToken cancellationToken, IReadOnlyList<MetaInsightEntity>? metaRows = null)
    {
        for (var attempt = 1; ; attempt++)
        {
            // After a conflict someone else stored a summary meanwhile: read everything afresh.
            var built = await BuildAsync(pageId, date, attempt == 1 ? dayRows : null, cancellationToken, attempt == 1 ? metaRows : null);

            // Replay (force) reads what is stored: it mends what this instance cannot know about.
            if (await StoreAsync(built, force, trustKnownVersion: attempt == 1 && !force, cancellationToken))
            {
                return built.Summary;
            }

            versions.Forget(pageId, date);
            if (attempt >= MaxAttempts)
            {
                throw new WriteConflictException($"Summary {pageId}/{date:O} kept changing under us: {MaxAttempts} attempts.");
            }

            LogConflict(logger, pageId, date, attempt);
            await ConflictBackoff.DelayAsync(attempt, cancellationToken);
        }
    }

    public async Task<BuiltSummary> BuildAsync(string pageId, DateOnly date, CancellationToken cancellationToken) =>
        await BuildAsync(pageId, date, dayRows: null, cancellationToken);

    private async Task<BuiltSummary> BuildAsync(
        string pageId, DateOnly date, ObservationRows? dayRows, CancellationToken cancellationToken, IReadOnlyList<MetaInsightEntity>? metaRows = null)
    {
        var previous = date.AddDays(-1);
        var rows = dayRows is null
            ? await observations.ReadDaysAsync(pageId, previous, date, cancellationToken)
            : (await reader.CommittedDayAsync(pageId, previous, cancellationToken)).Concat(dayRows);
        var day = rows.PageOn(date);
        var baselineDay = rows.PageOn(previous);
        var posts = rows.PostsOn(date).ToList();
        var baselinePosts = rows.PostsOn(previous).ToDictionary(p => p.PostId, StringComparer.Ordinal);
        var stamp = new Stamp();
        stamp.Add(posts);
        stamp.Add(baselinePosts.Values);

        var dayStart = calendar.StartOf(date);
        var missing = posts.Where(p => p.CreatedTime < dayStart && !baselinePosts.ContainsKey(p.PostId)).ToList();
        if (missing.Count > 0 || (baselineDay is null && day is not null))
        {
            // A gap in the pulls (an outage over a whole day): look further back for the last earlier observation.
            var older = await observations.ReadDaysAsync(pageId, date.AddDays(-BaselineLookbackDays), previous.AddDays(-1), cancellationToken);
            foreach (var post in missing)
            {
                var last = older.Posts.Where(o => o.PostId == post.PostId).MaxBy(o => o.RowKey, StringComparer.Ordinal);
                if (last is not null)
                {
                    baselinePosts[post.PostId] = last;
                    stamp.Add([last]);
                }
            }

            baselineDay ??= older.Pages.MaxBy(p => p.RowKey, StringComparer.Ordinal);
        }

        stamp.Add(day);
        stamp.Add(baselineDay);
        var giveaways = day is null ? [] : await GiveawaysAsync(pageId, date, day, stamp, cancellationToken);
        var summary = PageDaySummaryBuilder.Build(pageId, date, calendar, day, baselineDay, posts, baselinePosts, topics.Names, giveaways);

        // Meta's values of Meta's day with the same date: their captures count towards the stamp too.
        var (metaDay, metaStampTime, metaStampCounters) = metaRows is null
            ? await metaDays.ReadDayAsync(pageId, date, cancellationToken)
            : metaDays.DayOf(date, metaRows);
        summary = summary with { MetaDay = metaDay };

        // The linked Instagram account of the day (absent without one, or when it is off).
        var (instagram, igStampTime, igStampCounters) = await instagramDays.ReadDayAsync(pageId, day?.InstagramAccountId, date, cancellationToken);
        summary = summary with { Instagram = instagram };

        // The comment triage of the day (hourly counts by post); its rows' write times count towards the stamp, so a
        // changed count replaces a summary built from the same observations.
        long commentStamp = 0;
        if (comments is not null)
        {
            var hours = await comments.HoursOfDayAsync(pageId, date, cancellationToken);
            var (pageTriage, postTriage) = CommentDay.Build(hours);
            commentStamp = CommentDay.Stamp(hours);
            summary = summary with
            {
                CommentTriage = pageTriage,
                TrackedComments = CommentDay.Tracked(hours, calendar),
                Posts = postTriage.Count == 0 ? summary.Posts : [.. summary.Posts.Select(p => postTriage.TryGetValue(p.Id, out var t) ? p with { CommentTriage = t } : p)],
            };
        }

        return new BuiltSummary(summary, stamp.Time + metaStampTime + igStampTime + commentStamp, stamp.Counters + metaStampCounters + igStampCounters)
        {
            MetaStamp = (metaStampTime, metaStampCounters),
        };
    }

    /// <summary>
    /// Whether the summary of <paramref name="date"/> that this instance stored last, still the stored one as far as
    /// it knows, shows Meta's values of the date as <paramref name="metaRows"/> hold them (their stamp is the one it
    /// was built with): then a snapshot that only re-reported them need not rebuild it (issue 16). A summary this
    /// instance did not build, or a retry after a failure between the rows' write and the summary's, rebuilds.
    /// </summary>
    public bool ShowsMetaValues(string pageId, DateOnly date, IReadOnlyList<MetaInsightEntity> metaRows)
    {
        var (metaDay, time, counters) = metaDays.DayOf(date, metaRows);
        return metaDay is not null && versions.Get(pageId, date) is { MetaStamp: { } shown } && shown == (time, counters);
    }

    /// <summary>
    /// The follow-through of giveaway posts created 30 days before <paramref name="date"/>: followers gained by the
    /// end of the third day after the post's day, and how many of them are still there at the end of this day.
    /// </summary>
    private async Task<IReadOnlyList<GiveawayFollowThrough>> GiveawaysAsync(
        string pageId, DateOnly date, PageDayEntity day, Stamp stamp, CancellationToken cancellationToken)
    {
        var postDay = date.AddDays(-GiveawayRetentionDays);
        var start = calendar.StartOf(postDay);
        var end = calendar.EndOf(postDay);

        // The post's rows over the gain window: a post created late in the evening may first be seen after midnight,
        // and its last row of the window holds the people it reached by then (one query either way).
        var rows = await observations.GiveawayPostsAsync(pageId, postDay, postDay.AddDays(GiveawayGainDays), cancellationToken);
        stamp.Add(rows);
        var posts = rows.Where(p => p.CreatedTime >= start && p.CreatedTime < end)
            .GroupBy(p => p.PostId, StringComparer.Ordinal)
            .Select(g => g.MaxBy(p => p.RowKey, StringComparer.Ordinal)!)
            .ToList();
        if (posts.Count == 0)
        {
            return [];
        }

        var before = await observations.PageDayAsync(pageId, postDay.AddDays(-1), cancellationToken);
        var afterGain = await observations.PageDayAsync(pageId, postDay.AddDays(GiveawayGainDays), cancellationToken);
        stamp.Add(before);
        stamp.Add(afterGain);
        return [.. posts.Select(p => PageDaySummaryBuilder.GiveawayFollowThrough(p, calendar, before?.Followers, afterGain?.Followers, day.Followers))];
    }

    /// <summary>Stores the built summary unless the stored one is the same or built from more data; false when another writer came first.</summary>
    private async Task<bool> StoreAsync(BuiltSummary built, bool force, bool trustKnownVersion, CancellationToken cancellationToken)
    {
        var summary = built.Summary;
        var json = SummaryEntity.Compress(summary);
        var hash = Convert.ToHexStringLower(SHA256.HashData(json))[..32];

        // The version this instance stored last is usually still the stored one. When ours is built from more
        // data, write on its ETag (a failed write means it changed, and the next attempt reads it); in any other
        // case read what is stored before deciding.
        var known = trustKnownVersion ? versions.Get(summary.PageId, summary.Date) : null;
        if (known is not null && known.Hash == hash && known.StampTime == built.StampTime && known.StampCounters == built.StampCounters)
        {
            return true;
        }

        if (known is null || known.Covers(built.StampTime, built.StampCounters))
        {
            var existing = await summaries.ReadDayAsync(summary.PageId, summary.Date, cancellationToken);
            known = existing is null ? null : new SummaryVersion(existing.ETag, existing.StampTime, existing.StampCounters, existing.Hash);
            if (known is not null)
            {
                var unchanged = known.Hash == hash && known.StampTime == built.StampTime && known.StampCounters == built.StampCounters;
                known = unchanged ? known with { MetaStamp = built.MetaStamp } : known;
                versions.Set(summary.PageId, summary.Date, known);
                if (unchanged || (known.Covers(built.StampTime, built.StampCounters) && !force))
                {
                    return true;
                }
            }
        }

        var entity = new SummaryEntity
        {
            PartitionKey = summary.PageId,
            RowKey = SummaryKeys.Day(summary.Date),
            Json = json,
            StampTime = built.StampTime,
            StampCounters = built.StampCounters,
            Hash = hash,
        };
        var write = await summaries.TryWriteAsync(entity, known?.ETag, cancellationToken);
        if (write.Stored && write.ETag is { } etag)
        {
            versions.Set(summary.PageId, summary.Date, new SummaryVersion(etag, built.StampTime, built.StampCounters, hash) { MetaStamp = built.MetaStamp });
        }
        else
        {
            versions.Forget(summary.PageId, summary.Date);
        }

        return write.Stored;
    }

    [LoggerMessage(Level = LogLevel.Debug, Message = "Summary {PageId}/{Date} changed under us (attempt {Attempt}); rebuilding")]
    private static partial void LogConflict(ILogger logger, string pageId, DateOnly date, int attempt);

    /// <summary>
    /// Grows with every observation a summary reads: rows only ever move to a later capture (or, at the same
    /// capture, to larger counters), and the set of rows read only grows.
    /// </summary>
    private sealed class Stamp
    {
        public long Time { get; private set; }

        public long Counters { get; private set; }

        public void Add(IEnumerable<PostDayEntity> rows)
        {
            foreach (var row in rows)
            {
                Time += row.ObservedAt.ToUnixTimeMilliseconds();
                Counters += row.CounterSum;

                // Views and reach keep the last capture of the day that carried them: that capture only moves later,
                // and a value filled in by an earlier capture (the latest one lacked it) adds its time.
                // Of two captures at the same time the larger value is kept, so at an equal time the sum only grows.
                Time += (row.ViewsAt?.ToUnixTimeMilliseconds() ?? 0) + (row.ReachAt?.ToUnixTimeMilliseconds() ?? 0);
                Counters += (row.Views ?? 0) + (row.Reach ?? 0);
            }
        }

        /// <summary>
        /// A Page row counts its last capture and how many captures it holds: both only grow, and so does the sum
        /// when a later row takes the place of an earlier one (the baseline, once the day before has data), since
        /// the newer row's last capture is a later day's. Not the times of its follower and like counts: a newer
        /// row without them (Meta left the Page fields out) would weigh less than the older row it replaces, and
        /// the summary built from more data would be taken for an older one and not stored (issue 11, item 11).
        /// </summary>
        public void Add(PageDayEntity? page)
        {
            if (page is not null)
            {
                Time += (page.ObservedAt.ToUnixTimeMilliseconds() * CapturesPerMillisecond) + page.Observations;
                Counters += (page.Followers ?? 0) + (page.Fans ?? 0);
            }
        }

        /// <summary>Scales a Page row's last capture above any count of captures a day can hold (one per second).</summary>
        private const long CapturesPerMillisecond = 1L << 17;
    }
}

/// <summary>A built summary and the stamp of the data it was built from.</summary>
public sealed record BuiltSummary(PageDaySummary Summary, long StampTime, long StampCounters)
{
    /// <summary>The part of the stamp that Meta's complete values of the date added.</summary>
    public (long Time, long Counters) MetaStamp { get; init; }
}
