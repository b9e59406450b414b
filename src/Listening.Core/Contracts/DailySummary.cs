using System.Text.Json.Serialization;
using Listening.Core.Contracts;
using Listening.Core.Storage;

namespace Listening.Core.Contracts;

/// <summary>
/// The daily summary of one or more Pages: a public API (README, "Summary JSON"). Field names and meanings are
/// stable; new fields may be added.
/// </summary>
public sealed record DailySummary
{
    [JsonConverter(typeof(IsoDateConverter))]
    public required DateOnly Date { get; init; }

    public required string TimeZone { get; init; }

    public required bool Demo { get; init; }

    /// <summary>Capture time of the newest observation the summary is built from (so equal data gives equal output).</summary>
    public required DateTimeOffset GeneratedAt { get; init; }

    public required IReadOnlyList<PageDaySummary> Pages { get; init; }
}

/// <summary>One Page on one local calendar day.</summary>
public sealed record PageDaySummary
{
    public required string PageId { get; init; }

    public required string Name { get; init; }

    public bool Demo { get; init; }

    [JsonConverter(typeof(IsoDateConverter))]
    public required DateOnly Date { get; init; }

    public required DateTimeOffset GeneratedAt { get; init; }

    /// <summary>Followers (<c>followers_count</c>) at the last observation of the day, and the change against the day before.</summary>
    public required CounterChange Followers { get; init; }

    /// <summary>Page likes (<c>fan_count</c>, "Gefällt mir"-Angaben) the same way.</summary>
    public required CounterChange Likes { get; init; }

    /// <summary>Reactions gained that day, over all posts.</summary>
    public required ReactionCounts Reactions { get; init; }

    public required long Comments { get; init; }

    public required long Shares { get; init; }

    /// <summary>Posts created that day plus posts that gained anything that day, newest first.</summary>
    public required IReadOnlyList<PostDaySummary> Posts { get; init; }

    /// <summary>How many observations (pulls) of the Page the day has.</summary>
    public int Observations { get; init; }

    /// <summary>
    /// Views gained that day, summed over the posts listed in <see cref="Posts"/> (a sum over posts, not Meta's Page
    /// views); null when a listed post's <c>views</c> is unknown.
    /// </summary>
    public long? Views { get; init; }

    /// <summary>
    /// People reached for the first time that day, summed over the posts listed in <see cref="Posts"/>: a sum over
    /// posts, not unique people (one person reached by two posts counts twice); null when a listed post's
    /// <c>reach</c> is unknown.
    /// </summary>
    public long? Reach { get; init; }

    /// <summary>How the top posts are ranked: <c>"reach"</c> or <c>"interactions"</c> (<c>Listening:Summaries:TopPostsBy</c>).</summary>
    public string TopPostBy { get; init; } = TopPostRanking.Reach;

    /// <summary>Per topic: posts, reactions, comments and shares of the day (filled by the topic rules; absent without them).</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public IReadOnlyList<TopicSummary> Topics { get; init; } = [];

    /// <summary>Meta's own day metrics (Meta's day, Pacific time) with the same date, once that day is complete.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public MetaDaySummary? MetaDay { get; init; }

    /// <summary>The Instagram account linked to the Page on this day; absent when none, or when it is off.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public InstagramDaySummary? Instagram { get; init; }

    /// <summary>Giveaway follow-through whose 30 days end on this day.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public IReadOnlyList<GiveawayFollowThrough> Giveaways { get; init; } = [];

    /// <summary>Alerts raised for the Page on this day.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public IReadOnlyList<SummaryAlert>? Alerts { get; init; }

    /// <summary>The previous day's totals, for the change against it (added when the summary is served, not stored).</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public DayTotals? PreviousDay { get; init; }

    /// <summary>Follower and like milestones crossed on this day (added when the summary is served, not stored).</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public IReadOnlyList<Milestone>? Milestones { get; init; }

    /// <summary>Triage of the top-level comments created this local day (absent when none was triaged).</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public CommentTriage? CommentTriage { get; init; }

    /// <summary>
    /// The day's questions, urgent and abusive comments with links to them: no author, no text. Kept for
    /// <c>Listening:Comments:RetentionDays</c>; after that the retention rebuilds the summary without them.
    /// </summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public IReadOnlyList<TrackedComment>? TrackedComments { get; init; }
}

/// <summary>
/// <c>{"questions","urgent","abusive","answered","unanswered","medianResponseMinutes"}</c>: top-level comments by
/// category; a question is answered when the Page replied in its thread (<c>answered + unanswered = questions</c>);
/// the median runs over the answered questions to the Page's first reply (null when none was answered).
/// </summary>
public sealed record CommentTriage
{
    public int Questions { get; init; }

    public int Urgent { get; init; }

    public int Abusive { get; init; }

    public int Answered { get; init; }

    public int Unanswered { get; init; }

    public double? MedianResponseMinutes { get; init; }
}

