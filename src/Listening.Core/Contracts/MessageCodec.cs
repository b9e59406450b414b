using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;
using Listening.Core.Configuration;

namespace Listening.Core.Contracts;

/// <summary>The one place queue messages are turned into bytes and back, with the checks a handler relies on.</summary>
public static class MessageCodec
{
    /// <summary>Capture times this far ahead of our clock are accepted (clock skew between instances).</summary>
    public static readonly TimeSpan AllowedClockSkew = TimeSpan.FromMinutes(10);

    /// <summary>Meta's value of a day still in progress ends at the next Pacific midnight: at most a day and a few hours ahead.</summary>
    public static readonly TimeSpan MaxInsightEndAhead = TimeSpan.FromDays(2);

    public static string Encode(PullRequest message) => JsonSerializer.Serialize(message, MessageJsonContext.Default.PullRequest);

    public static string Encode(PageSnapshot message) => JsonSerializer.Serialize(message, MessageJsonContext.Default.PageSnapshot);

    public static string Encode(NotificationMessage message) => JsonSerializer.Serialize(message, MessageJsonContext.Default.NotificationMessage);

    public static string Encode(CommentBatch message) => JsonSerializer.Serialize(message, MessageJsonContext.Default.CommentBatch);

    /// <summary>
    /// A comments message with the checks the triage relies on. Text is cut to <see cref="MessageSchema.MaxCommentLength"/>.
    /// The reasons never quote a comment's text.
    /// </summary>
    public static CommentBatch DecodeComments(string body, DateTimeOffset now)
    {
        Require(Encoding.UTF8.GetByteCount(body ?? "") <= MessageSchema.MaxPayloadBytes,
            $"the message is larger than {MessageSchema.MaxPayloadBytes} bytes");
        var message = Deserialize(body!, MessageJsonContext.Default.CommentBatch);
        CheckSchema(message.Schema);
        Require(message.Source is CommentSources.Webhook or CommentSources.Pull, "source is not one of webhook, pull");
        Require(message.ReceivedAt.Year >= MessageSchema.FirstYear, $"receivedAt {message.ReceivedAt:O} is before Facebook existed");
        Require(message.ReceivedAt <= now + AllowedClockSkew, $"receivedAt {message.ReceivedAt:O} lies in the future");
        Require(message.Events is not null, "events is missing");
        Require(message.Events!.Count <= MessageSchema.MaxCommentEvents, $"more than {MessageSchema.MaxCommentEvents} events");
        foreach (var e in message.Events)
        {
            Require(e is not null, "an event is null");
            var problem = EventProblem(e!, now);
            Require(problem is null, problem ?? "");
        }

        return message.Events.Any(e => e.Message is { Length: > MessageSchema.MaxCommentLength })
            ? message with { Events = [.. message.Events.Select(e => e with { Message = MessageSchema.Cut(e.Message, MessageSchema.MaxCommentLength) })] }
            : message;
    }

    /// <summary>
    /// Why one comment event cannot be applied (an id a key cannot hold, an unknown verb, an impossible time), or null.
    /// The webhook drops such events one by one before queuing, so one odd change never parks a whole delivery.
    /// </summary>
    public static string? EventProblem(CommentEvent e, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(e);
        foreach (var (id, what) in new[] { (e.PageId, "pageId"), (e.PostId, "postId"), (e.CommentId, "commentId") })
        {
            if (string.IsNullOrWhiteSpace(id))
            {
                return $"an event has no {what}";
            }

            if (id.Length > MessageSchema.MaxIdLength)
            {
                return $"an event's {what} is longer than {MessageSchema.MaxIdLength} characters";
            }

            if (!IsEventId(id))
            {
                return $"the {what} of an event contains characters an id cannot hold";
            }
        }

        if (e.ParentId is not null && (e.ParentId.Length > MessageSchema.MaxIdLength || !StorageKey.IsValid(e.ParentId)))
        {
            return $"the parentId of comment {e.CommentId} is not a valid id";
        }

        if (!Enum.IsDefined(e.Verb))
        {
            return $"comment {e.CommentId} has an unknown verb";
        }

        if (e.EventTime.Year < MessageSchema.FirstYear || e.EventTime > now + AllowedClockSkew)
        {
            return $"comment {e.CommentId} has an impossible event time {e.EventTime:O}";
        }

        return e.CreatedTime is { } created && (created.Year < MessageSchema.FirstYear || created > now + AllowedClockSkew)
            ? $"comment {e.CommentId} has an impossible creation time {created:O}"
            : null;
    }

