using Azure.Storage.Queues.Models;
using Listening.Core.Pipeline;
using Microsoft.Azure.Functions.Worker;

namespace Listening.Functions;

/// <summary>Pulls one Page from the Graph API (or the demo Page) and sends the snapshot on.</summary>
public sealed class PullPage(PullHandler handler)
{
    [Function(nameof(PullPage))]
    public Task Run([QueueTrigger("%PullsQueue%")] QueueMessage message, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(message);
        return handler.HandleAsync(message.Body.ToString(), message.MessageId, cancellationToken);
    }
}