/// <summary>A question, urgent or abusive comment of the day: where it is, when it came, whether the Page answered.</summary>
public sealed record TrackedComment
{
    public required string CommentId { get; init; }

    public required string PostId { get; init; }

    /// <summary><c>frage</c>, <c>dringend</c> or <c>beleidigung</c>.</summary>
    public required string Category { get; init; }

    /// <summary>Creation time in the summary's time zone.</summary>
    public required DateTimeOffset CreatedTime { get; init; }

    public DateTimeOffset? AnsweredAt { get; init; }

    public bool Hidden { get; init; }

    /// <summary>Opens the comment on Facebook.</summary>
    public required string Link { get; init; }
}

/// <summary>A topic's share of a day or period: <c>{"topic","posts","reactions","comments","shares"}</c>.</summary>
public sealed record TopicSummary(string Topic, int Posts, long Reactions, long Comments, long Shares);

/// <summary>
/// Meta's insight values for Meta's day (midnight to midnight America/Los_Angeles) with this date. <c>sources</c>
/// names the metric a value really came from where it came through an alias (a metric Meta renamed).
/// </summary>
public sealed record MetaDaySummary
{
    [JsonConverter(typeof(IsoDateConverter))]
    public required DateOnly Date { get; init; }

    public required IReadOnlyDictionary<string, long> Metrics { get; init; }

    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public IReadOnlyDictionary<string, string>? Sources { get; init; }
}

/// <summary>What a giveaway post did for the follower count: gained in the 3 days after it, still there 30 days later.</summary>
public sealed record GiveawayFollowThrough
{
    public required string PostId { get; init; }

    /// <summary>Creation time in the summary's time zone.</summary>
    public DateTimeOffset? CreatedTime { get; init; }

    public string? Excerpt { get; init; }

    public string? Permalink { get; init; }

    /// <summary>Followers at the end of the day before the post.</summary>
    public long? FollowersBefore { get; init; }

    /// <summary>Followers at the end of the third day after the post's day.</summary>
    public long? FollowersAfter3Days { get; init; }

    /// <summary>Followers gained in the 3 days after the post.</summary>
    public long? FollowersGained { get; init; }

    /// <summary>Followers at the end of the 30th day after the post's day.</summary>
    public long? FollowersAfter30Days { get; init; }

    /// <summary>How many of those gained were still following 30 days after the post (net, at most the gain).</summary>
    public long? FollowersRetained { get; init; }

    /// <summary>
    /// People the giveaway post had reached (lifetime unique reach) at its last observation up to the end of the third
    /// day after the post's day; null when that observation did not carry reach.
    /// </summary>
    public long? ReachAfter3Days { get; init; }
}

/// <summary>An alert of the day in plain German (kind: milestone, takeoff, negative, crisis, token, metric, stalled ...).</summary>
public sealed record SummaryAlert(string Kind, string Text, DateTimeOffset? At = null);

/// <summary>A day's own totals, as the next day compares itself with them.</summary>
public sealed record DayTotals
{
    [JsonConverter(typeof(IsoDateConverter))]
    public required DateOnly Date { get; init; }

    public required long Reactions { get; init; }

    public required long Comments { get; init; }

    public required long Shares { get; init; }

    public required int NewPosts { get; init; }

    /// <summary>The day's <c>reach</c> (sum over its listed posts); absent when unknown.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public long? Reach { get; init; }

    /// <summary>Meta's Page reach (<c>page_total_media_view_unique</c>) of Meta's day with the day's date; absent when not complete or not reported.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public long? MetaReach { get; init; }
}

/// <summary>A round number of followers or likes ("followers" or "likes") passed on a day.</summary>
public sealed record Milestone(string Kind, long Threshold, [property: JsonConverter(typeof(IsoDateConverter))] DateOnly Date);

/// <summary>A counter at the end of the day and its change against the end of the previous day (null when unknown).</summary>
public sealed record CounterChange(long? End, long? Change);

public sealed record PostDaySummary
{
    public required string Id { get; init; }

    /// <summary>Creation time in the summary's time zone.</summary>
    public required DateTimeOffset CreatedTime { get; init; }

    public string? Permalink { get; init; }

    /// <summary>The first 140 characters of the post text.</summary>
    public required string Excerpt { get; init; }

    /// <summary>Reactions gained that day.</summary>
    public required ReactionCounts Reactions { get; init; }

    /// <summary>Reactions at the end of the day (cumulative).</summary>
    public required ReactionCounts ReactionsTotal { get; init; }

    public required long Comments { get; init; }

    public required long CommentsTotal { get; init; }

    public required long Shares { get; init; }

    public required long SharesTotal { get; init; }

    /// <summary>True when the post was created on this day.</summary>
    public bool New { get; init; }

    /// <summary>Views gained that day: <see cref="ViewsTotal"/> minus the same at the end of the previous day; null when either is unknown.</summary>
    public long? Views { get; init; }

    /// <summary>Lifetime views at the end of the day (<c>post_media_view</c>); null when no observation of the day carried it.</summary>
    public long? ViewsTotal { get; init; }

