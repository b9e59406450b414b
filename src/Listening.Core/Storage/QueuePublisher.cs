using Azure.Storage.Queues;
using Listening.Core.Configuration;
using Listening.Core.Contracts;
using Listening.Core.Telemetry;
using Microsoft.Extensions.Options;

namespace Listening.Core.Storage;

/// <summary>Sends messages to the pipeline's queues, base64-encoded as the queue trigger expects.</summary>
public interface IQueuePublisher
{
    Task PublishAsync(PullRequest message, CancellationToken cancellationToken);

    Task PublishAsync(PageSnapshot message, CancellationToken cancellationToken);

    Task PublishAsync(NotificationMessage message, CancellationToken cancellationToken);

    /// <summary>Comment events (queue "comments"); the caller keeps each message under the size limit.</summary>
    Task PublishAsync(CommentBatch message, CancellationToken cancellationToken);
}

public sealed class QueuePublisher(QueueServiceClient service, IOptions<ListeningOptions> options) : IQueuePublisher
{
    private readonly QueueNames _names = options.Value.Queues;
    private readonly System.Collections.Concurrent.ConcurrentDictionary<string, Task<QueueClient>> _queues = new(StringComparer.Ordinal);

    public Task PublishAsync(PullRequest message, CancellationToken cancellationToken) =>
        SendAsync(_names.Pulls, MessageCodec.Encode(message with { TraceParent = message.TraceParent ?? ListeningTelemetry.CurrentTraceParent() }), cancellationToken);

    public Task PublishAsync(PageSnapshot message, CancellationToken cancellationToken) =>
        SendAsync(_names.Snapshots, MessageCodec.Encode(message with { TraceParent = message.TraceParent ?? ListeningTelemetry.CurrentTraceParent() }), cancellationToken);

    public Task PublishAsync(NotificationMessage message, CancellationToken cancellationToken) =>
        SendAsync(_names.Notifications, MessageCodec.Encode(message with { TraceParent = message.TraceParent ?? ListeningTelemetry.CurrentTraceParent() }), cancellationToken);

    public Task PublishAsync(CommentBatch message, CancellationToken cancellationToken) =>
        SendAsync(_names.Comments, MessageCodec.Encode(message with { TraceParent = message.TraceParent ?? ListeningTelemetry.CurrentTraceParent() }), cancellationToken);

    public async Task<QueueClient> QueueAsync(string name, CancellationToken cancellationToken) =>
        await _queues.GetOrAdd(name, async n =>
        {
            var queue = service.GetQueueClient(n);
            await queue.CreateIfNotExistsAsync(cancellationToken: cancellationToken);
            return queue;
        });

    private async Task SendAsync(string queueName, string body, CancellationToken cancellationToken)
    {
        var queue = await QueueAsync(queueName, cancellationToken);
        await queue.SendMessageAsync(body, cancellationToken);
    }
}
