using System.Text.Json.Serialization;
using Listening.Core.Contracts;

namespace Listening.Core.Contracts;

/// <summary>
/// A report over consecutive days (a week, a month, at most 366 days) of one or more Pages, compared with the
/// period of the same length just before it. A public API (README, "Period JSON"), built from the stored daily
/// summaries only.
/// </summary>
public sealed record PeriodSummary
{
    [JsonConverter(typeof(IsoDateConverter))]
    public required DateOnly From { get; init; }

    [JsonConverter(typeof(IsoDateConverter))]
    public required DateOnly To { get; init; }

    /// <summary>Days from <see cref="From"/> to <see cref="To"/>, both included.</summary>
    public required int DayCount { get; init; }

    /// <summary>First day of the period of the same length just before this one.</summary>
    [JsonConverter(typeof(IsoDateConverter))]
    public required DateOnly PreviousFrom { get; init; }

    [JsonConverter(typeof(IsoDateConverter))]
    public required DateOnly PreviousTo { get; init; }

    public required string TimeZone { get; init; }

    public required bool Demo { get; init; }

    /// <summary>Capture time of the newest observation in the period.</summary>
    public required DateTimeOffset GeneratedAt { get; init; }

    public required IReadOnlyList<PagePeriodSummary> Pages { get; init; }
}

/// <summary>One Page over the period.</summary>
public sealed record PagePeriodSummary
{
    public required string PageId { get; init; }

    public required string Name { get; init; }

    public bool Demo { get; init; }

    public required PeriodCounter Followers { get; init; }

    public required PeriodCounter Likes { get; init; }

    public required PeriodTotals Totals { get; init; }

    /// <summary>The same totals over the previous period (<see cref="PeriodSummary.PreviousFrom"/> to <see cref="PeriodSummary.PreviousTo"/>).</summary>
    public required PeriodTotals PreviousTotals { get; init; }

    /// <summary>One row per day that has data, oldest first.</summary>
    public required IReadOnlyList<PeriodDay> Days { get; init; }

    /// <summary>Every post with something new in the period, its gains summed over the period, ranked by <see cref="TopPostBy"/>.</summary>
    public required IReadOnlyList<PeriodPost> Posts { get; init; }

    /// <summary>How <see cref="Posts"/> is ranked: <c>"reach"</c> or <c>"interactions"</c> (<c>Listening:Summaries:TopPostsBy</c>).</summary>
    public string TopPostBy { get; init; } = TopPostRanking.Reach;

    /// <summary>Follower and like milestones crossed in the period, in order.</summary>
    public required IReadOnlyList<Milestone> Milestones { get; init; }

    /// <summary>Topics of the period's posts (absent without topic rules).</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public IReadOnlyList<TopicSummary>? Topics { get; init; }

    /// <summary>Meta's day metrics of the days in the period that have them.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public IReadOnlyList<MetaDaySummary>? MetaDays { get; init; }

    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public IReadOnlyList<GiveawayFollowThrough>? Giveaways { get; init; }

    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public IReadOnlyList<SummaryAlert>? Alerts { get; init; }

    /// <summary>The Instagram account linked to the Page over the period (issue 14); absent when no day of the period or the one before has it, or it is off.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public InstagramPeriodSummary? Instagram { get; init; }
}

/// <summary>
/// The Page's linked Instagram account over a period: its followers as <see cref="PagePeriodSummary.Followers"/> are
/// for the Page, and its media's views and reach summed over the days (the day JSON's <c>instagram.views</c>/<c>reach</c>).
/// </summary>
public sealed record InstagramPeriodSummary
{
    /// <summary>The account of the period's last day that has one.</summary>
    public required string AccountId { get; init; }

    public string? Username { get; init; }

    public required PeriodCounter Followers { get; init; }

    /// <summary>The days' <c>instagram.views</c> summed; null when a day with the account has it unknown, or no day has the account.</summary>
    public long? Views { get; init; }

    public long? Reach { get; init; }

    /// <summary>The same sums over the previous period.</summary>
    public long? PreviousViews { get; init; }

    public long? PreviousReach { get; init; }
}

