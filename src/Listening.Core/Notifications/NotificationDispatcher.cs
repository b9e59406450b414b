using System.Security.Cryptography;
using System.Text;
using Azure;
using Azure.Data.Tables;
using Listening.Core.Configuration;
using Listening.Core.Snapshots;
using Listening.Core.Storage;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Listening.Core.Notifications;

/// <summary>
/// Delivers a notification message to its channel once: a dedupe record per channel and key is written after a
/// successful post, and a message whose record exists is dropped. Failures throw, so the queue retries and,
/// in the end, parks the message in the poison queue.
/// </summary>
public sealed partial class NotificationDispatcher(
    TeamsWebhookSender sender,
    ListeningTables tables,
    IOptions<ListeningOptions> options,
    TimeProvider time,
    ILogger<NotificationDispatcher> logger)
{
    public async Task<DeliveryOutcome> DispatchAsync(NotificationMessage message, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(message);
        await tables.EnsureCreatedAsync(cancellationToken);
        var webhook = ResolveChannel(message.Channel);
        if (webhook is null)
        {
            LogNoChannel(logger, message.Kind, message.Channel);
            return DeliveryOutcome.NoChannel;
        }

        var rowKey = DedupeKey(message.Key);
        var partition = "sent_" + message.Channel;
        var existing = await tables.NotificationLog.GetEntityIfExistsAsync<TableEntity>(partition, rowKey, cancellationToken: cancellationToken);
        if (existing.HasValue)
        {
            LogDuplicate(logger, message.Kind, message.Key, message.Channel);
            return DeliveryOutcome.AlreadySent;
        }

        await sender.SendAsync(webhook, message.Payload, cancellationToken);
        var record = new TableEntity(partition, rowKey)
        {
            ["Key"] = message.Key,
            ["Kind"] = message.Kind,
            ["SentAt"] = time.GetUtcNow(),
        };
        try
        {
            await tables.NotificationLog.AddEntityAsync(record, cancellationToken);
        }
        catch (RequestFailedException ex) when (ex.Status == 409)
        {
            // A parallel delivery of a duplicate got there first; Teams may show this one twice, which is the
            // price of a webhook that has no idempotency key.
        }

        LogSent(logger, message.Kind, message.Key, message.Channel);
        return DeliveryOutcome.Sent;
    }

    private Uri? ResolveChannel(string channel)
    {
        var url = channel == "default" ? options.Value.Teams.WebhookUrl : null;
        return string.IsNullOrWhiteSpace(url) ? null : new Uri(url);
    }

    /// <summary>Keys may hold characters a RowKey cannot; a hash keeps them stable and valid.</summary>
    internal static string DedupeKey(string key) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(key)));

    [LoggerMessage(Level = LogLevel.Information, Message = "Sent {Kind} notification {Key} to channel {Channel}")]
    private static partial void LogSent(ILogger logger, string kind, string key, string channel);

    [LoggerMessage(Level = LogLevel.Information, Message = "Notification {Kind} {Key} was already sent to channel {Channel}; dropped the duplicate")]
    private static partial void LogDuplicate(ILogger logger, string kind, string key, string channel);

    [LoggerMessage(Level = LogLevel.Warning, Message = "No Teams webhook is configured for channel {Channel}; the {Kind} notification was not sent (set Listening:Teams:WebhookUrl)")]
    private static partial void LogNoChannel(ILogger logger, string kind, string channel);
}

public enum DeliveryOutcome
{
    Sent,
    AlreadySent,
    NoChannel,
}
