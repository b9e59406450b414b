using System.Text.Json.Serialization;

namespace Listening.Core.Contracts;

/// <summary>
/// Comment events of one or more Pages (queue "comments"), from a Page webhook delivery or from the pull. Each event
/// stands alone, so a delivery of up to 1,000 changes is split into messages under the queue's size limit, and the
/// same event applied twice changes nothing. No author is carried: only whether the Page itself wrote the comment.
/// The text is carried for triage and dropped after it. Contract: docs/queue-messages.md.
/// </summary>
public sealed record CommentBatch
{
    public int Schema { get; init; } = MessageSchema.Current;

    /// <summary><c>webhook</c> or <c>pull</c>.</summary>
    public required string Source { get; init; }

    /// <summary>When the delivery arrived or the pull captured the comments.</summary>
    public required DateTimeOffset ReceivedAt { get; init; }

    public required IReadOnlyList<CommentEvent> Events { get; init; }

    /// <summary>W3C traceparent of the activity that sent the message: one trace from webhook to Teams.</summary>
    public string? TraceParent { get; init; }
}

/// <summary>One change of one comment, as Meta reported it (Page <c>feed</c> field, <c>item</c> = <c>comment</c>).</summary>
public sealed record CommentEvent
{
    public required string PageId { get; init; }

    public required string PostId { get; init; }

    public required string CommentId { get; init; }

    /// <summary>The post (a top-level comment) or the comment replied to.</summary>
    public string? ParentId { get; init; }

    public required CommentVerb Verb { get; init; }

    /// <summary>The comment's creation time (absent in some removal events).</summary>
    public DateTimeOffset? CreatedTime { get; init; }

    /// <summary>When Meta recorded the change (the delivery entry's <c>time</c>, or the capture time of a pull): orders edits, hides and unhides.</summary>
    public required DateTimeOffset EventTime { get; init; }

    /// <summary>True when the Page itself wrote it (a reply of the office). Nothing else about the author is kept.</summary>
    public bool ByPage { get; init; }

    /// <summary>The comment text for triage, cut to <see cref="MessageSchema.MaxCommentLength"/> characters; never stored.</summary>
    public string? Message { get; init; }

    /// <summary>A top-level comment: its parent is the post (or Meta gave none).</summary>
    [JsonIgnore]
    public bool IsTopLevel => ParentId is null || ParentId == PostId;
}

[JsonConverter(typeof(JsonStringEnumConverter<CommentVerb>))]
public enum CommentVerb
{
    [JsonStringEnumMemberName("add")]
    Add,

    [JsonStringEnumMemberName("edited")]
    Edited,

    [JsonStringEnumMemberName("remove")]
    Remove,

    [JsonStringEnumMemberName("hide")]
    Hide,

    [JsonStringEnumMemberName("unhide")]
    Unhide,
}

public static class CommentSources
{
    public const string Webhook = "webhook";

    public const string Pull = "pull";
}
