using Azure;
using Azure.Data.Tables;
using Listening.Core.Contracts;

namespace Listening.Core.Storage;

/// <summary>The last observation of a Page's own counters within one local day.</summary>
public sealed class PageDayEntity : ITableEntity
{
    public string PartitionKey { get; set; } = "";

    public string RowKey { get; set; } = "";

    public DateTimeOffset? Timestamp { get; set; }

    public ETag ETag { get; set; }

    public DateTimeOffset ObservedAt { get; set; }

    public string PageName { get; set; } = "";

    public bool Demo { get; set; }

    /// <summary>Followers at <see cref="FollowersAt"/>, the last capture of the day that carried them.</summary>
    public long? Followers { get; set; }

    public DateTimeOffset? FollowersAt { get; set; }

    /// <summary>Page likes at <see cref="FansAt"/>, the last capture of the day that carried them.</summary>
    public long? Fans { get; set; }

    public DateTimeOffset? FansAt { get; set; }

    /// <summary>How many distinct capture times fell on the day (pulls seen).</summary>
    public int Observations { get; set; }

    /// <summary>Distinct capture times of the day, as Unix milliseconds, comma-separated (keeps <see cref="Observations"/> idempotent).</summary>
    public string CaptureTimes { get; set; } = "";

    internal PageDayEntity Copy() => (PageDayEntity)MemberwiseClone();

    /// <summary>Same stored values (keys and data, not ETag or Timestamp).</summary>
    internal bool SameAs(PageDayEntity other) =>
        PartitionKey == other.PartitionKey && RowKey == other.RowKey && ObservedAt == other.ObservedAt && PageName == other.PageName
        && Demo == other.Demo && Followers == other.Followers && FollowersAt == other.FollowersAt && Fans == other.Fans
        && FansAt == other.FansAt && Observations == other.Observations && CaptureTimes == other.CaptureTimes;
}

/// <summary>The last observation of one post within one local day.</summary>
public sealed class PostDayEntity : ITableEntity
{
    public string PartitionKey { get; set; } = "";

    public string RowKey { get; set; } = "";

    public DateTimeOffset? Timestamp { get; set; }

    public ETag ETag { get; set; }

    public string PostId { get; set; } = "";

    public DateTimeOffset ObservedAt { get; set; }

    public DateTimeOffset CreatedTime { get; set; }

    public string? Permalink { get; set; }

    public string? Message { get; set; }

    public long Like { get; set; }

    public long Love { get; set; }

    public long Care { get; set; }

    public long Haha { get; set; }

    public long Wow { get; set; }

    public long Sad { get; set; }

    public long Angry { get; set; }

    public long Comments { get; set; }

    public long Shares { get; set; }

    /// <summary>Topics of the post text, '|'-separated, in the configured order (the aggregation's topic rules).</summary>
    public string Topics { get; set; } = "";

    /// <summary>Tagged with the giveaway topic: the giveaway follow-through queries by it.</summary>
    public bool Giveaway { get; set; }

    /// <summary>
    /// Lifetime views (<see cref="MetricNames.PostViews"/>) at <see cref="ViewsAt"/>, the last capture of the day that
    /// carried them; null when no capture of the day did (Meta did not answer): unknown, never 0.
    /// </summary>
    public long? Views { get; set; }

    public DateTimeOffset? ViewsAt { get; set; }

    /// <summary>The metric name that delivered <see cref="Views"/> (an old name through the alias map, or the series' own).</summary>
    public string? ViewsSource { get; set; }

    /// <summary>Lifetime unique reach, people reached (<see cref="MetricNames.PostReach"/>), the same way as <see cref="Views"/>.</summary>
    public long? Reach { get; set; }

    public DateTimeOffset? ReachAt { get; set; }

    public string? ReachSource { get; set; }

    [System.Runtime.Serialization.IgnoreDataMember]
    public IReadOnlyList<string> TopicList => Topics.Length == 0 ? [] : Topics.Split('|');

    [System.Runtime.Serialization.IgnoreDataMember]
    public ReactionCounts Reactions => new() { Like = Like, Love = Love, Care = Care, Haha = Haha, Wow = Wow, Sad = Sad, Angry = Angry };

    /// <summary>Sum of all counters: the tie-break between two observations with the same capture time.</summary>
    [System.Runtime.Serialization.IgnoreDataMember]
    public long CounterSum => Reactions.Total + Comments + Shares;

