using Listening.Core.Aggregation;
using Listening.Core.Configuration;
using Listening.Core.Ingestion;
using Listening.Core.Notifications;
using Listening.Core.Notifications.Alerts;
using Listening.Core.Snapshots;
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
    SnapshotAggregator aggregator,
    NotificationDispatcher dispatcher,
    AlertDetector alerts,
    PoisonParking poison,
    TimeProvider time,
    IOptions<ListeningOptions> options,
    ILogger<QueueHandlers> logger)
{
    private readonly QueueNames _queues = options.Value.Queues;

    public Task<HandlerOutcome> HandlePullAsync(string body, string messageId, CancellationToken cancellationToken) =>
        HandleAsync(_queues.Pulls, body, messageId, async () =>
        {
            var request = MessageCodec.DecodePull(body);
            await puller.PullAsync(request, cancellationToken);
        }, cancellationToken);

    public Task<HandlerOutcome> HandleSnapshotAsync(string body, string messageId, CancellationToken cancellationToken) =>
        HandleAsync(_queues.Snapshots, body, messageId, async () =>
        {
            var snapshot = MessageCodec.DecodeSnapshot(body, time.GetUtcNow());
            var result = await aggregator.ApplyAsync(snapshot, cancellationToken);

            // After the tables are written, so a failure here retries the (idempotent) apply and the alerts.
            await alerts.DetectAsync(snapshot, result, cancellationToken);
        }, cancellationToken);

    public Task<HandlerOutcome> HandleNotificationAsync(string body, string messageId, CancellationToken cancellationToken) =>
        HandleAsync(_queues.Notifications, body, messageId, async () =>
        {
            var message = MessageCodec.DecodeNotification(body);
            await dispatcher.DispatchAsync(message, cancellationToken);
        }, cancellationToken);

    private async Task<HandlerOutcome> HandleAsync(string queue, string body, string messageId, Func<Task> work, CancellationToken cancellationToken)
    {
        try
        {
            await work();
            return HandlerOutcome.Done;
        }
        catch (InvalidMessageException ex)
        {
            LogPoisoned(logger, queue, messageId, ex.Message);
            await poison.MoveAsync(queue, body, cancellationToken);
            return HandlerOutcome.Poisoned;
        }
        catch (NotificationUndeliverableException ex)
        {
            LogPoisoned(logger, queue, messageId, ex.Message);
            await poison.MoveAsync(queue, ex.ParkedBody ?? body, cancellationToken);
            return HandlerOutcome.Poisoned;
        }
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "Message {MessageId} on queue {Queue} cannot be processed and was moved to the poison queue: {Reason}")]
    private static partial void LogPoisoned(ILogger logger, string queue, string messageId, string reason);
}

public enum HandlerOutcome
{
    Done,
    Poisoned,
}
