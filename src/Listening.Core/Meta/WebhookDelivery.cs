using System.Globalization;
using System.Text.Json;
using Listening.Core.Contracts;

namespace Listening.Core.Meta;

/// <summary>
/// Reads a signed Page webhook delivery:
/// <c>{"object":"page","entry":[{"id","time","changes":[{"field":"feed","value":{"item":"comment","verb",...}}]}]}</c>.
/// Comment changes (<c>add</c>, <c>edited</c>, <c>remove</c>, <c>hide</c>, <c>unhide</c>) become
/// <see cref="CommentEvent"/>s; every other change is counted and ignored. The author is read only to tell whether
/// the Page itself wrote the comment: the name and id go no further than this method.
/// </summary>
public static class WebhookDelivery
{
    /// <summary>The events of a delivery, or <see cref="WebhookParse.Invalid"/> when the body is no JSON object.</summary>
    public static WebhookParse Parse(ReadOnlySpan<byte> body, DateTimeOffset receivedAt)
    {
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(body.ToArray(), new JsonDocumentOptions { MaxDepth = 32 });
        }
        catch (JsonException)
        {
            return WebhookParse.Invalid("the body is not JSON");
        }

        using (document)
        {
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
            {
                return WebhookParse.Invalid("the body is not a JSON object");
            }

            if (Text(root, "object") != "page" || !root.TryGetProperty("entry", out var entries) || entries.ValueKind != JsonValueKind.Array)
            {
                // Another object (user, instagram, ...) or no entries: nothing for the Page triage.
                return new WebhookParse([], CountChanges(root), null);
            }

            var events = new List<CommentEvent>();
            var ignored = 0;
            foreach (var entry in entries.EnumerateArray())
            {
                var pageId = entry.ValueKind == JsonValueKind.Object ? Text(entry, "id") : null;
                var entryTime = Time(entry, "time") ?? receivedAt;
                if (pageId is null || !entry.TryGetProperty("changes", out var changes) || changes.ValueKind != JsonValueKind.Array)
                {
                    ignored += entry.ValueKind == JsonValueKind.Object && entry.TryGetProperty("changes", out var c) && c.ValueKind == JsonValueKind.Array ? c.GetArrayLength() : 1;
                    continue;
                }

                foreach (var change in changes.EnumerateArray())
                {
                    var comment = change.ValueKind == JsonValueKind.Object && Text(change, "field") == "feed"
                        && change.TryGetProperty("value", out var value) && value.ValueKind == JsonValueKind.Object
                        ? Comment(pageId, entryTime, value)
                        : null;
                    if (comment is null)
                    {
                        ignored++;
                    }
                    else
                    {
                        events.Add(comment);
                    }
                }
            }

            return new WebhookParse(events, ignored, null);
        }
    }

    private static CommentEvent? Comment(string pageId, DateTimeOffset entryTime, JsonElement value)
    {
        if (Text(value, "item") != "comment")
        {
            return null;
        }

        CommentVerb? verb = Text(value, "verb") switch
        {
            "add" => CommentVerb.Add,
            "edited" => CommentVerb.Edited,
            "remove" => CommentVerb.Remove,
            "hide" => CommentVerb.Hide,
            "unhide" => CommentVerb.Unhide,
            _ => null,
        };
        var commentId = Text(value, "comment_id");
        var postId = Text(value, "post_id");
        if (verb is null || commentId is null || postId is null)
        {
            return null;
        }

        var from = value.TryGetProperty("from", out var f) && f.ValueKind == JsonValueKind.Object ? Text(f, "id") : null;
        return new CommentEvent
        {
            PageId = pageId,
            PostId = postId,
            CommentId = commentId,
            ParentId = Text(value, "parent_id"),
            Verb = verb.Value,
            CreatedTime = Time(value, "created_time"),
            EventTime = entryTime,
            ByPage = from is not null && from == pageId,
            Message = MessageSchema.Cut(Text(value, "message"), MessageSchema.MaxCommentLength),
        };
    }

    private static int CountChanges(JsonElement root) =>
        root.TryGetProperty("entry", out var entries) && entries.ValueKind == JsonValueKind.Array
            ? entries.EnumerateArray().Sum(e => e.ValueKind == JsonValueKind.Object && e.TryGetProperty("changes", out var c) && c.ValueKind == JsonValueKind.Array ? c.GetArrayLength() : 1)
            : 0;

    /// <summary>A string property, or a number written as text (Meta sends ids as strings, but not everywhere).</summary>
    private static string? Text(JsonElement element, string name) =>
        element.ValueKind == JsonValueKind.Object && element.TryGetProperty(name, out var value)
            ? value.ValueKind switch
            {
                JsonValueKind.String => value.GetString() is { Length: > 0 } s ? s : null,
                JsonValueKind.Number => value.GetRawText(),
                _ => null,
            }
            : null;

    /// <summary>Unix seconds (webhooks) or a Graph time (<c>2026-11-27T08:00:00+0000</c>); anything else is absent.</summary>
    private static DateTimeOffset? Time(JsonElement element, string name)
    {
        // An entry may be anything in a signed body (null, a number): not an object has no time, and throws nothing.
        if (element.ValueKind != JsonValueKind.Object || !element.TryGetProperty(name, out var value))
        {
            return null;
        }

        var latest = DateTimeOffset.MaxValue; // the message codec checks the times against our clock
        if (GraphPayload.TryUnixTime(value, latest, out var time))
        {
            return time;
        }

        if (value.ValueKind == JsonValueKind.String)
        {
            var text = value.GetString();
            if (long.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var seconds)
                && seconds >= GraphPayload.Earliest.ToUnixTimeSeconds() && seconds < 32503680000)
            {
                return DateTimeOffset.FromUnixTimeSeconds(seconds);
            }

            if (GraphPayload.TryTime(text, latest, out time))
            {
                return time;
            }
        }

        return null;
    }
}

/// <summary>The comment events of a delivery, the number of changes ignored (other items or fields), or why the body cannot be read.</summary>
public sealed record WebhookParse(IReadOnlyList<CommentEvent> Events, int Ignored, string? Error)
{
    public static WebhookParse Invalid(string reason) => new([], 0, reason);
}