    /// <summary>
    /// The row of a post's day; <paramref name="topics"/> and <paramref name="giveaway"/> as the topic rules tagged the
    /// post text; views and reach read from the post's metrics through <paramref name="aliases"/> (a renamed metric
    /// continues its series).
    /// </summary>
    public static PostDayEntity From(
        string pageId, DateOnly date, DateTimeOffset observedAt, PostObservation post, IReadOnlyList<string> topics, bool giveaway,
        IReadOnlyDictionary<string, string>? aliases = null)
    {
        ArgumentNullException.ThrowIfNull(post);
        ArgumentNullException.ThrowIfNull(topics);
        aliases ??= MetricNames.DefaultAliases;
        var at = observedAt.ToUniversalTime();
        var (views, viewsSource) = MetricNames.PostValue(post.Metrics, MetricNames.PostViews, aliases);
        var (reach, reachSource) = MetricNames.PostValue(post.Metrics, MetricNames.PostReach, aliases);
        return new()
        {
            Views = views,
            ViewsAt = views is null ? null : at,
            ViewsSource = viewsSource,
            Reach = reach,
            ReachAt = reach is null ? null : at,
            ReachSource = reachSource,
            Topics = string.Join('|', topics),
            Giveaway = giveaway,
            PartitionKey = pageId,
            RowKey = ObservationKeys.Post(date, post.Id),
            PostId = post.Id,
            ObservedAt = observedAt.ToUniversalTime(),
            CreatedTime = post.CreatedTime.ToUniversalTime(),
            Permalink = post.Permalink,
            Message = post.Message,
            Like = post.Reactions.Like,
            Love = post.Reactions.Love,
            Care = post.Reactions.Care,
            Haha = post.Reactions.Haha,
            Wow = post.Reactions.Wow,
            Sad = post.Reactions.Sad,
            Angry = post.Reactions.Angry,
            Comments = post.Comments,
            Shares = post.Shares,
        };
    }

    /// <summary>
    /// Whether this observation replaces <paramref name="stored"/>: the later capture wins; on equal capture times
    /// the larger counters, then the ordinal text, so that any order of arrival ends in the same row.
    /// </summary>
    public bool Supersedes(PostDayEntity stored)
    {
        ArgumentNullException.ThrowIfNull(stored);
        var byTime = ObservedAt.CompareTo(stored.ObservedAt);
        if (byTime != 0)
        {
            return byTime > 0;
        }

        var byCounters = CounterSum.CompareTo(stored.CounterSum);
        if (byCounters != 0)
        {
            return byCounters > 0;
        }

        return string.CompareOrdinal(Fingerprint(), stored.Fingerprint()) > 0;
    }

    /// <summary>
    /// This row (the day's latest counters) with views and reach of whichever of the two rows captured them last:
    /// a capture that did not carry them (Meta did not answer) leaves the day's known values; equal capture times
    /// keep the larger value. So any order of arrival gives the same row.
    /// </summary>
    public PostDayEntity WithMetricsOf(PostDayEntity other)
    {
        ArgumentNullException.ThrowIfNull(other);
        var merged = (PostDayEntity)MemberwiseClone();
        (merged.Views, merged.ViewsAt, merged.ViewsSource) = Later((Views, ViewsAt, ViewsSource), (other.Views, other.ViewsAt, other.ViewsSource));
        (merged.Reach, merged.ReachAt, merged.ReachSource) = Later((Reach, ReachAt, ReachSource), (other.Reach, other.ReachAt, other.ReachSource));
        return merged;
    }

    /// <summary>Same stored views and reach (values, capture times and sources).</summary>
    public bool SameMetrics(PostDayEntity other)
    {
        ArgumentNullException.ThrowIfNull(other);
        return Views == other.Views && ViewsAt == other.ViewsAt && ViewsSource == other.ViewsSource
            && Reach == other.Reach && ReachAt == other.ReachAt && ReachSource == other.ReachSource;
    }

    private static (long? Value, DateTimeOffset? At, string? Source) Later(
        (long? Value, DateTimeOffset? At, string? Source) a, (long? Value, DateTimeOffset? At, string? Source) b)
    {
        if (b.Value is null || b.At is null)
        {
            return a;
        }

        if (a.Value is null || a.At is null)
        {
            return b;
        }

        var byTime = b.At.Value.CompareTo(a.At.Value);
        if (byTime != 0)
        {
            return byTime > 0 ? b : a;
        }

        if (b.Value != a.Value)
        {
            return b.Value > a.Value ? b : a;
        }

        return string.CompareOrdinal(b.Source, a.Source) > 0 ? b : a;
    }

    private string Fingerprint() => string.Join('|', Like, Love, Care, Haha, Wow, Sad, Angry, Comments, Shares, CreatedTime.UtcTicks, Permalink, Message);
}

/// <summary>An observation row's key and whether it is a giveaway post.</summary>
public sealed record ObservationKey(string RowKey, bool Giveaway)
{
    public DateOnly Date => ObservationKeys.DateOf(RowKey);

    public bool IsPage => ObservationKeys.IsPage(RowKey);

    /// <summary>The post id of a post row; null for other rows.</summary>
    public string? PostId => ObservationKeys.IsPost(RowKey) ? ObservationKeys.PostIdOf(RowKey) : null;
}

public sealed class ObservationRows
{
    public List<PageDayEntity> Pages { get; } = [];

