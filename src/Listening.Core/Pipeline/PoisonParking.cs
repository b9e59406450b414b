using Listening.Core.Storage;

namespace Listening.Core.Pipeline;

/// <summary>
/// Parks a message that can never be processed in <c>{queue}-poison</c>, where the Functions host puts messages
/// that failed <c>maxDequeueCount</c> times: one place to look, one way to retry.
/// </summary>
public sealed class PoisonParking(QueuePublisher queues)
{
    public static string NameFor(string queue) => queue + "-poison";

    public async Task MoveAsync(string queue, string body, CancellationToken cancellationToken)
    {
        var poison = await queues.QueueAsync(NameFor(queue), cancellationToken);
        await poison.SendMessageAsync(body, timeToLive: TimeSpan.FromSeconds(-1), cancellationToken: cancellationToken);
    }
}
