using Listening.Core.Configuration;
using Listening.Core.Contracts;

namespace Listening.Core.Meta;

/// <summary>Where a Page's counters come from: the Graph API, or the embedded demo Page.</summary>
public interface IPageSource
{
    /// <summary>The Page as the plan asks for it, or why not (<see cref="PullResult"/>); throws only for faults of our own.</summary>
    Task<PullResult> CaptureAsync(PageOptions page, PullPlan plan, CancellationToken cancellationToken);
}

/// <summary>
/// What one pull asks of a Page. The regular cycle (<see cref="Regular"/>) reads Page fields, the posts of the
/// look-back window and Meta's days that may still change, in one batch request; a backfill asks for ranges.
/// </summary>
public sealed record PullPlan
{
    /// <summary>Page fields (<c>name</c>, <c>followers_count</c>, <c>fan_count</c>).</summary>
    public bool PageFields { get; init; } = true;

    /// <summary>Read posts: created in [<see cref="PostsSince"/>, <see cref="PostsUntil"/>), or the look-back window when both are null.</summary>
    public bool Posts { get; init; } = true;

    public DateTimeOffset? PostsSince { get; init; }

    public DateTimeOffset? PostsUntil { get; init; }

    /// <summary>Meta's days (Pacific) of Page insights to read, inclusive; none when null.</summary>
    public (DateOnly From, DateOnly To)? Insights { get; init; }

    /// <summary>Metrics Meta rejected before: not asked for again.</summary>
    public IReadOnlyCollection<string> RejectedMetrics { get; init; } = [];

    /// <summary>
    /// Read the comments created since then on the posts read (a field expansion of the posts, no request per post):
    /// the fallback for Pages without a webhook subscription. None when null.
    /// </summary>
    public DateTimeOffset? CommentsSince { get; init; }

    /// <summary>Ask <c>debug_token</c> about the token in the same batch.</summary>
    public bool CheckToken { get; init; }

    /// <summary>Label the snapshot as a backfill.</summary>
    public bool Backfill { get; init; }

    /// <summary>Find the Page's linked Instagram account and read it in the same cycle (<c>Listening:Pages:N:Instagram</c> = auto).</summary>
    public bool Instagram { get; init; }

    public static PullPlan Regular => new();
}

/// <summary>Everything one pull saw of a Page at one moment.</summary>
public sealed record PageCapture
{
    public required string PageId { get; init; }

    public required string PageName { get; init; }

    public bool Demo { get; init; }

    public required DateTimeOffset CapturedAt { get; init; }

    public long? Followers { get; init; }

    public long? Fans { get; init; }

    public IReadOnlyList<PostObservation> Posts { get; init; } = [];

    /// <summary>Meta's daily Page insights, under the metric names Meta reported.</summary>
    public IReadOnlyList<InsightValue> Insights { get; init; } = [];

    /// <summary>The last of Meta's days whose insights this pull read (null when it read none).</summary>
    public DateOnly? InsightsThrough { get; init; }

    /// <summary>Metrics Meta rejected during this pull (code 100); the pull went on without them.</summary>
    public IReadOnlyList<string> RejectedMetrics { get; init; } = [];

    /// <summary><c>debug_token</c>'s answer, when the plan asked for it.</summary>
    public TokenStatus? Token { get; init; }

    /// <summary>The highest usage Meta reported during the pull.</summary>
    public GraphUsage Usage { get; init; } = GraphUsage.None;

    public int HttpRequests { get; init; }

    public int GraphCalls { get; init; }

    public bool Backfill { get; init; }

    /// <summary>Malformed items Meta sent (a post without <c>created_time</c>, a count of 1e20): skipped, the rest was read.</summary>
    public IReadOnlyList<MalformedItem> Skipped { get; init; } = [];

    /// <summary>Why the paging of posts stopped before its end (a repeated cursor, the page limit), if it did.</summary>
    public string? PagingStopped { get; init; }

    /// <summary>The linked Instagram account as read (null when the plan did not ask, the Page has none, or it could not be read).</summary>
    public Contracts.InstagramObservation? Instagram { get; init; }

    /// <summary>What the pull found about Instagram, in our words, for health (null when the plan did not ask).</summary>
    public string? InstagramNote { get; init; }

    /// <summary>
    /// The comments read since <see cref="PullPlan.CommentsSince"/> (verb <c>add</c>; no author, only whether the Page
    /// wrote it). They go to the queue <c>comments</c>, never into the snapshot or its archive.
    /// </summary>
    public IReadOnlyList<CommentEvent> Comments { get; init; } = [];
}