    public List<PostDayEntity> Posts { get; } = [];

    public PageDayEntity? PageOn(DateOnly date) => Pages.Find(p => ObservationKeys.DateOf(p.RowKey) == date);

    public IEnumerable<PostDayEntity> PostsOn(DateOnly date) => Posts.Where(p => ObservationKeys.DateOf(p.RowKey) == date);

    /// <summary>These rows with the written ones in place of what they replaced.</summary>
    public ObservationRows With(IEnumerable<ITableEntity> written)
    {
        var byKey = Pages.Cast<ITableEntity>().Concat(Posts).ToDictionary(e => e.RowKey, StringComparer.Ordinal);
        foreach (var entity in written)
        {
            byKey[entity.RowKey] = entity;
        }

        var result = new ObservationRows();
        result.Pages.AddRange(byKey.Values.OfType<PageDayEntity>());
        result.Posts.AddRange(byKey.Values.OfType<PostDayEntity>());
        return result;
    }

    /// <summary>These rows and those of <paramref name="other"/> (rows of other days).</summary>
    public ObservationRows Concat(ObservationRows other)
    {
        ArgumentNullException.ThrowIfNull(other);
        var result = new ObservationRows();
        result.Pages.AddRange(Pages.Concat(other.Pages));
        result.Posts.AddRange(Posts.Concat(other.Posts));
        return result;
    }
}

/// <summary>Maps untyped rows (one query returns both kinds) to the typed entities.</summary>
internal static class ObservationMapping
{
    public static PageDayEntity ToPageDay(TableEntity e) => new()
    {
        PartitionKey = e.PartitionKey,
        RowKey = e.RowKey,
        ETag = e.ETag,
        Timestamp = e.Timestamp,
        ObservedAt = e.GetDateTimeOffset(nameof(PageDayEntity.ObservedAt)) ?? DateTimeOffset.MinValue,
        PageName = e.GetString(nameof(PageDayEntity.PageName)) ?? "",
        Demo = e.GetBoolean(nameof(PageDayEntity.Demo)) ?? false,
        Followers = e.GetInt64(nameof(PageDayEntity.Followers)),
        FollowersAt = e.GetDateTimeOffset(nameof(PageDayEntity.FollowersAt)),
        Fans = e.GetInt64(nameof(PageDayEntity.Fans)),
        FansAt = e.GetDateTimeOffset(nameof(PageDayEntity.FansAt)),
        Observations = e.GetInt32(nameof(PageDayEntity.Observations)) ?? 0,
        CaptureTimes = e.GetString(nameof(PageDayEntity.CaptureTimes)) ?? "",
    };

    public static PostDayEntity ToPostDay(TableEntity e) => new()
    {
        PartitionKey = e.PartitionKey,
        RowKey = e.RowKey,
        ETag = e.ETag,
        Timestamp = e.Timestamp,
        PostId = e.GetString(nameof(PostDayEntity.PostId)) ?? "",
        ObservedAt = e.GetDateTimeOffset(nameof(PostDayEntity.ObservedAt)) ?? DateTimeOffset.MinValue,
        CreatedTime = e.GetDateTimeOffset(nameof(PostDayEntity.CreatedTime)) ?? DateTimeOffset.MinValue,
        Permalink = e.GetString(nameof(PostDayEntity.Permalink)),
        Message = e.GetString(nameof(PostDayEntity.Message)),
        Like = e.GetInt64(nameof(PostDayEntity.Like)) ?? 0,
        Love = e.GetInt64(nameof(PostDayEntity.Love)) ?? 0,
        Care = e.GetInt64(nameof(PostDayEntity.Care)) ?? 0,
        Haha = e.GetInt64(nameof(PostDayEntity.Haha)) ?? 0,
        Wow = e.GetInt64(nameof(PostDayEntity.Wow)) ?? 0,
        Sad = e.GetInt64(nameof(PostDayEntity.Sad)) ?? 0,
        Angry = e.GetInt64(nameof(PostDayEntity.Angry)) ?? 0,
        Comments = e.GetInt64(nameof(PostDayEntity.Comments)) ?? 0,
        Shares = e.GetInt64(nameof(PostDayEntity.Shares)) ?? 0,
        Topics = e.GetString(nameof(PostDayEntity.Topics)) ?? "",
        Giveaway = e.GetBoolean(nameof(PostDayEntity.Giveaway)) ?? false,
        Views = e.GetInt64(nameof(PostDayEntity.Views)),
        ViewsAt = e.GetDateTimeOffset(nameof(PostDayEntity.ViewsAt)),
        ViewsSource = e.GetString(nameof(PostDayEntity.ViewsSource)),
        Reach = e.GetInt64(nameof(PostDayEntity.Reach)),
        ReachAt = e.GetDateTimeOffset(nameof(PostDayEntity.ReachAt)),
        ReachSource = e.GetString(nameof(PostDayEntity.ReachSource)),
    };
}
