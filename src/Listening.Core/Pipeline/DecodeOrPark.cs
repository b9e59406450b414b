using System.Diagnostics;
using Listening.Core.Contracts;
using Listening.Core.Telemetry;
using Microsoft.Extensions.Logging;

namespace Listening.Core.Pipeline;

/// <summary>
/// What the three queue handlers share: decode the message, run the handler's work in its consumer span, and park
/// a message that can never succeed (malformed, unknown schema, impossible values, an unknown Page) in the poison
/// queue with one log line naming the message id and the reason. Anything else that fails throws, so the queue
/// retries the message and parks it after <c>maxDequeueCount</c> tries.
/// </summary>
public sealed partial class DecodeOrPark(IPoisonParking poison, ILogger<DecodeOrPark> logger)
{
    /// <param name="operation">The consumer span's name (<c>HandlePull</c>, ...).</param>
    /// <param name="work">The handler's work on the decoded message; it may throw <see cref="InvalidMessageException"/> to park it.</param>
    /// <param name="park">What of the body is parked (the comments queue parks it without the comments' text); default all of it.</param>
    public async Task<HandlerOutcome> RunAsync<T>(
        string operation,
        string queue,
        string body,
        string messageId,
        Func<string, T> decode,
        Func<T, string?> traceParent,
        Func<T, Task<HandlerOutcome>> work,
        CancellationToken cancellationToken,
        Func<string, string>? park = null)
    {
        ArgumentNullException.ThrowIfNull(decode);
        ArgumentNullException.ThrowIfNull(traceParent);
        ArgumentNullException.ThrowIfNull(work);
        T message;
        try
        {
            message = decode(body);
        }
        catch (InvalidMessageException ex)
        {
            using var rejected = ListeningTelemetry.StartConsumer(operation, null);
            return await ParkAsync(queue, park is null ? body : park(body), messageId, ex.Message, cancellationToken);
        }

        using var activity = ListeningTelemetry.StartConsumer(operation, traceParent(message));
        activity?.SetTag("messaging.destination.name", queue);
        activity?.SetTag("messaging.message.id", messageId);
        try
        {
            return await work(message);
        }
        catch (InvalidMessageException ex)
        {
            return await ParkAsync(queue, park is null ? body : park(body), messageId, ex.Message, cancellationToken);
        }
    }

    /// <summary>Moves the message to the poison queue with its reason, logged once; the handler's message is done.</summary>
    public async Task<HandlerOutcome> ParkAsync(string queue, string body, string messageId, string reason, CancellationToken cancellationToken)
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
