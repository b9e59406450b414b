using Azure.Storage.Queues;
using Azure.Storage.Queues.Models;

namespace Listening.IntegrationTests.Infrastructure;

/// <summary>
/// Takes a queue's messages with parallel workers, as the Functions host does (host.json: <c>batchSize</c> 16,
/// <c>maxDequeueCount</c> 5): a message whose function throws comes back (at once here, instead of after the
/// visibility timeout) and after its fifth try moves to <c>{queue}-poison</c>, as the host moves it. Two workers can
/// hold the same message only when it comes back; duplicates are the caller's to post.
/// </summary>
public static class HostQueueDrain
{
    public const int MaxDequeueCount = 5;

    /// <summary>Runs <paramref name="function"/> on every message until the queue is empty.</summary>
    /// <param name="poison">The host's poison queue of <paramref name="queue"/> (<c>{queue}-poison</c>).</param>
    public static async Task<DrainResult> DrainAsync(QueueClient queue, QueueClient poison, int workers, Func<QueueMessage, Task> function)
    {
        ArgumentNullException.ThrowIfNull(queue);
        ArgumentNullException.ThrowIfNull(poison);
        ArgumentNullException.ThrowIfNull(function);
        await queue.CreateIfNotExistsAsync();
        await poison.CreateIfNotExistsAsync();
        var handled = 0;
        var failed = 0;
        var poisoned = 0;
        var errors = new System.Collections.Concurrent.ConcurrentQueue<string>();
        do
        {
            await Task.WhenAll(Enumerable.Range(0, workers).Select(_ => Task.Run(async () =>
            {
                while (true)
                {
                    QueueMessage[] batch = (await queue.ReceiveMessagesAsync(1, TimeSpan.FromMinutes(5))).Value;
                    if (batch.Length == 0)
                    {
                        return;
                    }

                    var message = batch[0];
                    try
                    {
                        await function(message);
                        await queue.DeleteMessageAsync(message.MessageId, message.PopReceipt);
                        Interlocked.Increment(ref handled);
                    }
                    catch (Exception ex) when (ex is not OutOfMemoryException)
                    {
                        Interlocked.Increment(ref failed);
                        errors.Enqueue(ex.GetType().Name + ": " + ex.Message);
                        if (message.DequeueCount >= MaxDequeueCount)
                        {
                            await poison.SendMessageAsync(message.Body);
                            await queue.DeleteMessageAsync(message.MessageId, message.PopReceipt);
                            Interlocked.Increment(ref poisoned);
                        }
                        else
                        {
                            await queue.UpdateMessageAsync(message.MessageId, message.PopReceipt, visibilityTimeout: TimeSpan.Zero);
                        }
                    }
                }
            })));
        }
        while ((await queue.PeekMessagesAsync(1)).Value.Length > 0);

        return new DrainResult(handled, failed, poisoned, [.. errors]);
    }

    /// <summary>Messages handled, function failures (each put back or parked), messages parked, and the failures' messages.</summary>
    public sealed record DrainResult(int Handled, int Failed, int Poisoned, IReadOnlyList<string> Errors);
}
