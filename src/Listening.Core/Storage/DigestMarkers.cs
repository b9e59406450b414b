using Azure;
using Azure.Data.Tables;

namespace Listening.Core.Storage;

/// <summary>Which days' digests were queued (table <c>notificationlog</c>, partition <c>digest_scheduled</c>, RowKey = the day, <see cref="DayKey"/>).</summary>
public interface IDigestMarkers
{
    Task<bool> WasQueuedAsync(DateOnly day, CancellationToken cancellationToken);

    /// <summary>Marks the day's digest as queued; false when it was marked already.</summary>
    Task<bool> TryMarkQueuedAsync(DateOnly day, CancellationToken cancellationToken);
}

public sealed class DigestMarkers(ListeningStorage storage) : IDigestMarkers
{
    public async Task<bool> WasQueuedAsync(DateOnly day, CancellationToken cancellationToken)
    {
        await storage.EnsureCreatedAsync(cancellationToken);
        var marker = await storage.Tables.NotificationLog.GetEntityIfExistsAsync<TableEntity>(
            NotificationKeys.DigestQueuedPartition, NotificationKeys.Day(day), cancellationToken: cancellationToken);
        return marker.HasValue;
    }

    public async Task<bool> TryMarkQueuedAsync(DateOnly day, CancellationToken cancellationToken)
    {
        await storage.EnsureCreatedAsync(cancellationToken);
        try
        {
            await storage.Tables.NotificationLog.AddEntityAsync(new TableEntity(NotificationKeys.DigestQueuedPartition, NotificationKeys.Day(day)), cancellationToken);
            return true;
        }
        catch (RequestFailedException ex) when (ex.Status == 409)
        {
            return false;
        }
    }
}
