namespace Listening.Core.Contracts;

/// <summary>What one pull cycle asks for one Page (queue "pulls"). Contract: docs/queue-messages.md.</summary>
public sealed record PullRequest
{
    public int Schema { get; init; } = MessageSchema.Current;

    public required string PageId { get; init; }

    public PullKind Kind { get; init; } = PullKind.Posts;

    /// <summary>When the schedule asked for the pull; the capture time is taken when the pull runs.</summary>
    public required DateTimeOffset RequestedAt { get; init; }

    /// <summary>
    /// Optional range (backfill, <c>listening sync --since</c>): for <c>insights</c> the first of Meta's days
    /// (Pacific time) to pull, for <c>posts</c> the first local day whose posts are pulled. Absent: the regular
    /// cycle (posts of the look-back window, Meta's days that may still change).
    /// </summary>
    public DateOnly? Since { get; init; }

    /// <summary>Last day of the range, inclusive; needs <see cref="Since"/>. An insights range spans at most 90 days.</summary>
    public DateOnly? Until { get; init; }

    /// <summary>W3C traceparent of the activity that sent the message: one trace from timer to Teams.</summary>
    public string? TraceParent { get; init; }
}

[System.Text.Json.Serialization.JsonConverter(typeof(System.Text.Json.Serialization.JsonStringEnumConverter<PullKind>))]
public enum PullKind
{
    /// <summary>Page fields (followers, likes) and every post of the look-back window with its counters.</summary>
    [System.Text.Json.Serialization.JsonStringEnumMemberName("posts")]
    Posts,

    /// <summary>Page insights (Meta's daily metrics).</summary>
    [System.Text.Json.Serialization.JsonStringEnumMemberName("insights")]
    Insights,
}

/// <summary>
/// What was observed of one Page at one moment (queue "snapshots"). Counters are cumulative, never increments,
/// so applying a snapshot twice or out of order changes nothing. A large post list is split into parts that
/// each stand alone. Contract: docs/queue-messages.md.
/// </summary>
public sealed record PageSnapshot
{
    public int Schema { get; init; } = MessageSchema.Current;

    public required string PageId { get; init; }

    public required string PageName { get; init; }

    /// <summary>True when the data comes from the embedded demo Page.</summary>
    public bool Demo { get; init; }

    public required DateTimeOffset CapturedAt { get; init; }

    public int Part { get; init; }

    public int Parts { get; init; } = 1;

    /// <summary>Page field <c>followers_count</c> at capture time.</summary>
    public long? Followers { get; init; }

    /// <summary>Page field <c>fan_count</c> ("Gefällt mir"-Angaben) at capture time.</summary>
    public long? Fans { get; init; }

    public IReadOnlyList<PostObservation> Posts { get; init; } = [];

    /// <summary>
    /// Meta's daily Page insights as Meta reported them at capture time, each under the metric name it came from.
    /// A value belongs to Meta's day ending at its <c>endTime</c> (Pacific midnight); it is final only when the
    /// capture is later than that. Absent in older messages.
    /// </summary>
    public IReadOnlyList<InsightValue> Insights { get; init; } = [];

    /// <summary>True when the snapshot comes from a backfill (<c>listening sync --since</c>): its posts carry
    /// today's totals of posts that may be months old (Meta keeps no history of reactions).</summary>
    public bool Backfill { get; init; }

    /// <summary>The Instagram account linked to the Page, as this pull saw it; absent without one (or when it is off).</summary>
    public InstagramObservation? Instagram { get; init; }

    /// <summary>Whether the snapshot carries the Page's own counters or posts (an insights-only snapshot does not).</summary>
    [System.Text.Json.Serialization.JsonIgnore]
    public bool HasObservations => Followers is not null || Fans is not null || Posts.Count > 0;

    /// <summary>Only Meta's daily values (a backfill window): it adds no observation of the day it was captured on.</summary>
    [System.Text.Json.Serialization.JsonIgnore]
    public bool IsInsightsOnly => !HasObservations && Insights.Count > 0;

