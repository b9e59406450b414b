using Listening.Core.Configuration;
using Listening.Core.Contracts;
using Listening.Core.Ingestion;
using Listening.Core.Storage;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Listening.Core.Aggregation;

/// <summary>
/// The Instagram account linked to a Page, kept in <see cref="InstagramStore"/> like the Page's own data: per account
/// and local day the last observation of the account and of each media item, Meta's daily account values per Meta
/// date, and which account the Page had on the day. Each row keeps the latest capture (ties go to the larger value,
/// then the ordinal larger text), a media item's insights those of the latest capture that carried any: applying
/// snapshots twice or in any order gives the same rows. A story is kept with the last values seen while it lived.
/// </summary>
public sealed partial class InstagramDays(
    InstagramStore store,
    PageDirectory pages,
    LocalCalendar calendar,
    IOptions<ListeningOptions> options,
    TimeProvider time,
    ILogger<InstagramDays> logger)
{
    private const int MaxAttempts = 25;

    /// <summary>Stores the snapshot's Instagram part; returns the Meta dates with complete account values in it (their summaries change).</summary>
    public async Task<IReadOnlyList<DateOnly>> ApplyAsync(PageSnapshot snapshot, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(snapshot);
        if (snapshot.Instagram is not { } ig)
        {
            return [];
        }

        var date = calendar.DateOf(snapshot.CapturedAt);
        var incoming = Rows(snapshot, ig, date);
        var first = incoming.Min(r => InstagramKeys.DateOf(r.RowKey));
        var last = incoming.Max(r => InstagramKeys.DateOf(r.RowKey));
        await MergeAsync(ig.AccountId, incoming, stored => store.ReadDaysAsync(ig.AccountId, first, last, cancellationToken), cancellationToken);

        return [.. incoming.Where(r => r.Metric is not null && r.Complete).Select(r => InstagramKeys.DateOf(r.RowKey)).Distinct().Order()];
    }

    private async Task MergeAsync(
        string partition, List<InstagramRowEntity> incoming, Func<int, Task<Dictionary<string, InstagramRowEntity>>> read, CancellationToken cancellationToken)
    {
        for (var attempt = 1; ; attempt++)
        {
            var stored = await read(attempt);
            var writes = new List<InstagramWrite>();
            foreach (var row in incoming)
            {
                if (!stored.TryGetValue(row.RowKey, out var existing))
                {
                    writes.Add(new InstagramWrite(row, null));
                }
                else if (Merge(existing, row) is { } merged)
                {
                    writes.Add(new InstagramWrite(merged, existing.ETag));
                }
            }

            if (writes.Count == 0 || await store.TryWriteAsync(writes, cancellationToken))
            {
                return;
            }

            if (attempt >= MaxAttempts)
            {
                throw new WriteConflictException($"Instagram rows of {partition} kept changing under us: {MaxAttempts} attempts.");
            }

            LogConflict(logger, partition, attempt);
            await ConflictBackoff.DelayAsync(attempt, cancellationToken);
        }
    }

    /// <summary>The rows a snapshot's Instagram part makes (one per key: the part's items are distinct, the decoder says).</summary>
    internal static List<InstagramRowEntity> Rows(PageSnapshot snapshot, InstagramObservation ig, DateOnly date)
    {
        var at = snapshot.CapturedAt.ToUniversalTime();
        var rows = new List<InstagramRowEntity>
        {
            new()
            {
                PartitionKey = ig.AccountId,
                RowKey = InstagramKeys.Account(date),
                ObservedAt = at,
                PageId = snapshot.PageId,
                AccountId = ig.AccountId,
                Username = ig.Username,
                Demo = snapshot.Demo,
                Followers = ig.Followers,
                Follows = ig.Follows,
                MediaCount = ig.MediaCount,
            },
        };
        foreach (var media in ig.Media)
        {
            var metrics = InstagramRowEntity.FormatMetrics(media.Metrics);
            rows.Add(new InstagramRowEntity
            {
                PartitionKey = ig.AccountId,
                RowKey = InstagramKeys.Media(date, media.Id),
                ObservedAt = at,
                AccountId = ig.AccountId,
                PublishedAt = media.Timestamp.ToUniversalTime(),
                Permalink = media.Permalink,
                Excerpt = PageDaySummaryBuilder.Excerpt(media.Caption),
                MediaType = media.MediaType,
                ProductType = media.ProductType,
                Likes = media.Likes,
                Comments = media.Comments,
                Metrics = metrics.Length > 0 ? metrics : null,
                MetricsAt = metrics.Length > 0 ? at : null,
            });
        }

        foreach (var value in ig.Insights.GroupBy(v => (v.Metric, MetaCalendar.DateOfEndTime(v.EndTime))).Select(g => g.MaxBy(v => v.Value)!))
        {
            var metaDate = MetaCalendar.DateOfEndTime(value.EndTime);
            rows.Add(new InstagramRowEntity
            {
                PartitionKey = ig.AccountId,
                RowKey = InstagramKeys.Meta(metaDate, value.Metric),
                ObservedAt = at,
                AccountId = ig.AccountId,
                Metric = value.Metric,
                Value = value.Value,
                Complete = at >= value.EndTime,
            });
        }

        return rows;
    }

    /// <summary>
    /// The row to store when <paramref name="incoming"/> meets <paramref name="stored"/>, or null when the stored row
    /// stays as it is. Counters come from the later capture (ties: the larger text of its values), a media item's
    /// insights from the later capture that carried any: a merge of any order gives the same row.
    /// </summary>
    internal static InstagramRowEntity? Merge(InstagramRowEntity stored, InstagramRowEntity incoming)
    {
        var newer = incoming.ObservedAt != stored.ObservedAt
            ? incoming.ObservedAt > stored.ObservedAt
            : string.CompareOrdinal(Canonical(incoming), Canonical(stored)) > 0;
        var counters = newer ? incoming : stored;
        var (metrics, metricsAt) = LaterMetrics(stored, incoming);
        var merged = Copy(counters);
        merged.Metrics = metrics;
        merged.MetricsAt = metricsAt;
        merged.ETag = stored.ETag;
        return Canonical(merged) == Canonical(stored) && merged.ObservedAt == stored.ObservedAt && merged.MetricsAt == stored.MetricsAt ? null : merged;
    }

    private static (string? Metrics, DateTimeOffset? At) LaterMetrics(InstagramRowEntity a, InstagramRowEntity b)
    {
        if (a.MetricsAt is null)
        {
            return (b.Metrics, b.MetricsAt);
        }

        if (b.MetricsAt is null)
        {
            return (a.Metrics, a.MetricsAt);
        }

        var bWins = b.MetricsAt != a.MetricsAt ? b.MetricsAt > a.MetricsAt : string.CompareOrdinal(b.Metrics, a.Metrics) > 0;
        return bWins ? (b.Metrics, b.MetricsAt) : (a.Metrics, a.MetricsAt);
    }

    private static InstagramRowEntity Copy(InstagramRowEntity r) => new()
    {
        PartitionKey = r.PartitionKey,
        RowKey = r.RowKey,
        ObservedAt = r.ObservedAt,
        PageId = r.PageId,
        AccountId = r.AccountId,
        Username = r.Username,
        Demo = r.Demo,
        Followers = r.Followers,
        Follows = r.Follows,
        MediaCount = r.MediaCount,
        PublishedAt = r.PublishedAt,
        Permalink = r.Permalink,
        Excerpt = r.Excerpt,
        MediaType = r.MediaType,
        ProductType = r.ProductType,
        Likes = r.Likes,
        Comments = r.Comments,
        Metrics = r.Metrics,
        MetricsAt = r.MetricsAt,
        Metric = r.Metric,
        Value = r.Value,
        Complete = r.Complete,
    };

    /// <summary>The row's values as one text (the tie-break of equal capture times, and the test for "unchanged").</summary>
    private static string Canonical(InstagramRowEntity r) => string.Join('|',
        r.Value, r.Complete, r.Followers, r.Follows, r.MediaCount, r.Likes, r.Comments, r.Metrics, r.AccountId, r.Username, r.PageId, r.Demo,
        r.PublishedAt?.ToUnixTimeMilliseconds(), r.Permalink, r.Excerpt, r.MediaType, r.ProductType, r.Metric);

    /// <summary>
    /// The Page's Instagram on a local day, and a stamp that grows whenever the rows it is built from change (for
    /// <see cref="SummaryMaterializer"/>). Null when the Page had no linked account that day or Instagram is off.
    /// </summary>
    /// <param name="accountId">The account the Page's day row names (<see cref="PageDayEntity.InstagramAccountId"/>): no read without one.</param>
    public async Task<(InstagramDaySummary? Summary, long StampTime, long StampCounters)> ReadDayAsync(string pageId, string? accountId, DateOnly date, CancellationToken cancellationToken)
    {
        if (accountId is not { Length: > 0 } || pages.IsInstagramOff(pageId))
        {
            return (null, 0, 0);
        }

        var rows = await store.ReadDaysAsync(accountId, date.AddDays(-1), date, cancellationToken);
        long stampTime = 0, stampCounters = 0;
        foreach (var row in rows.Values)
        {
            stampTime += row.ObservedAt.ToUnixTimeMilliseconds() + (row.MetricsAt?.ToUnixTimeMilliseconds() ?? 0);
            stampCounters += (row.Followers ?? 0) + (row.Likes ?? 0) + (row.Comments ?? 0) + (row.Value ?? 0)
                + InstagramRowEntity.ParseMetrics(row.Metrics).Values.Sum();
        }

        // Meta's values count only once Meta's day is over (as for the Page's).
        var metaComplete = time.GetUtcNow() + (2 * MessageCodec.AllowedClockSkew) >= MetaCalendar.EndOf(date);
        var summary = Build(accountId, date, calendar, rows, metaComplete, options.Value.Facebook.EffectiveAliases);
        return (summary, stampTime, stampCounters);
    }

    /// <summary>The day's Instagram from the rows of the day and the day before. Pure: the same rows give the same summary.</summary>
    internal static InstagramDaySummary? Build(
        string accountId, DateOnly date, LocalCalendar calendar, IReadOnlyDictionary<string, InstagramRowEntity> rows, bool metaComplete, IReadOnlyDictionary<string, string> aliases)
    {
        rows.TryGetValue(InstagramKeys.Account(date), out var account);
        rows.TryGetValue(InstagramKeys.Account(date.AddDays(-1)), out var before);
        var media = rows.Values.Where(r => InstagramKeys.IsMedia(r.RowKey) && InstagramKeys.DateOf(r.RowKey) == date).ToList();
        var metaRows = metaComplete
            ? rows.Values.Where(r => InstagramKeys.IsMeta(r.RowKey) && InstagramKeys.DateOf(r.RowKey) == date && r.Complete).ToList()
            : [];
        if (account is null && media.Count == 0 && metaRows.Count == 0)
        {
            return null;
        }

        var start = calendar.StartOf(date);
        var items = new List<InstagramMediaDaySummary>();
        foreach (var row in media)
        {
            var mediaId = row.RowKey[(DayKey.Length + 7)..];
            rows.TryGetValue(InstagramKeys.Media(date.AddDays(-1), mediaId), out var baseline);
            var isNew = row.PublishedAt >= start;

            // An item that existed before but was not seen the day before (the first day we watch, a gap): what it
            // gained this day is unknown, so it counts from this observation on.
            baseline ??= isNew ? null : row;
            var metrics = InstagramRowEntity.ParseMetrics(row.Metrics);
            var baseMetrics = baseline is null ? null : InstagramRowEntity.ParseMetrics(baseline.Metrics);
            long? Metric(IReadOnlyDictionary<string, long>? m, string series) => m is null ? null : MetricNames.PostValue(m, series, aliases).Value;

            var likesTotal = row.Likes;
            var commentsTotal = row.Comments;
            var savesTotal = Metric(metrics, "saved");
            var sharesTotal = Metric(metrics, "shares");
            var viewsTotal = Metric(metrics, "views");
            var reachTotal = Metric(metrics, "reach");
            var summary = new InstagramMediaDaySummary
            {
                Id = mediaId,
                Timestamp = calendar.ToLocal(row.PublishedAt ?? row.ObservedAt),
                Permalink = row.Permalink,
                Excerpt = row.Excerpt ?? "",
                MediaType = row.MediaType,
                ProductType = row.ProductType,
                New = isNew,
                Likes = Gain(likesTotal, baseline, baseline?.Likes),
                LikesTotal = likesTotal,
                Comments = Gain(commentsTotal, baseline, baseline?.Comments),
                CommentsTotal = commentsTotal,
                Saves = Gain(savesTotal, baseline, Metric(baseMetrics, "saved")),
                SavesTotal = savesTotal,
                Shares = Gain(sharesTotal, baseline, Metric(baseMetrics, "shares")),
                SharesTotal = sharesTotal,
                Views = Gain(viewsTotal, baseline, Metric(baseMetrics, "views")),
                ViewsTotal = viewsTotal,
                Reach = Gain(reachTotal, baseline, Metric(baseMetrics, "reach")),
                ReachTotal = reachTotal,
            };
            var gained = new[] { summary.Likes, summary.Comments, summary.Saves, summary.Shares, summary.Views, summary.Reach }.Any(g => g is > 0);
            if (isNew || gained)
            {
                items.Add(summary);
            }
        }

        items = [.. items.OrderByDescending(m => m.Timestamp.UtcTicks).ThenBy(m => m.Id, StringComparer.Ordinal)];
        long? Sum(Func<InstagramMediaDaySummary, long?> value) =>
            items.Any(m => value(m) is null) ? null : items.Sum(m => value(m)!.Value);

        return new InstagramDaySummary
        {
            AccountId = accountId,
            Username = account?.Username ?? before?.Username,
            Followers = new CounterChange(account?.Followers, account?.Followers is { } end && before?.Followers is { } start0 ? end - start0 : null),
            Likes = Sum(m => m.Likes),
            Comments = Sum(m => m.Comments),
            Saves = Sum(m => m.Saves),
            Shares = Sum(m => m.Shares),
            Views = Sum(m => m.Views),
            Reach = Sum(m => m.Reach),
            Media = items,
            MetaDay = MetaDayOf(date, metaRows, aliases),
        };
    }

    /// <summary>A day's gain: the end value minus the baseline's; an item new that day starts from 0; unknown on either side is unknown.</summary>
    private static long? Gain(long? end, InstagramRowEntity? baseline, long? baselineValue) =>
        end is null ? null : baseline is null ? end : baselineValue is null ? null : end - baselineValue;

    private static MetaDaySummary? MetaDayOf(DateOnly date, List<InstagramRowEntity> rows, IReadOnlyDictionary<string, string> aliases)
    {
        if (rows.Count == 0)
        {
            return null;
        }

        var metrics = new SortedDictionary<string, long>(StringComparer.Ordinal);
        var sources = new SortedDictionary<string, string>(StringComparer.Ordinal);
        foreach (var series in rows.GroupBy(r => MetricNames.SeriesOf(r.Metric!, aliases), StringComparer.Ordinal))
        {
            var chosen = series.FirstOrDefault(r => r.Metric == series.Key)
                ?? series.OrderByDescending(r => r.ObservedAt).ThenBy(r => r.Metric, StringComparer.Ordinal).First();
            metrics[series.Key] = chosen.Value ?? 0;
            if (chosen.Metric != series.Key)
            {
                sources[series.Key] = chosen.Metric!;
            }
        }

        return new MetaDaySummary { Date = date, Metrics = metrics, Sources = sources };
    }

    [LoggerMessage(Level = LogLevel.Debug, Message = "Instagram rows of {Partition} changed under us (attempt {Attempt}); merging again")]
    private static partial void LogConflict(ILogger logger, string partition, int attempt);
}
