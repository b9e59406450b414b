using System.Diagnostics;
using Listening.Core.Aggregation;
using Listening.Core.Configuration;
using Listening.Core.Ingestion;
using Listening.Core.Notifications;
using Listening.Core.Notifications.Alerts;
using Listening.Core.Contracts;
using Listening.Core.Telemetry;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Listening.Core.Pipeline;

/// <summary>
/// What each queue function does with a message, shared by the Functions app and the CLI. A message that can
/// never succeed (malformed, unknown schema, impossible values, an unknown Page) goes straight to the poison
/// queue with one log line naming the message id and the reason; anything else that fails throws, so the queue
/// retries it and parks it after <c>maxDequeueCount</c> tries.
/// </summary>
public sealed partial class QueueHandlers(
    PagePuller puller,
    IngestionAlerts ingestionAlerts,
    SnapshotAggregator aggregator,
    NotificationDispatcher dispatcher,
    SnapshotAlerts alerts,
    PoisonParking poison,
    PageDirectory pages,
    TimeProvider time,
    IOptions<ListeningOptions> options,
    ILogger<QueueHandlers> logger)
{
    private readonly QueueNames _queues = options.Value.Queues;

    public Task<HandlerOutcome> HandlePullAsync(string body, string messageId, CancellationToken cancellationToken) =>
        HandlePullAsync(body, messageId, null, cancellationToken);

    /// <param name="pulled">Told what the pull did (the CLI names a Page whose token is invalid or whose pull failed).</param>
    public Task<HandlerOutcome> HandlePullAsync(string body, string messageId, Action<PullRequest, PullOutcome>? pulled, CancellationToken cancellationToken) =>
        HandleAsync(nameof(HandlePullAsync), _queues.Pulls, body, messageId, b => MessageCodec.DecodePull(b, time.GetUtcNow()), m => m.TraceParent, async request =>
        {
            var outcome = await puller.PullAsync(request, cancellationToken);
            await ingestionAlerts.RaiseAsync(outcome, cancellationToken);
            ListeningTelemetry.Pulls.Add(1);
            pulled?.Invoke(request, outcome);
        }, cancellationToken);

    public Task<HandlerOutcome> HandleSnapshotAsync(string body, string messageId, CancellationToken cancellationToken) =>
        HandleAsync(nameof(HandleSnapshotAsync), _queues.Snapshots, body, messageId, b => MessageCodec.DecodeSnapshot(b, time.GetUtcNow()), m => m.TraceParent, async snapshot =>
        {
            // Before anything is written (the archive included), so that replay never picks it up either.
            if (!pages.IsConfigured(snapshot.PageId))
            {
                throw new InvalidMessageException($"page {snapshot.PageId} is not configured (Listening:Pages)");
            }

            var result = await aggregator.ApplyAsync(snapshot, cancellationToken);
            ListeningTelemetry.SnapshotsApplied.Add(1);

            // After the tables are written, so a failure here retries the (idempotent) apply and the alerts.
            await alerts.DetectAsync(snapshot, result, cancellationToken);
        }, cancellationToken);

    public Task<HandlerOutcome> HandleNotificationAsync(string body, string messageId, CancellationToken cancellationToken) =>
        HandleAsync(nameof(HandleNotificationAsync), _queues.Notifications, body, messageId, MessageCodec.DecodeNotification, m => m.TraceParent, async message =>
        {
            if (await dispatcher.DispatchAsync(message, cancellationToken) == DeliveryOutcome.Sent)
            {
                ListeningTelemetry.NotificationsSent.Add(1);
            }
        }, cancellationToken);

    private async Task<HandlerOutcome> HandleAsync<T>(
        string operation,
        string queue,
        string body,
        string messageId,
        Func<string, T> decode,
        Func<T, string?> traceParent,
        Func<T, Task> work,
        CancellationToken cancellationToken)
    {
        T message;
        try
        {
            message = decode(body);
        }
        catch (InvalidMessageException ex)
        {
            using var rejected = ListeningTelemetry.StartConsumer(operation.Replace("Async", "", StringComparison.Ordinal), null);
            return await ParkAsync(queue, body, messageId, ex.Message, cancellationToken);
        }

        using var activity = ListeningTelemetry.StartConsumer(operation.Replace("Async", "", StringComparison.Ordinal), traceParent(message));
        activity?.SetTag("messaging.destination.name", queue);
        activity?.SetTag("messaging.message.id", messageId);
        try
        {
            await work(message);
            return HandlerOutcome.Done;
        }
        catch (InvalidMessageException ex)
        {
            return await ParkAsync(queue, body, messageId, ex.Message, cancellationToken);
        }
        catch (NotificationUndeliverableException ex)
        {
            return await ParkAsync(queue, ex.ParkedBody ?? body, messageId, ex.Message, cancellationToken);
        }
    }

    private async Task<HandlerOutcome> ParkAsync(string queue, string body, string messageId, string reason, CancellationToken cancellationToken)
    {
        LogPoisoned(logger, queue, messageId, reason);
        await poison.MoveAsync(queue, body, messageId, reason, cancellationToken);
        ListeningTelemetry.MessagesPoisoned.Add(1);
        Activity.Current?.SetStatus(ActivityStatusCode.Error, reason);
        return HandlerOutcome.Poisoned;
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "Message {MessageId} on queue {Queue} cannot be processed and was moved to the poison queue: {Reason}")]
    private static partial void LogPoisoned(ILogger logger, string queue, string messageId, string reason);
}

public enum HandlerOutcome
{
    Done,
    Poisoned,
}
