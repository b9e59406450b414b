using Listening.Core.Storage;

namespace Listening.Core.Pipeline;

/// <summary>
/// Parks a message that can never be processed in <c>{queue}-poison</c>, where the Functions host puts messages
/// that failed <c>maxDequeueCount</c> times: one place to look (<c>listening poison list</c>), one way to retry
/// (<c>listening poison retry</c>). The reason is recorded first, so a parked message always has it.
/// </summary>
public sealed class PoisonParking(QueuePublisher queues, PoisonLog log) : IPoisonParking
{
    public static string NameFor(string queue) => queue + "-poison";

    public async Task MoveAsync(string queue, string body, string messageId, string reason, CancellationToken cancellationToken)
    {
        await log.RecordAsync(queue, body, messageId, reason, cancellationToken);
        var poison = await queues.QueueAsync(NameFor(queue), cancellationToken);
        await poison.SendMessageAsync(body, timeToLive: TimeSpan.FromSeconds(-1), cancellationToken: cancellationToken);
    }
}

/// <summary>Parks a message in its queue's poison queue with the reason (<see cref="PoisonParking"/>; substituted in unit tests).</summary>
public interface IPoisonParking
{
    Task MoveAsync(string queue, string body, string messageId, string reason, CancellationToken cancellationToken);
}