    /// <summary>W3C traceparent of the activity that sent the message: one trace from timer to Teams.</summary>
    public string? TraceParent { get; init; }
}

/// <summary>One value of a daily Page insight metric (<c>period=day</c>).</summary>
public sealed record InsightValue
{
    /// <summary>The metric Meta reported the value under (e.g. <c>page_impressions</c> before its rename).</summary>
    public required string Metric { get; init; }

    /// <summary>Meta's <c>end_time</c>: the end of the Pacific day the value belongs to (07:00 or 08:00 UTC).</summary>
    public required DateTimeOffset EndTime { get; init; }

    public required long Value { get; init; }
}

/// <summary>One post's cumulative counters as seen at the snapshot's capture time.</summary>
public sealed record PostObservation
{
    public required string Id { get; init; }

    public required DateTimeOffset CreatedTime { get; init; }

    public string? Permalink { get; init; }

    /// <summary>The post text, cut to <see cref="MessageSchema.MaxMessageLength"/> characters.</summary>
    public string? Message { get; init; }

    public required ReactionCounts Reactions { get; init; }

    public long Comments { get; init; }

    public long Shares { get; init; }

    /// <summary>Lifetime post insights by the metric name Meta reported (e.g. <c>post_media_view</c>); absent when none were read.</summary>
    public IReadOnlyDictionary<string, long>? Metrics { get; init; }

    /// <summary>The post's format from its attachments (<see cref="PostFormats"/>); absent when they were not read.</summary>
    public string? Format { get; init; }

    /// <summary>Alternative texts and captions of the post's images and videos; absent for a post without either.</summary>
    public PostAccessibility? Accessibility { get; init; }

    /// <summary>The ids of the post's photos while the Graph client matches them to their alternative texts; never sent.</summary>
    [System.Text.Json.Serialization.JsonIgnore]
    internal IReadOnlyList<string>? PhotoIds { get; init; }
}

/// <summary>
/// Whether a post's images and videos can be perceived without seeing them (docs/insights.md, "Accessibility"):
/// <see cref="Images"/> counts the photos of the post's attachments (album photos included),
/// <see cref="ImagesWithAltText"/> those with a written alternative text (Meta's <c>alt_text_custom</c>; a generated
/// <c>alt_text</c> does not count), null when Meta did not tell; <see cref="VideoCaptions"/> null when the post has no
/// video or Meta does not tell.
/// </summary>
public sealed record PostAccessibility
{
    public int Images { get; init; }

    public int? ImagesWithAltText { get; init; }

    public bool? VideoCaptions { get; init; }

    /// <summary>Images known to lack a written alternative text.</summary>
    [System.Text.Json.Serialization.JsonIgnore]
    public int ImagesWithoutAltText => ImagesWithAltText is { } with ? Math.Max(0, Images - with) : 0;
}

/// <summary>Reactions by type, as Facebook counts them.</summary>
public sealed record ReactionCounts
{
    public static readonly ReactionCounts Zero = new();

    public long Like { get; init; }

    public long Love { get; init; }

    public long Care { get; init; }

    public long Haha { get; init; }

    public long Wow { get; init; }

    public long Sad { get; init; }

    public long Angry { get; init; }

    public long Total => Like + Love + Care + Haha + Wow + Sad + Angry;

    public static ReactionCounts operator +(ReactionCounts a, ReactionCounts b)
    {
        ArgumentNullException.ThrowIfNull(a);
        ArgumentNullException.ThrowIfNull(b);
        return new()
        {
            Like = a.Like + b.Like, Love = a.Love + b.Love, Care = a.Care + b.Care, Haha = a.Haha + b.Haha,
            Wow = a.Wow + b.Wow, Sad = a.Sad + b.Sad, Angry = a.Angry + b.Angry,
        };
    }

    public static ReactionCounts operator -(ReactionCounts a, ReactionCounts b)
    {
        ArgumentNullException.ThrowIfNull(a);
        ArgumentNullException.ThrowIfNull(b);
        return new()
        {
            Like = a.Like - b.Like, Love = a.Love - b.Love, Care = a.Care - b.Care, Haha = a.Haha - b.Haha,
            Wow = a.Wow - b.Wow, Sad = a.Sad - b.Sad, Angry = a.Angry - b.Angry,
        };
    }

