using Azure.Storage.Queues.Models;
using Listening.Core.Pipeline;
using Microsoft.Azure.Functions.Worker;

namespace Listening.Functions;

/// <summary>Posts one notification to its Teams channel, once.</summary>
public sealed class SendNotification(NotificationHandler handler)
{
    [Function(nameof(SendNotification))]
    public Task Run([QueueTrigger("%NotificationsQueue%")] QueueMessage message, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(message);
        return handler.HandleAsync(message.Body.ToString(), message.MessageId, cancellationToken);
    }
}
