using Azure.Storage.Queues;
using Listening.Core.Configuration;
using Listening.Core.Storage;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Listening.Core.Pipeline;

/// <summary>
/// Processes the pipeline's queues until they are empty, through the same handlers the queue functions use,
/// with the host's retry rule (a message that keeps failing moves to the poison queue after 5 tries).
/// Used by the CLI (<c>sync</c>, <c>demo</c>) and the integration tests, where no Functions host runs.
/// </summary>
public sealed partial class QueueDrain(
    QueuePublisher queues,
    QueueHandlers handlers,
    PoisonParking poison,
    IOptions<ListeningOptions> options,
    ILogger<QueueDrain> logger)
{
    public const int MaxDequeueCount = 5;

    public async Task<DrainResult> RunAsync(CancellationToken cancellationToken)
    {
        var names = options.Value.Queues;
        var result = new DrainResult();
        bool any;
        do
        {
            any = false;
            any |= await DrainOnceAsync(names.Pulls, handlers.HandlePullAsync, result, cancellationToken);
            any |= await DrainOnceAsync(names.Snapshots, handlers.HandleSnapshotAsync, result, cancellationToken);
            // A notification that Teams refused for now waits on the queue for its backoff (minutes): do not wait for it.
            any |= await DrainOnceAsync(names.Notifications, handlers.HandleNotificationAsync, result, cancellationToken, waitForInvisible: false);
        }
        while (any);

        return result;
    }

    private async Task<bool> DrainOnceAsync(
        string name,
        Func<string, string, CancellationToken, Task<HandlerOutcome>> handle,
        DrainResult result,
        CancellationToken cancellationToken,
        bool waitForInvisible = true)
    {
        var queue = await queues.QueueAsync(name, cancellationToken);
        var any = false;
        while (true)
        {
            var batch = (await queue.ReceiveMessagesAsync(32, TimeSpan.FromSeconds(1), cancellationToken)).Value;
            if (batch.Length == 0)
            {
                return any || (waitForInvisible && await HasInvisibleAsync(queue, cancellationToken));
            }

            any = true;
            foreach (var message in batch)
            {
                var body = message.Body.ToString();
                try
                {
                    var outcome = await handle(body, message.MessageId, cancellationToken);
                    result.Count(name, outcome);
                    await queue.DeleteMessageAsync(message.MessageId, message.PopReceipt, cancellationToken);
                }
                catch (Exception ex) when (ex is not OperationCanceledException)
                {
                    LogFailed(logger, ex, name, message.MessageId, message.DequeueCount);
                    result.Failures.Add($"{name}: {ex.Message}");
                    if (message.DequeueCount >= MaxDequeueCount)
                    {
                        await poison.MoveAsync(name, body, message.MessageId,
                            $"failed {message.DequeueCount} times; last error: {Facebook.Redaction.Redact(ex.Message.Split('\n')[0])}", cancellationToken);
                        await queue.DeleteMessageAsync(message.MessageId, message.PopReceipt, cancellationToken);
                        result.Count(name, HandlerOutcome.Poisoned);
                    }
                }
            }
        }
    }

    private static async Task<bool> HasInvisibleAsync(QueueClient queue, CancellationToken cancellationToken)
    {
        // Messages that failed are invisible for a second; wait for them rather than call the queue empty.
        var properties = await queue.GetPropertiesAsync(cancellationToken);
        if (properties.Value.ApproximateMessagesCount == 0)
        {
            return false;
        }

        await Task.Delay(TimeSpan.FromSeconds(1), cancellationToken);
        return true;
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Message {MessageId} on queue {Queue} failed (try {DequeueCount})")]
    private static partial void LogFailed(ILogger logger, Exception exception, string queue, string messageId, long dequeueCount);
}

public sealed class DrainResult
{
    public Dictionary<string, int> Done { get; } = new(StringComparer.Ordinal);

    public Dictionary<string, int> Poisoned { get; } = new(StringComparer.Ordinal);

    public List<string> Failures { get; } = [];

    internal void Count(string queue, HandlerOutcome outcome)
    {
        var counts = outcome == HandlerOutcome.Done ? Done : Poisoned;
        counts[queue] = counts.GetValueOrDefault(queue) + 1;
    }
}
