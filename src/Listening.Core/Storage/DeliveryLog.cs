using Azure;
using Azure.Data.Tables;

namespace Listening.Core.Storage;

/// <summary>What went to which Teams channel (table <c>notificationlog</c>, partition <c>sent_{channel}</c>): the dispatcher's dedupe.</summary>
public interface IDeliveryLog
{
    Task<bool> WasSentAsync(string channel, string key, CancellationToken cancellationToken);

    /// <summary>Records a delivery; false when a delivery of that key to the channel was recorded already.</summary>
    Task<bool> TryRecordSentAsync(string channel, string key, string kind, DateTimeOffset sentAt, int attempt, CancellationToken cancellationToken);
}

public sealed class DeliveryLog(ListeningStorage storage) : IDeliveryLog
{
    public async Task<bool> WasSentAsync(string channel, string key, CancellationToken cancellationToken)
    {
        await storage.EnsureCreatedAsync(cancellationToken);
        var existing = await storage.Tables.NotificationLog.GetEntityIfExistsAsync<TableEntity>(
            NotificationKeys.SentPartition(channel), NotificationKeys.Hash(key), select: ["PartitionKey"], cancellationToken: cancellationToken);
        return existing.HasValue;
    }

    public async Task<bool> TryRecordSentAsync(string channel, string key, string kind, DateTimeOffset sentAt, int attempt, CancellationToken cancellationToken)
    {
        await storage.EnsureCreatedAsync(cancellationToken);
        var record = new TableEntity(NotificationKeys.SentPartition(channel), NotificationKeys.Hash(key))
        {
            ["Key"] = key,
            ["Kind"] = kind,
            ["SentAt"] = sentAt,
            ["Attempt"] = attempt,
        };
        try
        {
            await storage.Tables.NotificationLog.AddEntityAsync(record, cancellationToken);
            return true;
        }
        catch (RequestFailedException ex) when (ex.Status == 409)
        {
            return false;
        }
    }
}
