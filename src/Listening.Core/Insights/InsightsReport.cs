using System.Text.Json.Serialization;

namespace Listening.Core.Insights;

/// <summary>
/// "What works": topics, formats, posting times and giveaways of the posts created in a period, from the data
/// Listening keeps (docs/insights.md defines every field). Every figure carries the number of posts it rests on.
/// </summary>
public sealed record InsightsReport
{
    public required DateOnly From { get; init; }

    public required DateOnly To { get; init; }

    public required string TimeZone { get; init; }

    public required DateTimeOffset GeneratedAt { get; init; }

    public bool Demo { get; init; }

    /// <summary>A posting-time cell shows figures only from this many posts on (<c>Listening:Insights:MinPostsPerCell</c>).</summary>
    public required int MinPostsPerCell { get; init; }

    public IReadOnlyList<PageInsights> Pages { get; init; } = [];
}

public sealed record PageInsights
{
    public required string PageId { get; init; }

    public required string Name { get; init; }

    /// <summary>All posts created in the period: the Page's medians, which every group is compared with.</summary>
    public required InsightFigures Page { get; init; }

    /// <summary>Per topic (a post with two topics counts in both; <c>topic</c> null: posts without a topic), by median reach.</summary>
    public IReadOnlyList<GroupInsights> Topics { get; init; } = [];

    /// <summary>Per format (photo, video, reel, link, text, event; null: not read), by median reach.</summary>
    public IReadOnlyList<GroupInsights> Formats { get; init; } = [];

    public required PostingTimeInsights PostingTime { get; init; }

    public IReadOnlyList<GiveawayInsights> Giveaways { get; init; } = [];

    /// <summary>Per month of creation: how many of the posts' images have a written alternative text.</summary>
    public IReadOnlyList<MonthAccessibility> Accessibility { get; init; } = [];
}

/// <summary>The images of one month's posts and their written alternative texts (posts whose images Meta told about).</summary>
public sealed record MonthAccessibility
{
    /// <summary>The month, <c>yyyy-MM</c>.</summary>
    public required string Month { get; init; }

    /// <summary>Posts with at least one image whose alternative texts are known: the figures rest on these.</summary>
    public required int Posts { get; init; }

    public required int Images { get; init; }

    public required int ImagesWithAltText { get; init; }

    /// <summary><see cref="ImagesWithAltText"/> / <see cref="Images"/>, a fraction (0.75 = 75 %).</summary>
    public required double Share { get; init; }

    /// <summary>Posts with at least one image without a written alternative text.</summary>
    public required int PostsLackingAltText { get; init; }
}

/// <summary>
/// Medians over posts: reach and interactions are lifetime totals at the post's last observation within 30 days of
/// its creation; the engagement rate is a post's interactions divided by its reach (a fraction, 0.034 = 3,4 %).
/// </summary>
public sealed record InsightFigures
{
    /// <summary>How many posts the figures rest on.</summary>
    public required int Posts { get; init; }

    /// <summary>How many of them have a known reach (the reach and engagement medians rest on these).</summary>
    public required int PostsWithReach { get; init; }

    public double? MedianReach { get; init; }

    public double? MedianInteractions { get; init; }

    public double? MedianEngagementRate { get; init; }
}

public sealed record GroupInsights
{
    /// <summary>The topic or format; null for posts without a topic, or whose format was not read.</summary>
    public string? Name { get; init; }

    public required InsightFigures Figures { get; init; }

    /// <summary>The group's median reach divided by the Page's (1.5 = half as much again); null when either is unknown or 0.</summary>
    public double? ReachVsPage { get; init; }

    /// <summary>The group's median engagement rate divided by the Page's; null when either is unknown or 0.</summary>
    public double? EngagementRateVsPage { get; init; }
}

/// <summary>Weekday x local hour of creation against what a post reached within 24 hours of its creation.</summary>
public sealed record PostingTimeInsights
{
    /// <summary>Posts with an observation within 24 hours of their creation: the cells rest on these.</summary>
    public required int Posts { get; init; }

    /// <summary>Posts of the period without such an observation (first seen later, e.g. by a backfill): not in any cell.</summary>
    public required int PostsWithoutFirstDay { get; init; }

    /// <summary>Every weekday and hour with at least one post, Monday first.</summary>
    public IReadOnlyList<PostingTimeCell> Cells { get; init; } = [];

    /// <summary>Up to three cells with at least <see cref="InsightsReport.MinPostsPerCell"/> posts, by median reach within 24 hours.</summary>
    public IReadOnlyList<PostingTimeCell> BestSlots { get; init; } = [];
}

public sealed record PostingTimeCell
{
    /// <summary>ISO weekday: 1 Monday … 7 Sunday.</summary>
    public required int Weekday { get; init; }

    /// <summary>Local hour of creation, 0–23.</summary>
    public required int Hour { get; init; }

    public required int Posts { get; init; }

    /// <summary>Median people reached within 24 hours of creation; null when the cell has too few posts or no reach.</summary>
    public double? MedianReach24h { get; init; }

    public double? MedianInteractions24h { get; init; }

    /// <summary>Whether the cell has enough posts for a figure; when false its figures are null.</summary>
    public required bool Enough { get; init; }
}

/// <summary>One giveaway post: its reach, followers gained in the 3 days after it and kept 30 days after it.</summary>
public sealed record GiveawayInsights
{
    public required string PostId { get; init; }

    /// <summary>Creation time in the report's time zone.</summary>
    public required DateTimeOffset CreatedTime { get; init; }

    public string? Excerpt { get; init; }

    public string? Permalink { get; init; }

    /// <summary>Always 1: each giveaway stands alone.</summary>
    public int Posts { get; init; } = 1;

    public long? Reach { get; init; }

    public long? Interactions { get; init; }

    public long? FollowersBefore { get; init; }

    public long? FollowersGained { get; init; }

    /// <summary>Of those gained, still following at the end of the 30th day after the post; null until then.</summary>
    public long? FollowersKept { get; init; }
}

[JsonSourceGenerationOptions(System.Text.Json.JsonSerializerDefaults.Web, WriteIndented = true)]
[JsonSerializable(typeof(InsightsReport))]
internal sealed partial class InsightsJsonContext : JsonSerializerContext;
