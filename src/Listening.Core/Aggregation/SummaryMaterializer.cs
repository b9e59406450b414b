using Azure;
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
    ICommentStore? comments = null,
    SummaryInputsMemory? inputsMemory = null)
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
            // The stored version this instance knows before it reads anything (issue 16): inputs read from here on,
            // or remembered under it, are current for as long as a write conditional on it succeeds, because whoever
            // changes an input of the summary rebuilds it and then writes or touches it (StoreAsync).
            var basis = attempt == 1 && !force ? versions.Get(pageId, date) : null;
            var merged = attempt == 1 ? dayRows : null;
            var remembered = basis is not null && merged is not null && inputsMemory?.Get(pageId, date) is { } inputs && inputs.Summary == basis.ETag
                ? inputs
                : null;

            // After a conflict someone else stored a summary meanwhile: read everything afresh.
            var built = await BuildAsync(pageId, date, merged, cancellationToken, attempt == 1 ? metaRows : null, remembered) with { Basis = basis };

            // Replay (force) reads what is stored: it mends what this instance cannot know about. A rebuild for a
            // change of another day, of Meta's values or of comments touches a stored summary that covers it.
            if (await StoreAsync(built, force, trustKnownVersion: attempt == 1 && !force, touchWhenCovered: dayRows is null, cancellationToken))
            {
                return built.Summary;
            }

            versions.Forget(pageId, date);
            inputsMemory?.Forget(pageId, date);
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

    /// <param name="remembered">
    /// The inputs besides the day's own rows (the day before, the look-back, the giveaways' rows, the comment hours) as
    /// a build on the merge path read them, when this instance may use them without reading (see MaterializeAsync).
    /// </param>
    private async Task<BuiltSummary> BuildAsync(
        string pageId, DateOnly date, ObservationRows? dayRows, CancellationToken cancellationToken, IReadOnlyList<MetaInsightEntity>? metaRows = null, SummaryInputs? remembered = null)
    {
        var previous = date.AddDays(-1);
        var previousRows = dayRows is null ? null : remembered?.Previous ?? await reader.CommittedDayAsync(pageId, previous, cancellationToken);
        var inputs = previousRows is null ? null : new SummaryInputs(previousRows);
        var rows = dayRows is null
            ? await observations.ReadDaysAsync(pageId, previous, date, cancellationToken)
            : previousRows!.Concat(dayRows);
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
            // A gap in the pulls (an outage over a whole day): look further back for the last earlier observation. The
            // look-back read for the same posts (or more) still holds: a change in the gap that reaches one of them
            // rebuilds this day (SummaryDependencies), but a post missing now for the first time is looked for afresh.
            var missingIds = missing.Select(p => p.PostId).ToHashSet(StringComparer.Ordinal);
            var older = remembered?.Older is { } kept && missingIds.IsSubsetOf(kept.For)
                ? kept.Rows
                : await observations.ReadDaysAsync(pageId, date.AddDays(-BaselineLookbackDays), previous.AddDays(-1), cancellationToken);
            inputs = inputs is null ? null : inputs with { Older = new LookBack(older, missingIds) };
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
        IReadOnlyList<GiveawayFollowThrough> giveaways = [];
        if (day is not null)
        {
            var giveawayRows = remembered?.Giveaways ?? await GiveawayRowsAsync(pageId, date, cancellationToken);
            inputs = inputs is null ? null : inputs with { Giveaways = giveawayRows };
            giveaways = Giveaways(date, day, giveawayRows, stamp);
        }

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
            var hours = remembered?.CommentHours ?? await comments.HoursOfDayAsync(pageId, date, cancellationToken);
            inputs = inputs is null ? null : inputs with { CommentHours = hours };
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
            Inputs = inputs,
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
    private IReadOnlyList<GiveawayFollowThrough> Giveaways(DateOnly date, PageDayEntity day, GiveawayRows rows, Stamp stamp)
    {
        stamp.Add(rows.Posts);
        var posts = GiveawayPosts(date, rows.Posts);
        if (posts.Count == 0)
        {
            return [];
        }

        stamp.Add(rows.Before);
        stamp.Add(rows.AfterGain);
        return [.. posts.Select(p => PageDaySummaryBuilder.GiveawayFollowThrough(p, calendar, rows.Before?.Followers, rows.AfterGain?.Followers, day.Followers))];
    }

    /// <summary>The rows the giveaway follow-through of <paramref name="date"/> reads: one query, two point reads when there are giveaway posts.</summary>
    private async Task<GiveawayRows> GiveawayRowsAsync(string pageId, DateOnly date, CancellationToken cancellationToken)
    {
        // The post's rows over the gain window: a post created late in the evening may first be seen after midnight,
        // and its last row of the window holds the people it reached by then (one query either way).
        var postDay = date.AddDays(-GiveawayRetentionDays);
        var rows = await observations.GiveawayPostsAsync(pageId, postDay, postDay.AddDays(GiveawayGainDays), cancellationToken);
        if (GiveawayPosts(date, rows).Count == 0)
        {
            return new GiveawayRows(rows, null, null);
        }

        var before = await observations.PageDayAsync(pageId, postDay.AddDays(-1), cancellationToken);
        var afterGain = await observations.PageDayAsync(pageId, postDay.AddDays(GiveawayGainDays), cancellationToken);
        return new GiveawayRows(rows, before, afterGain);
    }

    /// <summary>The last row of each giveaway post created on the post day of <paramref name="date"/>'s follow-through.</summary>
    private List<PostDayEntity> GiveawayPosts(DateOnly date, IReadOnlyList<PostDayEntity> rows)
    {
        var postDay = date.AddDays(-GiveawayRetentionDays);
        var start = calendar.StartOf(postDay);
        var end = calendar.EndOf(postDay);
        return rows.Where(p => p.CreatedTime >= start && p.CreatedTime < end)
            .GroupBy(p => p.PostId, StringComparer.Ordinal)
            .Select(g => g.MaxBy(p => p.RowKey, StringComparer.Ordinal)!)
            .ToList();
    }

    /// <summary>Stores the built summary unless the stored one is the same or built from more data; false when another writer came first.</summary>
    private async Task<bool> StoreAsync(BuiltSummary built, bool force, bool trustKnownVersion, bool touchWhenCovered, CancellationToken cancellationToken)
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
            RememberInputs(built, known.ETag, known.ETag);
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
                if (unchanged)
                {
                    RememberInputs(built, known.ETag, known.ETag);
                    return true;
                }

                if (known.Covers(built.StampTime, built.StampCounters) && !force)
                {
                    // The stored summary was built from more data, but maybe not from the input this rebuild is for
                    // (another day, Meta's values, comments): a new ETag makes every instance that remembers this
                    // summary's inputs read them again before its next write.
                    inputsMemory?.Forget(summary.PageId, summary.Date);
                    if (touchWhenCovered)
                    {
                        var touch = await summaries.TryWriteAsync(existing!, existing!.ETag, cancellationToken);
                        if (touch.Stored && touch.ETag is { } touched)
                        {
                            versions.Set(summary.PageId, summary.Date, known with { ETag = touched });
                        }
                        else
                        {
                            versions.Forget(summary.PageId, summary.Date);
                        }
                    }

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
            RememberInputs(built, known?.ETag, etag);
        }
        else
        {
            versions.Forget(summary.PageId, summary.Date);
            inputsMemory?.Forget(summary.PageId, summary.Date);
        }

        return write.Stored;
    }

    /// <summary>
    /// Keeps the inputs of a build under the summary's new ETag when the summary stayed the version the build started
    /// from (<paramref name="condition"/>, the ETag the write was conditional on, or that was found unchanged): then no
    /// input changed before the build read it without the summary's ETag changing since. Else forgets them.
    /// </summary>
    private void RememberInputs(BuiltSummary built, ETag? condition, ETag stored)
    {
        if (inputsMemory is null)
        {
            return;
        }

        if (built.Inputs is { } inputs && built.Basis is { } basis && condition == basis.ETag)
        {
            inputsMemory.Set(built.Summary.PageId, built.Summary.Date, inputs with { Summary = stored });
        }
        else
        {
            inputsMemory.Forget(built.Summary.PageId, built.Summary.Date);
        }
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

    /// <summary>What a build on the merge path read besides the day's own rows (null on other paths).</summary>
    internal SummaryInputs? Inputs { get; init; }

    /// <summary>The stored version this instance knew before the build read anything.</summary>
    internal SummaryVersion? Basis { get; init; }
}

