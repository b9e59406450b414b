using Azure;
using Azure.Data.Tables;
using Listening.Core.Configuration;
using Listening.Core.Contracts;
using Listening.Core.Storage;
using Microsoft.Extensions.Logging;

namespace Listening.Core.Notifications.Alerts;

/// <summary>
/// Raises alerts: queues the card once per key and remembers it (table <c>alertstate</c>, partition <c>raised</c>),
/// so the next snapshot that sees the same event queues nothing, and the digest can list the day's alerts.
/// The card is queued before the record is written: a crash in between queues it twice, and the dispatcher's
/// dedupe (per channel and key) posts it once.
/// </summary>
public sealed partial class AlertLog(
    ListeningTables tables,
    IQueuePublisher queue,
    LocalCalendar calendar,
    ILogger<AlertLog> logger)
{
    public const string RaisedPartition = "raised";

    public async Task<bool> WasRaisedAsync(string key, CancellationToken cancellationToken)
    {
        await tables.EnsureCreatedAsync(cancellationToken);
        var existing = await tables.AlertState.GetEntityIfExistsAsync<TableEntity>(
            RaisedPartition, NotificationDispatcher.DedupeKey(key), select: ["PartitionKey"], cancellationToken: cancellationToken);
        return existing.HasValue;
    }

    /// <summary>Queues the alert unless it was raised before; true when it was queued now.</summary>
    public async Task<bool> RaiseAsync(Alert alert, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(alert);
        if (await WasRaisedAsync(alert.Key, cancellationToken))
        {
            return false;
        }

        await queue.PublishAsync(new NotificationMessage
        {
            Key = alert.Key,
            Kind = alert.Kind,
            Payload = WorkflowsPayload.Wrap(AlertCardBuilder.Build(alert, calendar.ZoneId)),
        }, cancellationToken);

        var record = new RaisedAlertEntity
        {
            PartitionKey = RaisedPartition,
            RowKey = NotificationDispatcher.DedupeKey(alert.Key),
            Key = alert.Key,
            Kind = alert.Kind,
            PageId = alert.PageId,
            PageName = alert.PageName,
            Title = alert.Title,
            Link = alert.Link,
            RaisedAt = alert.RaisedAt.ToUniversalTime(),
            Severity = alert.Severity.ToString(),
        };
        try
        {
            await tables.AlertState.AddEntityAsync(record, cancellationToken);
        }
        catch (RequestFailedException ex) when (ex.Status == 409)
        {
            // Raised by a parallel snapshot at the same moment: the dispatcher posts it once.
        }

        LogRaised(logger, alert.Kind, alert.Key, alert.PageId);
        return true;
    }

    /// <summary>Alerts raised in [from, to), oldest first.</summary>
    public async Task<IReadOnlyList<RaisedAlertEntity>> RaisedBetweenAsync(DateTimeOffset from, DateTimeOffset to, CancellationToken cancellationToken)
    {
        await tables.EnsureCreatedAsync(cancellationToken);
        var filter = TableClient.CreateQueryFilter($"PartitionKey eq {RaisedPartition} and RaisedAt ge {from.ToUniversalTime()} and RaisedAt lt {to.ToUniversalTime()}");
        var result = new List<RaisedAlertEntity>();
        await foreach (var row in tables.AlertState.QueryAsync<RaisedAlertEntity>(filter, cancellationToken: cancellationToken))
        {
            result.Add(row);
        }

        return [.. result.OrderBy(r => r.RaisedAt).ThenBy(r => r.Key, StringComparer.Ordinal)];
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Raised {Kind} alert {Key} for page {PageId}")]
    private static partial void LogRaised(ILogger logger, string kind, string key, string pageId);
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