    /// <summary>An id a comment event may carry: Meta's ids are digits joined by <c>_</c>; at most <see cref="MessageSchema.MaxIdLength"/>.</summary>
    public static bool IsEventId([System.Diagnostics.CodeAnalysis.NotNullWhen(true)] string? id) =>
        !string.IsNullOrWhiteSpace(id) && id.Length <= MessageSchema.MaxIdLength && StorageKey.IsValid(id)
        && id.All(c => char.IsAsciiLetterOrDigit(c) || c is '_' or '-' or '.');

    /// <summary>
    /// The events in messages that each stay under <see cref="MessageSchema.MaxPayloadBytes"/> and
    /// <see cref="MessageSchema.MaxCommentEvents"/>, in order; <paramref name="envelope"/> gives source and time.
    /// </summary>
    public static IEnumerable<CommentBatch> SplitComments(CommentBatch envelope, IReadOnlyList<CommentEvent> events)
    {
        ArgumentNullException.ThrowIfNull(envelope);
        ArgumentNullException.ThrowIfNull(events);
        // Room for the envelope (schema, source, time, a traceparent) and the separators.
        var budget = MessageSchema.MaxPayloadBytes - Encoding.UTF8.GetByteCount(Encode(envelope with { Events = [], TraceParent = new string('0', 64) })) - 16;
        var part = new List<CommentEvent>();
        var size = 0;
        foreach (var e in events)
        {
            var bytes = JsonSerializer.SerializeToUtf8Bytes(e, MessageJsonContext.Default.CommentEvent).Length + 1;
            if (part.Count > 0 && (size + bytes > budget || part.Count == MessageSchema.MaxCommentEvents))
            {
                yield return envelope with { Events = part };
                part = [];
                size = 0;
            }

            part.Add(e);
            size += bytes;
        }

        if (part.Count > 0)
        {
            yield return envelope with { Events = part };
        }
    }

    public static PullRequest DecodePull(string body, DateTimeOffset now)
    {
        var message = Deserialize(body, MessageJsonContext.Default.PullRequest);
        CheckSchema(message.Schema);
        Require(!string.IsNullOrWhiteSpace(message.PageId), "pageId is empty");
        CheckId(message.PageId, "pageId");
        Require(message.RequestedAt.Year >= MessageSchema.FirstYear, $"requestedAt {message.RequestedAt:O} is before Facebook existed");
        Require(message.RequestedAt <= now + AllowedClockSkew, $"requestedAt {message.RequestedAt:O} lies in the future");
        Require(message.Since is null || message.Since.Value.Year >= MessageSchema.FirstYear, $"since {IsoDate.Format(message.Since)} is before Facebook existed");
        Require(message.Until is null || message.Until.Value <= DateOnly.FromDateTime((now + TimeSpan.FromDays(1)).UtcDateTime),
            $"until {IsoDate.Format(message.Until)} lies in the future");
        Require(Enum.IsDefined(message.Kind), "kind is not one of posts, insights");
        Require(message.Until is null || message.Since is not null, "until is set without since");
        Require(message.Since is null || message.Until is null || message.Since <= message.Until, $"since {IsoDate.Format(message.Since)} lies after until {IsoDate.Format(message.Until)}");
        Require(message.Kind != PullKind.Insights || message.Since is null || message.Until is null
                || message.Until.Value.DayNumber - message.Since.Value.DayNumber < MetaCalendar.MaxWindowDays,
            $"an insights range spans at most {MetaCalendar.MaxWindowDays} days");
        return message;
    }

