using System.Text.Json;
using Listening.Core.Contracts;

namespace Listening.Core.Meta;

/// <summary>
/// The comments of one post as the pull reads them (<see cref="GraphRequests.NewComments"/>):
/// <c>{"data":[{"id","created_time","message","from":{"id"},"parent":{"id"}}],"paging":{"next"}}</c>. Each becomes an
/// <c>add</c> event of the capture time, the same comment the webhook would deliver (same ids, so triage applies it
/// once). The author's id is read only to tell the Page's own replies; nothing else about the author is read.
/// </summary>
internal static class PostComments
{
    /// <summary>The comments created since <paramref name="since"/> in one page of the edge, and its next link (null at the end, or when the page reached older comments).</summary>
    public static (List<CommentEvent> Events, string? Next) Read(
        JsonElement edge, string pageId, string postId, DateTimeOffset since, DateTimeOffset capturedAt, CaptureFindings findings)
    {
        var events = new List<CommentEvent>();
        if (edge.ValueKind != JsonValueKind.Object || !edge.TryGetProperty("data", out var data) || data.ValueKind != JsonValueKind.Array)
        {
            return (events, null);
        }

        var reachedOlder = false;
        foreach (var item in data.EnumerateArray())
        {
            var id = item.ValueKind == JsonValueKind.Object && item.TryGetProperty("id", out var i) && i.ValueKind == JsonValueKind.String ? i.GetString() : null;
            var created = item.ValueKind == JsonValueKind.Object && item.TryGetProperty("created_time", out var c) && c.ValueKind == JsonValueKind.String
                // No later than the queue handler accepts (MessageCodec.EventProblem): one comment ahead of our clock
                // would park the whole message with the comments beside it.
                && GraphPayload.TryTime(c.GetString(), capturedAt + MessageCodec.AllowedClockSkew, out var t) ? t : (DateTimeOffset?)null;
            if (!MessageCodec.IsEventId(id) || created is null)
            {
                findings.Skip(new MalformedItem("comment of post " + GraphPayload.SafeId(postId), MessageCodec.IsEventId(id) ? "created_time" : "id"));
                continue;
            }

            if (created < since)
            {
                // Newest first: the rest is older than the last pull (Meta honoured since only roughly, or not at all).
                reachedOlder = true;
                continue;
            }

            var from = item.TryGetProperty("from", out var f) && f.ValueKind == JsonValueKind.Object && f.TryGetProperty("id", out var fid) ? fid.ToString() : null;
            var parent = item.TryGetProperty("parent", out var p) && p.ValueKind == JsonValueKind.Object && p.TryGetProperty("id", out var pid) && pid.ValueKind == JsonValueKind.String
                && MessageCodec.IsEventId(pid.GetString())
                ? pid.GetString()
                : null;
            events.Add(new CommentEvent
            {
                PageId = pageId,
                PostId = postId,
                CommentId = id,
                ParentId = parent ?? postId,
                Verb = CommentVerb.Add,
                CreatedTime = created,
                EventTime = capturedAt,
                ByPage = from == pageId,
                Message = MessageSchema.Cut(item.TryGetProperty("message", out var m) && m.ValueKind == JsonValueKind.String ? m.GetString() : null, MessageSchema.MaxCommentLength),
            });
        }

        var next = !reachedOlder && edge.TryGetProperty("paging", out var paging) && paging.ValueKind == JsonValueKind.Object
            && paging.TryGetProperty("next", out var n) && n.ValueKind == JsonValueKind.String && n.GetString() is { Length: > 0 } url
            ? url
            : null;
        return (events, next);
    }
}
