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
internal sealed partial class MessageJsonContext : JsonSerializerContext;