    public ReactionCounts Add(ReactionCounts other) => this + other;

    public ReactionCounts Subtract(ReactionCounts other) => this - other;

    [System.Text.Json.Serialization.JsonIgnore]
    public bool AnyNegative => Like < 0 || Love < 0 || Care < 0 || Haha < 0 || Wow < 0 || Sad < 0 || Angry < 0;
}

/// <summary>A message for Teams (queue "notifications"): the card is built when the message is made.</summary>
public sealed record NotificationMessage
{
    public int Schema { get; init; } = MessageSchema.Current;

    /// <summary>Names the notification for dedupe: the same key is posted once per channel.</summary>
    public required string Key { get; init; }

    /// <summary>"digest" or an alert kind.</summary>
    public required string Kind { get; init; }

    /// <summary>Name of the configured channel; "default" is <c>Listening:Teams:WebhookUrl</c>.</summary>
    public string Channel { get; init; } = "default";

    /// <summary>
    /// A route (<c>Listening:Teams:Routes:{route}</c>) that replaces the kind's route when it is configured, e.g.
    /// <c>outside-office-hours</c> for comment alerts raised while the office is closed; absent for most messages.
    /// </summary>
    [System.Text.Json.Serialization.JsonIgnore(Condition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull)]
    public string? Route { get; init; }

    /// <summary>The Workflows payload: <c>{"type":"message","attachments":[...]}</c>.</summary>
    public required System.Text.Json.Nodes.JsonObject Payload { get; init; }

    /// <summary>W3C traceparent of the activity that sent the message: one trace from timer to Teams.</summary>
    public string? TraceParent { get; init; }
    /// <summary>Deliveries tried so far; a 429 or 5xx puts the message back on the queue with this one higher.</summary>
    public int Attempt { get; init; }

    /// <summary>Why the last try failed (set on retries and in the poison queue); never holds a webhook URL.</summary>
    public string? LastError { get; init; }
}

public static class MessageSchema
{
    public const int Current = 1;

    /// <summary>Post text is cut to this many characters (by the producer and again at decode); summaries show 140.</summary>
    public const int MaxMessageLength = 1000;

    /// <summary>A Page name is cut to this many characters at decode (Facebook allows 75).</summary>
    public const int MaxPageNameLength = 200;

    /// <summary>Page and post ids longer than this are parked (Facebook's are about 35 characters).</summary>
    public const int MaxIdLength = 128;

    /// <summary>A permalink longer than this is parked (Facebook's are about 80 characters).</summary>
    public const int MaxPermalinkLength = 2048;

    /// <summary>A notification key longer than this is parked.</summary>
    public const int MaxKeyLength = 1000;

    /// <summary>A notification kind or channel name longer than this is parked.</summary>
    public const int MaxNameLength = 100;

    /// <summary>Any count (followers, reactions, comments, shares, metric values) above this is parked.</summary>
    public const long MaxCount = 1_000_000_000_000;

    /// <summary>Times (capture, post creation, Meta's days, pull ranges) before this year are parked.</summary>
    public const int FirstYear = 2004;

    /// <summary>Comment text is cut to this many characters for triage (the start of a comment decides its category).</summary>
    public const int MaxCommentLength = 2000;

    /// <summary>A comment message holds at most this many events (a webhook delivery holds up to 1,000 changes).</summary>
    public const int MaxCommentEvents = 1000;

    /// <summary>The queue trigger base64-encodes; 64 KiB per message leaves 48 KiB of payload.</summary>
    public const int MaxPayloadBytes = 48 * 1024;

    /// <summary>The first <paramref name="length"/> characters, never ending on half a surrogate pair.</summary>
    public static string? Cut(string? text, int length)
    {
        if (text is null || text.Length <= length)
        {
            return text;
        }

        return char.IsHighSurrogate(text[length - 1]) ? text[..(length - 1)] : text[..length];
    }
}
