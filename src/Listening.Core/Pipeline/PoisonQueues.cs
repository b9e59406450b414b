using System.Text;
using System.Text.Json;
using Azure;
using Azure.Storage.Queues;
using Listening.Core.Configuration;
using Listening.Core.Storage;
using Microsoft.Extensions.Azure;
using Microsoft.Extensions.Options;

namespace Listening.Core.Pipeline;

/// <summary>
/// What <c>listening poison list</c> and <c>listening poison retry</c> do: show what sits in the poison queues and
/// why, and requeue it after a fix. Poison queues are read without decoding, because the host also parks
/// messages that are not base64 (the trigger cannot read them); retry sends those base64-encoded. Runbook:
/// docs/operations.md.
/// </summary>
public sealed class PoisonQueues(
    IAzureClientFactory<QueueServiceClient> clients,
    QueuePublisher queues,
    PoisonLog log,
    IOptions<ListeningOptions> options)
{
    /// <summary>The queue client that leaves message bodies as they are (no base64 decoding).</summary>
    public const string RawClientName = "raw";

    /// <summary>Shown for messages the host parked after its tries: the reason is in the logs of those tries.</summary>
    public const string FailedRepeatedly = "failed repeatedly (see logs)";

    /// <summary>Shown for messages that are not base64: the host parks them at once, without a reason row.</summary>
    public const string NotDecodable = "could not be decoded: not base64-encoded, so the queue trigger cannot read it (retry sends it encoded)";

    /// <summary>Storage queues show at most 32 messages without taking them.</summary>
    public const int PeekLimit = 32;

    public IReadOnlyList<string> SourceQueues =>
        [options.Value.Queues.Pulls, options.Value.Queues.Snapshots, options.Value.Queues.Notifications];

    /// <summary>The source queues a <c>--queue</c> value means (all when null); throws on an unknown name.</summary>
    public IReadOnlyList<string> Resolve(string? queue)
    {
        if (string.IsNullOrWhiteSpace(queue))
        {
            return SourceQueues;
        }

        var name = queue.Trim();
        name = name.EndsWith("-poison", StringComparison.Ordinal) ? name[..^"-poison".Length] : name;
        return SourceQueues.Contains(name, StringComparer.Ordinal)
            ? [name]
            : throw new ArgumentException($"Unknown queue '{queue}': use one of {string.Join(", ", SourceQueues)}.", nameof(queue));
    }

    public async Task<IReadOnlyList<PoisonQueueListing>> ListAsync(string? queue, CancellationToken cancellationToken)
    {
        var listings = new List<PoisonQueueListing>();
        foreach (var name in Resolve(queue))
        {
            var poison = Raw.GetQueueClient(PoisonParking.NameFor(name));
            if (!await poison.ExistsAsync(cancellationToken))
            {
                listings.Add(new PoisonQueueListing(name, poison.Name, 0, []));
                continue;
            }

            var total = (await poison.GetPropertiesAsync(cancellationToken)).Value.ApproximateMessagesCount;
            var reasons = await log.ReasonsAsync(name, cancellationToken);
            var entries = new List<PoisonEntry>();
            foreach (var message in (await poison.PeekMessagesAsync(PeekLimit, cancellationToken)).Value)
            {
                var (body, base64) = Decode(message.Body.ToString());
                reasons.TryGetValue(PoisonLog.KeyOf(body), out var recorded);
                var reason = recorded?.Reason ?? (base64 ? FailedRepeatedly : NotDecodable);
                entries.Add(new PoisonEntry(message.MessageId, message.InsertedOn, Encoding.UTF8.GetByteCount(body), Describe(body), reason, recorded?.ParkedAt));
            }

            listings.Add(new PoisonQueueListing(name, poison.Name, Math.Max(total, entries.Count), entries));
        }

        return listings;
    }

    /// <summary>Moves every message of the poison queue(s) back to its queue; the handlers are idempotent.</summary>
    public async Task<IReadOnlyDictionary<string, int>> RetryAsync(string? queue, IProgress<string>? progress, CancellationToken cancellationToken)
    {
        var result = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var name in Resolve(queue))
        {
            var count = 0;
            var poison = Raw.GetQueueClient(PoisonParking.NameFor(name));
            if (await poison.ExistsAsync(cancellationToken))
            {
                var target = await queues.QueueAsync(name, cancellationToken);
                while (true)
                {
                    var batch = (await poison.ReceiveMessagesAsync(PeekLimit, TimeSpan.FromMinutes(2), cancellationToken)).Value;
                    if (batch.Length == 0)
                    {
                        break;
                    }

                    foreach (var message in batch)
                    {
                        // Sent before it is deleted: a crash in between leaves a duplicate, never a loss.
                        var (body, _) = Decode(message.Body.ToString());
                        await target.SendMessageAsync(body, cancellationToken);
                        await poison.DeleteMessageAsync(message.MessageId, message.PopReceipt, cancellationToken);
                        await ForgetAsync(name, body, cancellationToken);
                        count++;
                    }

                    progress?.Report($"{name}: {count} requeued");
                }
            }

            result[name] = count;
        }

        return result;
    }

    /// <summary>A message body as the handlers see it: base64-decoded when it is base64 (the normal case).</summary>
    internal static (string Body, bool Base64) Decode(string raw)
    {
        var buffer = new byte[raw.Length];
        if (raw.Length > 0 && Convert.TryFromBase64String(raw, buffer, out var length))
        {
            try
            {
                return (new UTF8Encoding(false, throwOnInvalidBytes: true).GetString(buffer, 0, length), true);
            }
            catch (DecoderFallbackException)
            {
                // Base64 of something that is not text: not one of ours; show it as it is.
            }
        }

        return (raw, false);
    }

    /// <summary>One line on what a message is, from the fields every message kind has; never its full text.</summary>
    internal static string Describe(string body)
    {
        try
        {
            using var json = JsonDocument.Parse(body);
            var root = json.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
            {
                return $"JSON {root.ValueKind.ToString().ToLowerInvariant()}, {Encoding.UTF8.GetByteCount(body)} bytes";
            }

            string? Text(string name) => root.TryGetProperty(name, out var v) ? v.ValueKind == JsonValueKind.String ? StringOf(v) : v.GetRawText() : null;
            var parts = new List<string>();
            if (Text("pageId") is { } page)
            {
                parts.Add("page " + page);
            }

            if (Text("capturedAt") is { } captured)
            {
                parts.Add("captured " + captured);
            }

            if (root.TryGetProperty("posts", out var posts) && posts.ValueKind == JsonValueKind.Array)
            {
                parts.Add($"{posts.GetArrayLength()} posts");
            }

            foreach (var name in new[] { "kind", "key", "schema" })
            {
                if (Text(name) is { } value)
                {
                    parts.Add($"{name} {value}");
                }
            }

            return parts.Count > 0 ? string.Join(", ", parts) : $"JSON object, {Encoding.UTF8.GetByteCount(body)} bytes";
        }
        catch (JsonException)
        {
            return $"not JSON, {Encoding.UTF8.GetByteCount(body)} bytes";
        }
    }

    /// <summary>A string value, or its JSON text when it is not valid UTF-16 (a lone surrogate escape such as <c>\ud800</c>).</summary>
    private static string StringOf(JsonElement value)
    {
        try
        {
            return value.GetString() ?? "";
        }
        catch (InvalidOperationException)
        {
            return value.GetRawText();
        }
    }

    private QueueServiceClient Raw => clients.CreateClient(RawClientName);

    private async Task ForgetAsync(string queue, string body, CancellationToken cancellationToken)
    {
        try
        {
            await log.ForgetAsync(queue, body, cancellationToken);
        }
        catch (RequestFailedException ex) when (ex.Status == 404)
        {
            // Parked by the host: there was no reason to forget.
        }
    }
}

public sealed record PoisonQueueListing(string Queue, string PoisonQueue, int Total, IReadOnlyList<PoisonEntry> Messages);

public sealed record PoisonEntry(string MessageId, DateTimeOffset? InsertedOn, int Bytes, string What, string Reason, DateTimeOffset? ParkedAt);
