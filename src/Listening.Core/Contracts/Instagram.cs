using System.Text.Json.Serialization;

namespace Listening.Core.Contracts;

/// <summary>
/// What one pull saw of the Instagram professional account linked to a Page (part of <see cref="PageSnapshot"/>):
/// the account's counters, its media of the look-back window and its live stories with their cumulative counters
/// and lifetime insights, and Meta's daily account insights. Counters are cumulative, never increments.
/// </summary>
public sealed record InstagramObservation
{
    /// <summary>The Instagram user id (<c>instagram_business_account.id</c>).</summary>
    public required string AccountId { get; init; }

    public string? Username { get; init; }

    /// <summary><c>followers_count</c> at capture time.</summary>
    public long? Followers { get; init; }

    /// <summary><c>follows_count</c> at capture time.</summary>
    public long? Follows { get; init; }

    /// <summary><c>media_count</c> at capture time.</summary>
    public long? MediaCount { get; init; }

    /// <summary>Media of the look-back window and the stories alive at capture time.</summary>
    public IReadOnlyList<InstagramMediaObservation> Media { get; init; } = [];

    /// <summary>
    /// Meta's daily account insights (<c>metric_type=total_value</c>, one value per metric and Meta day), under the
    /// metric name Meta reported; <c>endTime</c> is the end of Meta's day (Pacific midnight).
    /// </summary>
    public IReadOnlyList<InsightValue> Insights { get; init; } = [];
}

/// <summary>One Instagram media item (feed post, reel or story) as seen at capture time.</summary>
public sealed record InstagramMediaObservation
{
    public required string Id { get; init; }

    /// <summary>Graph's <c>timestamp</c>: when the media was published.</summary>
    public required DateTimeOffset Timestamp { get; init; }

    public string? Permalink { get; init; }

    /// <summary>The caption, cut to <see cref="MessageSchema.MaxMessageLength"/> characters.</summary>
    public string? Caption { get; init; }

    /// <summary>Graph's <c>media_type</c> as it is: <c>IMAGE</c>, <c>VIDEO</c>, <c>CAROUSEL_ALBUM</c>.</summary>
    public string? MediaType { get; init; }

    /// <summary>Graph's <c>media_product_type</c> as it is: <c>FEED</c>, <c>REELS</c>, <c>STORY</c>.</summary>
    public string? ProductType { get; init; }

    /// <summary><c>like_count</c>; null when Meta leaves it out (the owner hid likes, or a story).</summary>
    public long? Likes { get; init; }

    /// <summary><c>comments_count</c>; null when Meta leaves it out.</summary>
    public long? Comments { get; init; }

    /// <summary>Lifetime media insights by the metric name Meta reported (<c>views</c>, <c>reach</c>, <c>saved</c>, <c>shares</c> ...).</summary>
    public IReadOnlyDictionary<string, long>? Metrics { get; init; }
}

/// <summary>The defaults and names of the Instagram metrics (FACTS.md, "Instagram professional accounts").</summary>
public static class InstagramMetrics
{
    /// <summary>Daily account insights read with <c>metric_type=total_value</c>.</summary>
    public static readonly IReadOnlyList<string> DefaultAccountMetrics =
        ["views", "reach", "accounts_engaged", "total_interactions", "likes", "comments", "shares", "saves", "follows_and_unfollows"];

    /// <summary>Lifetime insights of feed posts and reels (the <c>media</c> edge).</summary>
    public static readonly IReadOnlyList<string> DefaultMediaMetrics = ["views", "reach", "saved", "shares", "total_interactions"];

    /// <summary>Lifetime insights of stories (the <c>stories</c> edge): no <c>saved</c> there.</summary>
    public static readonly IReadOnlyList<string> DefaultStoryMetrics = ["views", "reach", "shares", "total_interactions", "replies"];

    /// <summary>The media metrics behind <c>reachTotal</c> and <c>viewsTotal</c> (the alias map continues them under a new name).</summary>
    public const string Reach = "reach";

    public const string Views = "views";

    /// <summary>Media product types as Graph names them.</summary>
    public const string Story = "STORY";

    public const string Reels = "REELS";

    public const string Feed = "FEED";

    /// <summary>
    /// How a rejected Instagram metric is remembered beside the Page's (the Page state's list, <c>listening check</c>,
    /// the alert): <c>instagram-account:views</c>, <c>instagram-media:saved</c>, <c>instagram-story:saved</c>.
    /// </summary>
    public static string Rejected(string scope, string metric) => "instagram-" + scope + ":" + metric;