/// <summary>The linked Instagram account on one day of a period: the day JSON's <c>instagram.followers</c>, <c>views</c>, <c>reach</c>.</summary>
public sealed record InstagramPeriodDay
{
    public required CounterChange Followers { get; init; }

    public long? Views { get; init; }

    public long? Reach { get; init; }
}

/// <summary>
/// A counter over the period: at the start (end of the day before the period), at the end, the change, and the
/// change over the previous period. Null where no observation tells.
/// </summary>
public sealed record PeriodCounter(long? Start, long? End, long? Change, long? PreviousChange);

/// <summary>Sums over the days of a period that have data.</summary>
public sealed record PeriodTotals
{
    public static readonly PeriodTotals Empty = new() { Reactions = ReactionCounts.Zero };

    public required ReactionCounts Reactions { get; init; }

    public long Comments { get; init; }

    public long Shares { get; init; }

    /// <summary>Posts created in the period.</summary>
    public int NewPosts { get; init; }

    /// <summary>The days' <c>views</c> summed (each a sum over that day's listed posts); null when a day's is unknown.</summary>
    public long? Views { get; init; }

    /// <summary>The days' <c>reach</c> summed: people reached, a sum over posts and days, not unique people; null when a day's is unknown.</summary>
    public long? Reach { get; init; }

    /// <summary>How many days of the period have a stored summary.</summary>
    public int DaysWithData { get; init; }
}

/// <summary>One day of a period: the day's headline numbers.</summary>
public sealed record PeriodDay
{
    [JsonConverter(typeof(IsoDateConverter))]
    public required DateOnly Date { get; init; }

    public required CounterChange Followers { get; init; }

    public required CounterChange Likes { get; init; }

    public required ReactionCounts Reactions { get; init; }

    public required long Comments { get; init; }

    public required long Shares { get; init; }

    public required int NewPosts { get; init; }

    public int Observations { get; init; }

    /// <summary>The day's <c>views</c> (sum over its listed posts); null when unknown.</summary>
    public long? Views { get; init; }

    /// <summary>The day's <c>reach</c> (sum over its listed posts); null when unknown.</summary>
    public long? Reach { get; init; }

    /// <summary>The day's comment triage (questions, answered, median response time ...); absent when none was triaged.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public CommentTriage? CommentTriage { get; init; }

    /// <summary>The linked Instagram account that day (followers, views, reach); absent when the Page had none that day, or it is off.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public InstagramPeriodDay? Instagram { get; init; }
}

/// <summary>A post over the period: what it gained in the period, and its counters at the end of its last day in it.</summary>
public sealed record PeriodPost
{
    public required string Id { get; init; }

    public required DateTimeOffset CreatedTime { get; init; }

    public string? Permalink { get; init; }

    public required string Excerpt { get; init; }

    /// <summary>True when the post was created in the period.</summary>
    public bool New { get; init; }

    public required ReactionCounts Reactions { get; init; }

    public required long Comments { get; init; }

    public required long Shares { get; init; }

    public required ReactionCounts ReactionsTotal { get; init; }

    public required long CommentsTotal { get; init; }

    public required long SharesTotal { get; init; }

    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public IReadOnlyList<string>? Topics { get; init; }

    /// <summary>Views gained in the period: the days' <c>views</c> summed; null when a day's is unknown.</summary>
    public long? Views { get; init; }

    /// <summary>People reached for the first time in the period: the days' <c>reach</c> summed; null when a day's is unknown.</summary>
    public long? Reach { get; init; }

    /// <summary>Lifetime views at the end of the post's last day in the period.</summary>
    public long? ViewsTotal { get; init; }

    /// <summary>Lifetime unique reach at the end of the post's last day in the period.</summary>
    public long? ReachTotal { get; init; }

    /// <summary>The post's <c>engagementRate</c> at the end of its last day in the period (totals over <see cref="ReachTotal"/>).</summary>
    public double? EngagementRate { get; init; }

    [JsonIgnore]
    public long Interactions => Reactions.Total + Comments + Shares;
}

[JsonSourceGenerationOptions(System.Text.Json.JsonSerializerDefaults.Web, WriteIndented = true)]
[JsonSerializable(typeof(PeriodSummary))]
public sealed partial class PeriodJsonContext : JsonSerializerContext;
