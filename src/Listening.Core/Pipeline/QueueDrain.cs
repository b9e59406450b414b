using System.Text;
using Azure;
using Azure.Storage.Queues;
using Azure.Storage.Queues.Models;
using Listening.Core.Configuration;
using Listening.Core.Ingestion;
using Listening.Core.Contracts;
using Listening.Core.Storage;
using Microsoft.Extensions.Azure;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Listening.Core.Pipeline;

/// <summary>
/// Processes the pipeline's queues until they are empty, through the same handlers the queue functions use,
/// with the host's retry rule (a message that keeps failing moves to the poison queue after 5 tries).
/// Used by the CLI (<c>sync</c>, <c>demo</c>) and the integration tests, where no Functions host runs.
/// It may run beside another <c>sync</c> or the deployed Functions app: a received message stays invisible to
/// them while it waits for and runs through its handler (its lease is renewed), and a message another consumer
/// took meanwhile is left to that consumer, never counted as a failure.
/// </summary>
public sealed partial class QueueDrain(
    QueuePublisher queues,
    IAzureClientFactory<QueueServiceClient> clients,
    PullHandler pulls,
    SnapshotHandler snapshots,
    CommentHandler comments,
    NotificationHandler notifications,
    IPoisonParking poison,
    IOptions<ListeningOptions> options,
    ILogger<QueueDrain> logger)
{
    public const int MaxDequeueCount = 5;

    /// <summary>How long a received message stays invisible to other consumers; renewed every third of it while held.</summary>
    public static readonly TimeSpan DefaultLease = TimeSpan.FromSeconds(30);

    /// <summary>A message whose handler failed is tried again after this (the host's retries are as quick).</summary>
    public static readonly TimeSpan RetryDelay = TimeSpan.FromSeconds(1);

    public const string NotBase64Reason = "not base64-encoded, so the queue trigger cannot read it (retry sends it encoded)";

    /// <summary>The lease of received messages (tests shorten it to see it renewed).</summary>
    public TimeSpan Lease { get; set; } = DefaultLease;

    public async Task<DrainResult> RunAsync(CancellationToken cancellationToken)
    {
        var names = options.Value.Queues;
        var result = new DrainResult();
        bool any;
        do
        {
            any = false;
            any |= await DrainOnceAsync(names.Pulls, (body, id, ct) => pulls.HandleAsync(body, id, result.Pulled, ct), result, cancellationToken);
            any |= await DrainOnceAsync(names.Snapshots, snapshots.HandleAsync, result, cancellationToken);
            // The comments a pull read (or a webhook delivered): triage, the day summaries, the comment alerts.
            any |= await DrainOnceAsync(names.Comments, comments.HandleAsync, result, cancellationToken);
            // A notification that Teams refused for now waits on the queue for its backoff (minutes): do not wait for it.
            any |= await DrainOnceAsync(names.Notifications, notifications.HandleAsync, result, cancellationToken, waitForInvisible: false);
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
        await queues.QueueAsync(name, cancellationToken); // creates it
        // Received as stored: a plain-text message would make the base64 client throw for the whole batch.
        var queue = clients.CreateClient(PoisonQueues.RawClientName).GetQueueClient(name);
        var any = false;
        while (true)
        {
            var batch = (await queue.ReceiveMessagesAsync(32, Lease, cancellationToken)).Value;
            if (batch.Length == 0)
            {
                return any || (waitForInvisible && await HasInvisibleAsync(queue, cancellationToken));
            }

            any = true;
            var leases = batch.Select(m => new MessageLease(queue, m)).ToList();
            using var renewing = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            var renewal = RenewWhileHeldAsync(name, leases, renewing.Token);
            try
            {
                foreach (var lease in leases)
                {
                    await ProcessAsync(name, lease, handle, result, cancellationToken);
                }
            }
            finally
            {
                await renewing.CancelAsync();
                await renewal;
                if (cancellationToken.IsCancellationRequested)
                {
                    // Killed halfway: hand back what was not processed at once instead of hiding it for a lease.
                    foreach (var lease in leases)
                    {
                        try
                        {
                            await lease.ReleaseAsync(TimeSpan.Zero, CancellationToken.None);
                        }
                        catch (Exception ex) when (ex is RequestFailedException or AggregateException)
                        {
                            // Best effort on the way out: the lease runs out by itself.
                        }
                    }
                }

                foreach (var lease in leases)
                {
                    lease.Dispose();
                }
            }
        }
    }

    private async Task ProcessAsync(
        string name, MessageLease lease, Func<string, string, CancellationToken, Task<HandlerOutcome>> handle, DrainResult result, CancellationToken cancellationToken)
    {
        var message = lease.Message;
        if (lease.Lost)
        {
            LogTaken(logger, name, message.MessageId);
            return;
        }

        if (!TryDecode(message.Body.ToString(), out var body))
        {
            LogNotBase64(logger, name, message.MessageId);
            await poison.MoveAsync(name, message.Body.ToString(), message.MessageId, NotBase64Reason, cancellationToken);
            await CompleteAsync(name, lease, cancellationToken);
            result.Count(name, HandlerOutcome.Poisoned);
            return;
        }

        HandlerOutcome outcome;
        try
        {
            outcome = await handle(body, message.MessageId, cancellationToken);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            var reason = Redaction.Redact(ex.Message.Split('\n')[0]);
            LogFailed(logger, name, message.MessageId, message.DequeueCount, ex.GetType().Name, reason);
            result.Failures.Add($"{name}: {reason}");
            if (message.DequeueCount >= MaxDequeueCount && !lease.Lost)
            {
                await poison.MoveAsync(name, body, message.MessageId, $"failed {message.DequeueCount} times; last error: {reason}", cancellationToken);
                await CompleteAsync(name, lease, cancellationToken);
                result.Count(name, HandlerOutcome.Poisoned);
            }
            else
            {
                await lease.ReleaseAsync(RetryDelay, cancellationToken);
            }

            return;
        }

        result.Count(name, outcome);
        await CompleteAsync(name, lease, cancellationToken);
    }

    private async Task CompleteAsync(string name, MessageLease lease, CancellationToken cancellationToken)
    {
        if (!await lease.DeleteAsync(cancellationToken))
        {
            // Our lease ran out and another consumer holds the message: its handler is idempotent, so it is only done twice.
            LogTaken(logger, name, lease.Message.MessageId);
        }
    }

    private async Task RenewWhileHeldAsync(string name, IReadOnlyList<MessageLease> leases, CancellationToken cancellationToken)
    {
        // Visibility runs on the storage service's clock, never on the app's (which the demo simulates): real time here.
        try
        {
            while (true)
            {
                await Task.Delay(Lease / 3, TimeProvider.System, cancellationToken);
                foreach (var lease in leases)
                {
                    try
                    {
                        await lease.RenewAsync(Lease, cancellationToken);
                    }
                    catch (RequestFailedException ex)
                    {
                        LogRenewalFailed(logger, name, lease.Message.MessageId, ex.Status, ex.ErrorCode ?? "");
                    }
                }
            }
        }
        catch (OperationCanceledException)
        {
            // The batch is done.
        }
    }

    private static bool TryDecode(string stored, out string body)
    {
        body = "";
        var bytes = new byte[stored.Length];
        if (!Convert.TryFromBase64String(stored, bytes, out var length))
        {
            return false;
        }

        try
        {
            body = StrictUtf8.GetString(bytes, 0, length);
            return true;
        }
        catch (DecoderFallbackException)
        {
            return false;
        }
    }

    private static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    private static async Task<bool> HasInvisibleAsync(QueueClient queue, CancellationToken cancellationToken)
    {
        // Messages that failed are invisible for a second, and another consumer may hold some: wait for them rather than call the queue empty.
        var properties = await queue.GetPropertiesAsync(cancellationToken);
        if (properties.Value.ApproximateMessagesCount == 0)
        {
            return false;
        }

        await Task.Delay(RetryDelay, TimeProvider.System, cancellationToken);
        return true;
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Message {MessageId} on queue {Queue} failed (try {DequeueCount}): {ExceptionType}: {Reason}")]
    private static partial void LogFailed(ILogger logger, string queue, string messageId, long dequeueCount, string exceptionType, string reason);

    [LoggerMessage(Level = LogLevel.Information, Message = "Message {MessageId} on queue {Queue} was taken by another consumer after our lease ran out; left to it")]
    private static partial void LogTaken(ILogger logger, string queue, string messageId);

    [LoggerMessage(Level = LogLevel.Error, Message = "Message {MessageId} on queue {Queue} is not base64-encoded and was moved to the poison queue")]
    private static partial void LogNotBase64(ILogger logger, string queue, string messageId);

    [LoggerMessage(Level = LogLevel.Warning, Message = "The lease of message {MessageId} on queue {Queue} could not be renewed (HTTP {Status} {ErrorCode}); it is tried again")]
    private static partial void LogRenewalFailed(ILogger logger, string queue, string messageId, int status, string errorCode);

    /// <summary>
    /// One received message, invisible to other consumers while held: renewals and the final delete or release
    /// take turns, because each renewal changes the pop receipt the others need.
    /// </summary>
    private sealed class MessageLease(QueueClient queue, QueueMessage message) : IDisposable
    {
        private readonly SemaphoreSlim _turn = new(1, 1);
        private string _popReceipt = message.PopReceipt;
        private bool _finished;

        public QueueMessage Message => message;

        /// <summary>Another consumer took the message (our pop receipt no longer matches, or it is gone).</summary>
        public bool Lost { get; private set; }

        public Task RenewAsync(TimeSpan visibility, CancellationToken cancellationToken) =>
            WithTurnAsync(async () =>
            {
                var receipt = await queue.UpdateMessageAsync(message.MessageId, _popReceipt, (string?)null, visibility, cancellationToken);
                _popReceipt = receipt.Value.PopReceipt;
            });

        /// <summary>Deletes the message; false when another consumer holds it.</summary>
        public async Task<bool> DeleteAsync(CancellationToken cancellationToken)
        {
            await WithTurnAsync(async () =>
            {
                await queue.DeleteMessageAsync(message.MessageId, _popReceipt, cancellationToken);
                _finished = true;
            });
            return _finished;
        }

        /// <summary>Makes the message visible again after <paramref name="visibility"/> (a retry, or an aborted run).</summary>
        public Task ReleaseAsync(TimeSpan visibility, CancellationToken cancellationToken) =>
            WithTurnAsync(async () =>
            {
                await queue.UpdateMessageAsync(message.MessageId, _popReceipt, (string?)null, visibility, cancellationToken);
                _finished = true;
            });

        public void Dispose() => _turn.Dispose();

        private async Task WithTurnAsync(Func<Task> action)
        {
            await _turn.WaitAsync(CancellationToken.None);
            try
            {
                if (_finished || Lost)
                {
                    return;
                }

                await action();
            }
            catch (RequestFailedException ex) when (IsTaken(ex))
            {
                Lost = true;
            }
            finally
            {
                _turn.Release();
            }
        }

        private static bool IsTaken(RequestFailedException ex) =>
            ex.Status == 404 || ex.ErrorCode is "PopReceiptMismatch" or "MessageNotFound";
    }
}

public sealed class DrainResult
{
    public Dictionary<string, int> Done { get; } = new(StringComparer.Ordinal);

    public Dictionary<string, int> Poisoned { get; } = new(StringComparer.Ordinal);

    public List<string> Failures { get; } = [];

    /// <summary>What each pull of this run did, in order: a Page whose token is invalid or whose pull failed shows here, not in <see cref="Failures"/>.</summary>
    public List<(PullRequest Request, PullOutcome Outcome)> Pulls { get; } = [];

    internal void Pulled(PullRequest request, PullOutcome outcome) => Pulls.Add((request, outcome));

    internal void Count(string queue, HandlerOutcome outcome)
    {
        var counts = outcome == HandlerOutcome.Done ? Done : Poisoned;
        counts[queue] = counts.GetValueOrDefault(queue) + 1;
    }
}