    /// <summary>
    /// People reached for the first time that day: <see cref="ReachTotal"/> minus the same at the end of the previous
    /// day (negative when Meta revised it down); null when either is unknown.
    /// </summary>
    public long? Reach { get; init; }

    /// <summary>Lifetime unique reach (people reached) at the end of the day (<c>post_total_media_view_unique</c>); null when no observation of the day carried it.</summary>
    public long? ReachTotal { get; init; }

    /// <summary>
    /// (reactions + comments + shares, totals at the end of the day) / <see cref="ReachTotal"/>, a fraction (0.034, not
    /// 3.4 %) rounded to 4 decimals; null without a known, positive reach.
    /// </summary>
    public double? EngagementRate { get; init; }

    /// <summary>
    /// Which metric delivered <c>views</c> or <c>reach</c> when it was not the series' own name but an old or new name
    /// through the alias map (<c>{"reach":"post_impressions_unique"}</c>); absent otherwise.
    /// </summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public IReadOnlyDictionary<string, string>? Sources { get; init; }

    /// <summary>Topics the rules found in the post (absent without topic rules).</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public IReadOnlyList<string> Topics { get; init; } = [];

    /// <summary>
    /// The post's images and videos: <c>{"images","imagesWithAltText","videoCaptions"}</c> (<see cref="PostAccessibility"/>);
    /// null for a post without images or videos, or when it was not read.
    /// </summary>
    public PostAccessibility? Accessibility { get; init; }

    /// <summary>Triage of the post's top-level comments created this day (absent when none was triaged).</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public CommentTriage? CommentTriage { get; init; }
}

/// <summary>How the top posts of a day or period are ranked (<c>topPostBy</c>, <c>Listening:Summaries:TopPostsBy</c>).</summary>
public static class TopPostRanking
{
    /// <summary>By people reached (<c>reach</c> of the day, of the period), then interactions.</summary>
    public const string Reach = "reach";

    /// <summary>By reactions + comments + shares, then reach.</summary>
    public const string Interactions = "interactions";

    public static bool IsValid(string? value) => value is Reach or Interactions;

    /// <summary>
    /// (reactions + comments + shares) / reach as a fraction rounded to 4 decimals; null without a known, positive reach.
    /// </summary>
    public static double? EngagementRate(long interactions, long? reach) =>
        reach is > 0 ? Math.Round((double)interactions / reach.Value, 4, MidpointRounding.AwayFromZero) : null;

    /// <summary>
    /// The top <paramref name="count"/> posts by <paramref name="by"/>: by reach, posts that reached someone or drew an
    /// interaction, most people reached first (unknown reach last), then interactions; by interactions, posts that drew
    /// one, most first, then reach. Ties go to the newer post, then the smaller id. The day page, the period report and
    /// the digest pick the same way.
    /// </summary>
    public static IReadOnlyList<T> Top<T>(
        IEnumerable<T> posts, string by, int count, Func<T, long> interactions, Func<T, long?> reach, Func<T, DateTimeOffset> created, Func<T, string> id)
    {
        ArgumentNullException.ThrowIfNull(posts);
        long Reached(T post) => reach(post) ?? -1;
        var ordered = by == Interactions
            ? posts.Where(p => interactions(p) > 0).OrderByDescending(interactions).ThenByDescending(Reached)
            : posts.Where(p => Reached(p) > 0 || interactions(p) > 0).OrderByDescending(Reached).ThenByDescending(interactions);
        return [.. ordered.ThenByDescending(p => created(p).UtcTicks).ThenBy(id, StringComparer.Ordinal).Take(count)];
    }

    public static IReadOnlyList<PostDaySummary> Top(PageDaySummary page, int count)
    {
        ArgumentNullException.ThrowIfNull(page);
        return Top(page.Posts, page.TopPostBy, count, p => p.Reactions.Total + p.Comments + p.Shares, p => p.Reach, p => p.CreatedTime, p => p.Id);
    }
}

/// <summary>Dates as <see cref="IsoDate"/> writes them.</summary>
public sealed class IsoDateConverter : JsonConverter<DateOnly>
{
    public override DateOnly Read(ref System.Text.Json.Utf8JsonReader reader, Type typeToConvert, System.Text.Json.JsonSerializerOptions options) =>
        IsoDate.Parse(reader.GetString()!);

    public override void Write(System.Text.Json.Utf8JsonWriter writer, DateOnly value, System.Text.Json.JsonSerializerOptions options)
    {
        ArgumentNullException.ThrowIfNull(writer);
        writer.WriteStringValue(IsoDate.Format(value));
    }
}

[JsonSourceGenerationOptions(System.Text.Json.JsonSerializerDefaults.Web, WriteIndented = true)]
[JsonSerializable(typeof(DailySummary))]
[JsonSerializable(typeof(PageDaySummary))]
public sealed partial class SummaryJsonContext : JsonSerializerContext;