    public const string AccountScope = "account";

    public const string MediaScope = "media";

    public const string StoryScope = "story";

    /// <summary>
    /// The scope of a metric Meta rejects for one media product type only (issue 14, item 2): the type in lower case,
    /// <c>feed</c>, <c>reels</c> (<c>instagram-reels:total_interactions</c>); the metric is still asked for the other types.
    /// Stories have their own edge and scope (<see cref="StoryScope"/>), which is the same name.
    /// </summary>
    public static string TypeScope(string productType)
    {
        ArgumentNullException.ThrowIfNull(productType);
        var scope = new string([.. productType.ToLowerInvariant().Where(c => char.IsAsciiLetterLower(c) || c == '_')]);
        return scope.Length == 0 ? "unknown" : scope;
    }

    /// <summary>The (scope, metric) of a remembered Instagram rejection (<c>instagram-reels:saved</c>), or null when it is none.</summary>
    public static (string Scope, string Metric)? ParseRejected(string remembered)
    {
        ArgumentNullException.ThrowIfNull(remembered);
        var colon = remembered.IndexOf(':', StringComparison.Ordinal);
        if (!remembered.StartsWith("instagram-", StringComparison.Ordinal) || colon < 0)
        {
            return null;
        }

        return (remembered["instagram-".Length..colon], remembered[(colon + 1)..]);
    }

    /// <summary>The plain metric name of a remembered rejection of <paramref name="scope"/>, or null when it is another one's.</summary>
    public static string? RejectedMetricOf(string remembered, string scope)
    {
        ArgumentNullException.ThrowIfNull(remembered);
        var prefix = "instagram-" + scope + ":";
        return remembered.StartsWith(prefix, StringComparison.Ordinal) ? remembered[prefix.Length..] : null;
    }
}

/// <summary>The decoder's checks of a snapshot's Instagram part (<see cref="MessageCodec.DecodeSnapshot"/>).</summary>
internal static class InstagramChecks
{
    public static PageSnapshot Check(PageSnapshot s)
    {
        if (s.Instagram is not { } ig)
        {
            return s;
        }

        Require(!string.IsNullOrWhiteSpace(ig.AccountId), "instagram.accountId is empty");
        Require(ig.AccountId.Length <= MessageSchema.MaxIdLength && ig.AccountId.All(char.IsAsciiDigit), "instagram.accountId is not a numeric id");
        Require(ig.Username is null || ig.Username.Length <= MessageSchema.MaxPageNameLength, "instagram.username is too long");
        foreach (var (value, name) in new[] { (ig.Followers, "followers"), (ig.Follows, "follows"), (ig.MediaCount, "mediaCount") })
        {
            Count(value, "instagram." + name);
        }

        Require(ig.Media is not null, "instagram.media is missing");
        Require(ig.Insights is not null, "instagram.insights is missing");
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var media in ig.Media!)
        {
            Require(media is not null, "an instagram media item is null");
            Require(!string.IsNullOrWhiteSpace(media!.Id) && media.Id.Length <= MessageSchema.MaxIdLength && StorageKey.IsValid(media.Id),
                "an instagram media item has no usable id");
            Require(seen.Add(media.Id), $"instagram media {media.Id} appears twice");
            Require(media.Timestamp.Year >= MessageSchema.FirstYear && media.Timestamp <= s.CapturedAt + MessageCodec.AllowedClockSkew,
                $"instagram media {media.Id} has an impossible timestamp");
            Require(media.Permalink is null || media.Permalink.Length <= MessageSchema.MaxPermalinkLength, $"the permalink of instagram media {media.Id} is too long");
            Require(media.MediaType is null || media.MediaType.Length <= 40, $"the media type of instagram media {media.Id} is too long");
            Require(media.ProductType is null || media.ProductType.Length <= 40, $"the product type of instagram media {media.Id} is too long");
            Count(media.Likes, $"the like count of instagram media {media.Id}");
            Count(media.Comments, $"the comment count of instagram media {media.Id}");
            Require(media.Metrics is null || media.Metrics.Keys.All(MetricNames.IsValid), $"instagram media {media.Id} has a metric without a valid name");
            foreach (var value in media.Metrics?.Values ?? [])
            {
                Count(value, $"a metric value of instagram media {media.Id}");
            }
        }

