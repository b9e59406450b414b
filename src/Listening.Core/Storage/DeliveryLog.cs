using Azure;
using Azure.Data.Tables;

namespace Listening.Core.Storage;

/// <summary>What <see cref="IDeliveryLog.TryClaimAsync"/> found.</summary>
public enum DeliveryClaim
{
    /// <summary>This delivery may post: nobody sent it, and no other delivery is posting it now.</summary>
    Claimed,

    /// <summary>The notification went to the channel already.</summary>
    AlreadySent,

    /// <summary>Another delivery claimed it and may be posting it right now: try again after its lease.</summary>
    InProgress,
}

/// <summary>
/// What went to which Teams channel (table <c>notificationlog</c>, partition <c>sent_{channel}</c>): the dispatcher's
/// dedupe. A delivery claims a notification before it posts (a row in state <c>sending</c> with the time of the claim)
/// and marks it <c>sent</c> after Teams took it, so two copies of a message handled at once post it once; a claim whose
/// holder died is taken over once its lease has run out. Rows of earlier versions have no state and count as sent.
/// </summary>
public interface IDeliveryLog
{
    Task<bool> WasSentAsync(string channel, string key, CancellationToken cancellationToken);

    /// <summary>Claims the notification for the channel for <paramref name="lease"/>, unless it was sent or another claim is still running.</summary>
    Task<DeliveryClaim> TryClaimAsync(string channel, string key, string kind, DateTimeOffset now, TimeSpan lease, CancellationToken cancellationToken);

    /// <summary>Records that Teams took the notification (whoever holds the claim now: it went out).</summary>
    Task RecordSentAsync(string channel, string key, string kind, DateTimeOffset sentAt, int attempt, CancellationToken cancellationToken);

    /// <summary>The post failed: gives up the claim made at <paramref name="claimedAt"/>, so that the next try may claim at once.</summary>
    Task ReleaseAsync(string channel, string key, DateTimeOffset claimedAt, CancellationToken cancellationToken);
}

public sealed class DeliveryLog(ListeningStorage storage) : IDeliveryLog
{
    private const string Sending = "sending";

    private const string Sent = "sent";

    private const int MaxAttempts = 5;

    public async Task<bool> WasSentAsync(string channel, string key, CancellationToken cancellationToken)
    {
        await storage.EnsureCreatedAsync(cancellationToken);
        var existing = await ReadAsync(channel, key, cancellationToken);
        return existing is not null && IsSent(existing);
    }

    public async Task<DeliveryClaim> TryClaimAsync(string channel, string key, string kind, DateTimeOffset now, TimeSpan lease, CancellationToken cancellationToken)
    {
        await storage.EnsureCreatedAsync(cancellationToken);
        var claim = new TableEntity(NotificationKeys.SentPartition(channel), NotificationKeys.Hash(key))
        {
            ["Key"] = key,
            ["Kind"] = kind,
            ["State"] = Sending,
            ["ClaimedAt"] = now.ToUniversalTime(),
            ["ClaimedTicks"] = now.UtcTicks, // exact, for ReleaseAsync (a stored time may lose digits)
        };
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                await storage.Tables.NotificationLog.AddEntityAsync(claim, cancellationToken);
                return DeliveryClaim.Claimed;
            }
            catch (RequestFailedException ex) when (ex.Status == 409)
            {
                // Sent, claimed by another delivery, or a claim whose holder died: read which.
            }

            var existing = await ReadAsync(channel, key, cancellationToken);
            if (existing is null)
            {
                if (attempt < MaxAttempts)
                {
                    continue; // released in between: claim again
                }

                return DeliveryClaim.InProgress;
            }

            if (IsSent(existing))
            {
                return DeliveryClaim.AlreadySent;
            }

            if (existing.GetDateTimeOffset("ClaimedAt") is { } claimedAt && claimedAt + lease > now)
            {
                return DeliveryClaim.InProgress;
            }

            try
            {
                await storage.Tables.NotificationLog.UpdateEntityAsync(claim, existing.ETag, TableUpdateMode.Replace, cancellationToken);
                return DeliveryClaim.Claimed;
            }
            catch (RequestFailedException ex) when (ex.Status is 404 or 412)
            {
                // Someone else took it over, sent it or released it in between: look again, a few times.
                if (attempt >= MaxAttempts)
                {
                    return DeliveryClaim.InProgress;
                }
            }
        }
    }

    public async Task RecordSentAsync(string channel, string key, string kind, DateTimeOffset sentAt, int attempt, CancellationToken cancellationToken)
    {
        await storage.EnsureCreatedAsync(cancellationToken);
        var record = new TableEntity(NotificationKeys.SentPartition(channel), NotificationKeys.Hash(key))
        {
            ["Key"] = key,
            ["Kind"] = kind,
            ["State"] = Sent,
            ["SentAt"] = sentAt.ToUniversalTime(),
            ["Attempt"] = attempt,
        };
        await storage.Tables.NotificationLog.UpsertEntityAsync(record, TableUpdateMode.Replace, cancellationToken);
    }

    public async Task ReleaseAsync(string channel, string key, DateTimeOffset claimedAt, CancellationToken cancellationToken)
    {
        await storage.EnsureCreatedAsync(cancellationToken);
        var existing = await ReadAsync(channel, key, cancellationToken);
        if (existing is null || IsSent(existing) || existing.GetInt64("ClaimedTicks") != claimedAt.UtcTicks)
        {
            return; // sent after all, or claimed anew by another delivery: not ours to give up
        }

        try
        {
            await storage.Tables.NotificationLog.DeleteEntityAsync(existing.PartitionKey, existing.RowKey, existing.ETag, cancellationToken);
        }
        catch (RequestFailedException ex) when (ex.Status is 404 or 412)
        {
            // Changed in between by another delivery: it decides now.
        }
    }

    /// <summary>Rows written before claims existed have no state: they recorded a delivery that happened.</summary>
    private static bool IsSent(TableEntity row) => row.GetString("State") is null or Sent;

    private async Task<TableEntity?> ReadAsync(string channel, string key, CancellationToken cancellationToken)
    {
        var row = await storage.Tables.NotificationLog.GetEntityIfExistsAsync<TableEntity>(
            NotificationKeys.SentPartition(channel), NotificationKeys.Hash(key), cancellationToken: cancellationToken);
        return row.HasValue ? row.Value : null;
    }
}