/// <summary>
/// What the summary of a Page's day read besides the day's own rows, remembered with the ETag of the summary stored
/// from it (<see cref="SummaryInputsMemory"/>).
/// </summary>
public sealed record SummaryInputs(ObservationRows Previous)
{
    public ETag Summary { get; init; }

    public LookBack? Older { get; init; }

    public GiveawayRows? Giveaways { get; init; }

    public IReadOnlyList<CommentHourEntity>? CommentHours { get; init; }
}

/// <summary>The look-back over a gap: the rows of the two weeks before the day before, read for these posts.</summary>
public sealed record LookBack(ObservationRows Rows, IReadOnlySet<string> For);

/// <summary>The rows a giveaway follow-through reads: the giveaway posts' rows of the gain window, the Page rows around it.</summary>
public sealed record GiveawayRows(IReadOnlyList<PostDayEntity> Posts, PageDayEntity? Before, PageDayEntity? AfterGain);

/// <summary>
/// Per Page and day, the inputs of the summary this instance stored last, besides the day's own rows (issue 16: a
/// snapshot's rebuild of its day then reads nothing). Used only while the stored summary still has the ETag they are
/// kept under: whoever changes one of them rebuilds the summary and writes or touches it, so the next write
/// conditional on that ETag fails and the inputs are read again.
/// </summary>
public sealed class SummaryInputsMemory() : PageDayMemory<SummaryInputs>(8192);
