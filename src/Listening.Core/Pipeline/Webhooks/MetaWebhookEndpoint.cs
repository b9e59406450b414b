using System.Security.Cryptography;
using System.Text;
using Azure;
using Listening.Core.Configuration;
using Listening.Core.Contracts;
using Listening.Core.Ingestion;
using Listening.Core.Meta;
using Listening.Core.Storage;
using Listening.Core.Summaries;
using Listening.Core.Telemetry;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Listening.Core.Pipeline.Webhooks;

/// <summary>
/// <c>api/webhooks/meta</c>, for any host (the Functions app, <c>listening serve</c>): Meta's verification
/// (<c>GET</c>) and its signed deliveries (<c>POST</c>). A delivery is checked on its raw bytes before anything is
/// parsed (401 without a valid <c>X-Hub-Signature-256</c>, 413 above 4 MB), its comment changes are put on the queue
/// <c>comments</c> in messages under the queue's size limit, and Meta gets its 200 at once; the triage runs behind the
/// queue. docs/comments.md describes the contract.
/// </summary>
public sealed partial class MetaWebhookEndpoint(
    IQueuePublisher queue,
    ICommentStore comments,
    PageDirectory pages,
    IOptions<ListeningOptions> options,
    TimeProvider time,
    ILogger<MetaWebhookEndpoint> logger)
{
    /// <summary>Meta batches up to 1,000 changes in one delivery; anything larger is refused with 413.</summary>
    public const int MaxBodyBytes = 4 * 1024 * 1024;

    /// <summary>Meta's challenges are short numbers; a longer one is no verification of ours.</summary>
    private const int MaxChallengeLength = 1000;

    /// <summary>GET: <c>hub.mode=subscribe</c> with the configured verify token answers the challenge; anything else 403.</summary>
    public HttpAnswer Verify(string? mode, string? verifyToken, string? challenge)
    {
        var expected = options.Value.Facebook.WebhookVerifyToken;
        if (mode != "subscribe" || string.IsNullOrEmpty(expected) || verifyToken is null || !SameSecret(verifyToken, expected)
            || string.IsNullOrEmpty(challenge) || challenge.Length > MaxChallengeLength)
        {
            LogVerificationRefused(logger, string.IsNullOrEmpty(expected) ? "Listening:Facebook:WebhookVerifyToken is not set" : "mode, verify token or challenge do not match");
            return HttpAnswer.Problem(403, "Nicht bestätigt", "Die Bestätigung des Webhooks ist fehlgeschlagen.");
        }

        LogVerified(logger);
        return new HttpAnswer(200, "text/plain; charset=utf-8", Encoding.UTF8.GetBytes(challenge)) { CacheControl = SummaryEndpoint.NoStore };
    }

    /// <summary>POST: a delivery of Meta, as raw bytes with its signature header.</summary>
    public async Task<HttpAnswer> ReceiveAsync(Stream body, long? contentLength, string? signature, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(body);
        if (contentLength > MaxBodyBytes)
        {
            return TooLarge();
        }

        var bytes = await ReadAsync(body, cancellationToken);
        if (bytes is null)
        {
            return TooLarge();
        }

        var appSecret = options.Value.Facebook.AppSecret;
        if (!WebhookSignature.IsValid(bytes, signature, appSecret))
        {
            LogSignatureRefused(logger, string.IsNullOrEmpty(appSecret) ? "Listening:Facebook:AppSecret is not set"
                : signature is null ? "no X-Hub-Signature-256 header" : "the signature does not match the body");
            return HttpAnswer.Problem(401, "Signatur ungültig", "Die Lieferung trägt keine gültige Signatur (X-Hub-Signature-256) und wurde nicht verarbeitet.");
        }

        var now = time.GetUtcNow();
        var parsed = WebhookDelivery.Parse(bytes, now);
        if (parsed.Error is not null)
        {
            LogUnreadable(logger, parsed.Error);
            return HttpAnswer.Problem(400, "Lieferung unlesbar", "Die Lieferung ist kein JSON-Objekt des Page-Webhooks.");
        }

        var events = new List<CommentEvent>();
        foreach (var e in parsed.Events)
        {
            if (await pages.IsConfiguredAsync(e.PageId, cancellationToken))
            {
                events.Add(e);
            }
        }

        var ignored = parsed.Ignored + (parsed.Events.Count - events.Count);

        // One odd change (an id a key cannot hold, a time far in the future) is dropped alone, not the delivery with it.
        var unusable = events.Select(e => MessageCodec.EventProblem(e, now)).Where(p => p is not null).ToList();
        if (unusable.Count > 0)
        {
            events = [.. events.Where(e => MessageCodec.EventProblem(e, now) is null)];
            ignored += unusable.Count;
            LogUnusable(logger, unusable.Count, unusable[0]!);
        }
        try
        {
            var envelope = new CommentBatch { Source = CommentSources.Webhook, ReceivedAt = now, Events = [] };
            var messages = 0;
            foreach (var message in MessageCodec.SplitComments(envelope, events))
            {
                await queue.PublishAsync(message, cancellationToken);
                messages++;
            }

            foreach (var pageId in events.Select(e => e.PageId).Distinct(StringComparer.Ordinal))
            {
                await comments.RecordWebhookEventAsync(pageId, now, cancellationToken);
            }

            ListeningTelemetry.CommentEventsReceived.Add(events.Count);
            ListeningTelemetry.WebhookChangesIgnored.Add(ignored);
            LogReceived(logger, events.Count, messages, ignored);
        }
        catch (RequestFailedException ex)
        {
            // Meta retries a failed delivery for 36 hours: nothing is lost when the queue is down for a while.
            LogQueueFailed(logger, ex.Status, ex.ErrorCode);
            return HttpAnswer.Problem(503, "Vorübergehend nicht verfügbar", "Die Lieferung konnte nicht angenommen werden; Meta stellt sie erneut zu.");
        }

        return new HttpAnswer(200, "text/plain; charset=utf-8", "EVENT_RECEIVED"u8.ToArray()) { CacheControl = SummaryEndpoint.NoStore };
    }

    /// <summary>The body, or null when it is longer than <see cref="MaxBodyBytes"/> (read no further than one byte past it).</summary>
    private static async Task<byte[]?> ReadAsync(Stream body, CancellationToken cancellationToken)
    {
        using var buffer = new MemoryStream();
        var chunk = new byte[81920];
        int read;
        while ((read = await body.ReadAsync(chunk, cancellationToken)) > 0)
        {
            if (buffer.Length + read > MaxBodyBytes)
            {
                return null;
            }

            buffer.Write(chunk, 0, read);
        }

        return buffer.ToArray();
    }

    private static bool SameSecret(string given, string expected) =>
        CryptographicOperations.FixedTimeEquals(SHA256.HashData(Encoding.UTF8.GetBytes(given)), SHA256.HashData(Encoding.UTF8.GetBytes(expected)));

    private HttpAnswer TooLarge()
    {
        LogTooLarge(logger, MaxBodyBytes);
        return HttpAnswer.Problem(413, "Lieferung zu groß", "Eine Lieferung darf höchstens 4 MB groß sein.");
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Webhook verification refused: {Reason}")]
    private static partial void LogVerificationRefused(ILogger logger, string reason);

    [LoggerMessage(Level = LogLevel.Information, Message = "Webhook verified by Meta")]
    private static partial void LogVerified(ILogger logger);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Webhook delivery refused with 401: {Reason}")]
    private static partial void LogSignatureRefused(ILogger logger, string reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Webhook delivery refused with 413: larger than {MaxBytes} bytes")]
    private static partial void LogTooLarge(ILogger logger, int maxBytes);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Signed webhook delivery refused with 400: {Reason}")]
    private static partial void LogUnreadable(ILogger logger, string reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Webhook delivery: {Count} comment changes dropped as unusable, e.g. {Reason}")]
    private static partial void LogUnusable(ILogger logger, int count, string reason);

    [LoggerMessage(Level = LogLevel.Information, Message = "Webhook delivery: {Events} comment events in {Messages} messages, {Ignored} changes ignored")]
    private static partial void LogReceived(ILogger logger, int events, int messages, int ignored);

    [LoggerMessage(Level = LogLevel.Error, Message = "Webhook delivery not queued (storage answered {Status} {ErrorCode}); Meta will retry it")]
    private static partial void LogQueueFailed(ILogger logger, int status, string? errorCode);
}