    public static PageSnapshot DecodeSnapshot(string body, DateTimeOffset now)
    {
        Require(Encoding.UTF8.GetByteCount(body) <= MessageSchema.MaxPayloadBytes,
            $"the message is larger than {MessageSchema.MaxPayloadBytes} bytes");
        var s = Deserialize(body, MessageJsonContext.Default.PageSnapshot);
        CheckSchema(s.Schema);
        Require(!string.IsNullOrWhiteSpace(s.PageId), "pageId is empty");
        Require(StorageKey.IsValid(s.PageId), "pageId contains characters a table key cannot hold");
        CheckId(s.PageId, "pageId");
        Require(s.CapturedAt <= now + AllowedClockSkew, $"capturedAt {s.CapturedAt:O} lies in the future");
        Require(s.CapturedAt.Year >= MessageSchema.FirstYear, $"capturedAt {s.CapturedAt:O} is before Facebook existed");
        Require(s.Followers is null or >= 0, "followers is negative");
        Require(s.Fans is null or >= 0, "fans is negative");
        CheckCount(s.Followers ?? 0, "followers");
        CheckCount(s.Fans ?? 0, "fans");
        Require(s.Parts >= 1, "parts is missing or 0");
        Require(s.Part >= 0 && s.Part < s.Parts, $"part {s.Part} of {s.Parts} is impossible");
        Require(s.Posts is not null, "posts is missing");
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var post in s.Posts!)
        {
            Require(post is not null, "a post is null");
            Require(!string.IsNullOrWhiteSpace(post!.Id), "a post has no id");
            CheckId(post.Id, "a post id");
            Require(StorageKey.IsValid(post.Id), $"post id {post.Id} contains characters a table key cannot hold");
            Require(seen.Add(post.Id), $"post {post.Id} appears twice");
            Require(post.Reactions is not null, $"post {post.Id} has no reactions");
            Require(!post.Reactions!.AnyNegative, $"post {post.Id} has a negative reaction count");
            Require(post.Comments >= 0, $"post {post.Id} has a negative comment count");
            Require(post.Shares >= 0, $"post {post.Id} has a negative share count");
            var r = post.Reactions;
            foreach (var count in (long[])[r.Like, r.Love, r.Care, r.Haha, r.Wow, r.Sad, r.Angry])
            {
                CheckCount(count, $"a reaction count of post {post.Id}");
            }

            CheckCount(post.Comments, $"the comment count of post {post.Id}");
            CheckCount(post.Shares, $"the share count of post {post.Id}");
            Require(post.CreatedTime.Year >= MessageSchema.FirstYear, $"post {post.Id} was created {post.CreatedTime:O}, before Facebook existed");
            Require(post.CreatedTime <= s.CapturedAt + AllowedClockSkew, $"post {post.Id} was created after the capture time");
            Require(post.Permalink is null || post.Permalink.Length <= MessageSchema.MaxPermalinkLength,
                $"the permalink of post {post.Id} is longer than {MessageSchema.MaxPermalinkLength} characters");
            Require(post.Metrics is null || post.Metrics.Values.All(v => v >= 0), $"post {post.Id} has a negative metric value");
            Require(post.Metrics is null || post.Metrics.Keys.All(MetricNames.IsValid), $"post {post.Id} has a metric without a valid name");
            foreach (var value in post.Metrics?.Values ?? [])
            {
                CheckCount(value, $"a metric value of post {post.Id}");
            }
        }

        // Post text is cut (only an excerpt is shown, topics read the start) and so is the Page name (shown only).
        s = s with
        {
            PageName = MessageSchema.Cut(s.PageName, MessageSchema.MaxPageNameLength)!,
            Posts = s.Posts.Any(p => p.Message is { Length: > MessageSchema.MaxMessageLength })
                ? [.. s.Posts.Select(p => p with { Message = MessageSchema.Cut(p.Message, MessageSchema.MaxMessageLength) })]
                : s.Posts,
        };

