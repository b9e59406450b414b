using Azure.Storage.Queues.Models;
using Listening.Core.Pipeline;
using Microsoft.Azure.Functions.Worker;

namespace Listening.Functions;

/// <summary>Applies one snapshot to the tables and rebuilds the summaries it touches.</summary>
public sealed class AggregateSnapshot(SnapshotHandler handler)
{
    [Function(nameof(AggregateSnapshot))]
    public Task Run([QueueTrigger("%SnapshotsQueue%")] QueueMessage message, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(message);
        return handler.HandleAsync(message.Body.ToString(), message.MessageId, cancellationToken);
    }
}
