using Listening.Core.Configuration;
using Listening.Core.Contracts;
using Listening.Core.Storage;
using Microsoft.Extensions.Logging;
using Listening.Core.Notifications.Teams;

namespace Listening.Core.Notifications.Alerts;

/// <summary>
/// Raises alerts: queues the card once per key and remembers it (<see cref="IAlertHistory"/>), so the next snapshot
/// that sees the same event queues nothing, and the digest can list the day's alerts. The card is queued before
/// the record is written: a crash in between queues it twice, and the dispatcher's dedupe (per channel and key)
/// posts it once.
/// </summary>
public sealed partial class AlertLog(
    IAlertHistory history,
    IQueuePublisher queue,
    LocalCalendar calendar,
    ILogger<AlertLog> logger)
{
    public Task<bool> WasRaisedAsync(string key, CancellationToken cancellationToken) => history.WasRaisedAsync(key, cancellationToken);

    /// <summary>Queues the alert unless it was raised before; true when it was queued now.</summary>
    public async Task<bool> RaiseAsync(Alert alert, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(alert);
        if (await history.WasRaisedAsync(alert.Key, cancellationToken))
        {
            return false;
        }

        await queue.PublishAsync(new NotificationMessage
        {
            Key = alert.Key,
            Kind = alert.Kind,
            Route = alert.Route,
            Payload = WorkflowsPayload.Wrap(AlertCardBuilder.Build(alert, calendar.ZoneId)),
        }, cancellationToken);

        // False when a parallel snapshot raised it at the same moment: the dispatcher posts it once.
        await history.TryRecordAsync(new RaisedAlertEntity
        {
            Key = alert.Key,
            Kind = alert.Kind,
            PageId = alert.PageId,
            PageName = alert.PageName,
            Title = alert.Title,
            Link = alert.Link,
            RaisedAt = alert.RaisedAt.ToUniversalTime(),
            Severity = alert.Severity.ToString(),
        }, cancellationToken);

        LogRaised(logger, alert.Kind, alert.Key, alert.PageId);
        return true;
    }

    /// <summary>Alerts raised in [from, to), oldest first.</summary>
    public Task<IReadOnlyList<RaisedAlertEntity>> RaisedBetweenAsync(DateTimeOffset from, DateTimeOffset to, CancellationToken cancellationToken) =>
        history.RaisedBetweenAsync(from, to, cancellationToken);

    [LoggerMessage(Level = LogLevel.Information, Message = "Raised {Kind} alert {Key} for page {PageId}")]
    private static partial void LogRaised(ILogger logger, string kind, string key, string pageId);
}