        // Older messages have no insights; the source-generated reader leaves a missing init-only list null.
        s = s.Insights is null ? s with { Insights = [] } : s;
        var insightKeys = new HashSet<(string, DateTimeOffset)>();
        foreach (var value in s.Insights)
        {
            Require(value is not null, "an insight value is null");
            Require(MetricNames.IsValid(value!.Metric), "an insight value has no valid metric name");
            Require(value.Value >= 0, $"insight {value.Metric} has a negative value");
            CheckCount(value.Value, $"the value of insight {value.Metric}");
            Require(value.EndTime.Year >= MessageSchema.FirstYear && value.EndTime <= s.CapturedAt + MaxInsightEndAhead,
                $"insight {value.Metric} has an impossible end time {value.EndTime:O}");
            Require(insightKeys.Add((value.Metric, value.EndTime)), $"insight {value.Metric} at {value.EndTime:O} appears twice");
        }

        return InstagramChecks.Check(s);
    }

    public static NotificationMessage DecodeNotification(string body)
    {
        var message = Deserialize(body, MessageJsonContext.Default.NotificationMessage);
        CheckSchema(message.Schema);
        Require(!string.IsNullOrWhiteSpace(message.Key), "key is empty");
        Require(!string.IsNullOrWhiteSpace(message.Channel), "channel is empty");
        Require(message.Key.Length <= MessageSchema.MaxKeyLength, $"key is longer than {MessageSchema.MaxKeyLength} characters");
        Require(message.Kind.Length <= MessageSchema.MaxNameLength, $"kind is longer than {MessageSchema.MaxNameLength} characters");
        Require(message.Channel.Length <= MessageSchema.MaxNameLength, $"channel is longer than {MessageSchema.MaxNameLength} characters");
        Require(message.Route is null || message.Route.Length <= MessageSchema.MaxNameLength, $"route is longer than {MessageSchema.MaxNameLength} characters");
        Require(message.Attempt >= 0, "attempt is negative");
        Require(message.Payload is not null, "payload is missing");
        return message;
    }

    private static T Deserialize<T>(string body, System.Text.Json.Serialization.Metadata.JsonTypeInfo<T> type)
        where T : class
    {
        if (string.IsNullOrWhiteSpace(body))
        {
            throw new InvalidMessageException("the message is empty");
        }

        try
        {
            // Two values for one key leave it open which one counts: any object of the message, the free-form
            // notification payload included, holds each key once.
            using (JsonDocument.Parse(body, new JsonDocumentOptions { AllowDuplicateProperties = false }))
            {
            }

            return JsonSerializer.Deserialize(body, type) ?? throw new InvalidMessageException("the message is JSON null");
        }
        catch (JsonException ex)
        {
            // JsonException messages name the path and position but never echo values, so they are safe to log.
            throw new InvalidMessageException($"the message is not valid {typeof(T).Name} JSON: {ex.Message}");
        }
    }

    /// <summary>Counts beyond this (a trillion) are never real: Facebook has about three billion users.</summary>
    private static void CheckCount(long value, string what) =>
        Require(value is >= 0 and <= MessageSchema.MaxCount, $"{what} ({value}) lies outside 0 to {MessageSchema.MaxCount}");

    private static void CheckId(string id, string what) =>
        Require(id.Length <= MessageSchema.MaxIdLength, $"{what} is longer than {MessageSchema.MaxIdLength} characters");

    private static void CheckSchema(int schema) =>
        Require(schema == MessageSchema.Current, $"schema {schema} is not supported (this version reads schema {MessageSchema.Current})");

    private static void Require(bool condition, string reason)
    {
        if (!condition)
        {
            throw new InvalidMessageException(reason);
        }
    }
}

/// <summary>A queue message that can never be processed: it goes to the poison queue, with this reason logged.</summary>
public sealed class InvalidMessageException : Exception
{
    public InvalidMessageException(string reason)
        : base(reason)
    {
    }

    public InvalidMessageException()
    {
    }

    public InvalidMessageException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}

[JsonSourceGenerationOptions(JsonSerializerDefaults.Web,
    DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    RespectRequiredConstructorParameters = true,
    RespectNullableAnnotations = true,
    AllowOutOfOrderMetadataProperties = true)]
[JsonSerializable(typeof(PullRequest))]
[JsonSerializable(typeof(PageSnapshot))]
[JsonSerializable(typeof(NotificationMessage))]
[JsonSerializable(typeof(CommentBatch))]
internal sealed partial class MessageJsonContext : JsonSerializerContext;
