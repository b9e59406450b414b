using Azure;
using Azure.Data.Tables;

namespace Listening.Core.Storage;

/// <summary>The alerts raised so far (table <c>alertstate</c>, partition <c>raised</c>): for dedupe before queueing and for the digest.</summary>
public interface IAlertHistory
{
    Task<bool> WasRaisedAsync(string key, CancellationToken cancellationToken);

    /// <summary>Records the alert under its key; false when a record of that key exists already.</summary>
    Task<bool> TryRecordAsync(RaisedAlertEntity alert, CancellationToken cancellationToken);

    /// <summary>Alerts raised in [start, until), oldest first.</summary>
    Task<IReadOnlyList<RaisedAlertEntity>> RaisedBetweenAsync(DateTimeOffset start, DateTimeOffset until, CancellationToken cancellationToken);
}

public sealed class AlertHistory(ListeningStorage storage) : IAlertHistory
{
    public async Task<bool> WasRaisedAsync(string key, CancellationToken cancellationToken)
    {
        await storage.EnsureCreatedAsync(cancellationToken);
        var existing = await storage.Tables.AlertState.GetEntityIfExistsAsync<TableEntity>(
            NotificationKeys.RaisedPartition, NotificationKeys.Hash(key), select: ["PartitionKey"], cancellationToken: cancellationToken);
        return existing.HasValue;
    }

    public async Task<bool> TryRecordAsync(RaisedAlertEntity alert, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(alert);
        await storage.EnsureCreatedAsync(cancellationToken);
        alert.PartitionKey = NotificationKeys.RaisedPartition;
        alert.RowKey = NotificationKeys.Hash(alert.Key);
        try
        {
            await storage.Tables.AlertState.AddEntityAsync(alert, cancellationToken);
            return true;
        }
        catch (RequestFailedException ex) when (ex.Status == 409)
        {
            return false;
        }
    }

    public async Task<IReadOnlyList<RaisedAlertEntity>> RaisedBetweenAsync(DateTimeOffset start, DateTimeOffset until, CancellationToken cancellationToken)
    {
        await storage.EnsureCreatedAsync(cancellationToken);
        var filter = TableClient.CreateQueryFilter($"PartitionKey eq {NotificationKeys.RaisedPartition} and RaisedAt ge {start.ToUniversalTime()} and RaisedAt lt {until.ToUniversalTime()}");
        var result = new List<RaisedAlertEntity>();
        await foreach (var row in storage.Tables.AlertState.QueryAsync<RaisedAlertEntity>(filter, cancellationToken: cancellationToken))
        {
            result.Add(row);
        }

        return [.. result.OrderBy(r => r.RaisedAt).ThenBy(r => r.Key, StringComparer.Ordinal)];
    }
}

/// <summary>A raised alert: PartitionKey <c>raised</c>, RowKey = SHA-256 of the key.</summary>
public sealed class RaisedAlertEntity : ITableEntity
{
    public string PartitionKey { get; set; } = "";

    public string RowKey { get; set; } = "";

    public DateTimeOffset? Timestamp { get; set; }

    public ETag ETag { get; set; }

    public string Key { get; set; } = "";

    public string Kind { get; set; } = "";

    public string PageId { get; set; } = "";

    public string PageName { get; set; } = "";

    public string Title { get; set; } = "";

    public string? Link { get; set; }

    public DateTimeOffset RaisedAt { get; set; }

    public string Severity { get; set; } = "";
}
