using Azure.Storage.Queues.Models;
using Listening.Core.Pipeline;
using Microsoft.Azure.Functions.Worker;

namespace Listening.Functions;

/// <summary>Triages one message of comment events (from the webhook or the pull) and raises the comment alerts.</summary>
public sealed class TriageComments(CommentHandler handler)
{
    [Function(nameof(TriageComments))]
    public Task Run([QueueTrigger("%CommentsQueue%")] QueueMessage message, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(message);
        return handler.HandleAsync(message.Body.ToString(), message.MessageId, message.DequeueCount, cancellationToken);
    }
}