        var keys = new HashSet<(string, DateTimeOffset)>();
        foreach (var value in ig.Insights!)
        {
            Require(value is not null, "an instagram insight value is null");
            Require(MetricNames.IsValid(value!.Metric), "an instagram insight value has no valid metric name");
            Count(value.Value, $"the value of instagram insight {value.Metric}");
            Require(value.EndTime.Year >= MessageSchema.FirstYear && value.EndTime <= s.CapturedAt + MessageCodec.MaxInsightEndAhead,
                $"instagram insight {value.Metric} has an impossible end time {value.EndTime:O}");
            Require(keys.Add((value.Metric, value.EndTime)), $"instagram insight {value.Metric} at {value.EndTime:O} appears twice");
        }

        return ig.Media.Any(m => m.Caption is { Length: > MessageSchema.MaxMessageLength })
            ? s with { Instagram = ig with { Media = [.. ig.Media.Select(m => m with { Caption = MessageSchema.Cut(m.Caption, MessageSchema.MaxMessageLength) })] } }
            : s;
    }

    private static void Count(long? value, string what) =>
        Require(value is null or (>= 0 and <= MessageSchema.MaxCount), $"{what} ({value}) lies outside 0 to {MessageSchema.MaxCount}");

    private static void Require(bool condition, string reason)
    {
        if (!condition)
        {
            throw new InvalidMessageException(reason);
        }
    }
}

/// <summary>
/// The Instagram account linked to a Page on one local day (<c>instagram</c> of a Page's day summary; absent when the
/// Page has none or <c>Listening:Pages:N:Instagram</c> is <c>off</c>). Definitions as for the Page's fields: day gains
/// from end-of-day values, unknown is null. docs/summaries.md.
/// </summary>
public sealed record InstagramDaySummary
{
    public required string AccountId { get; init; }

    public string? Username { get; init; }

    /// <summary><c>followers_count</c> at the day's last observation, and the change against the end of the day before.</summary>
    public required CounterChange Followers { get; init; }

    /// <summary>Likes gained that day, summed over <see cref="Media"/>; null when a listed item's is unknown.</summary>
    public long? Likes { get; init; }

    public long? Comments { get; init; }

    public long? Saves { get; init; }

    public long? Shares { get; init; }

    public long? Views { get; init; }

    /// <summary>People reached for the first time that day, summed over <see cref="Media"/> (a sum over media, not unique people).</summary>
    public long? Reach { get; init; }

    /// <summary>Media published that day plus media that gained anything that day, newest first.</summary>
    public required IReadOnlyList<InstagramMediaDaySummary> Media { get; init; }

    /// <summary>Meta's daily account insights of Meta's day with this date, keyed by Graph's metric names, once that day is complete.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public MetaDaySummary? MetaDay { get; init; }
}

/// <summary>One Instagram media item on one local day: gains of the day and totals at its end (null when unknown).</summary>
public sealed record InstagramMediaDaySummary
{
    public required string Id { get; init; }

    /// <summary>Publication time in the summary's time zone.</summary>
    public required DateTimeOffset Timestamp { get; init; }

    public string? Permalink { get; init; }

    /// <summary>The first 140 characters of the caption.</summary>
    public required string Excerpt { get; init; }

    /// <summary>Graph's <c>media_type</c> as it is (<c>IMAGE</c>, <c>VIDEO</c>, <c>CAROUSEL_ALBUM</c>).</summary>
    public string? MediaType { get; init; }

    /// <summary>Graph's <c>media_product_type</c> as it is (<c>FEED</c>, <c>REELS</c>, <c>STORY</c>).</summary>
    public string? ProductType { get; init; }

    /// <summary>True when the media was published on this day.</summary>
    public bool New { get; init; }

    public long? Likes { get; init; }

    public long? LikesTotal { get; init; }

    public long? Comments { get; init; }

    public long? CommentsTotal { get; init; }

    public long? Saves { get; init; }

    /// <summary>Lifetime <c>saved</c> at the end of the day.</summary>
    public long? SavesTotal { get; init; }

    public long? Shares { get; init; }

    public long? SharesTotal { get; init; }

    public long? Views { get; init; }

    public long? ViewsTotal { get; init; }

    public long? Reach { get; init; }

    public long? ReachTotal { get; init; }
}
