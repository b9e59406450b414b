using Listening.Core.Configuration;
using Listening.Core.Contracts;
using Microsoft.Extensions.Options;

namespace Listening.Core.Storage;

/// <summary>Puts a notification back on its queue to be tried again later.</summary>
public interface INotificationRetries
{
    /// <summary>Sends the message as it is (no trace parent added), invisible for <paramref name="delay"/>, with no expiry.</summary>
    Task SendLaterAsync(NotificationMessage message, TimeSpan delay, CancellationToken cancellationToken);
}

public sealed class NotificationRetries(QueuePublisher queues, IOptions<ListeningOptions> options) : INotificationRetries
{
    public async Task SendLaterAsync(NotificationMessage message, TimeSpan delay, CancellationToken cancellationToken)
    {
        var queue = await queues.QueueAsync(options.Value.Queues.Notifications, cancellationToken);
        await queue.SendMessageAsync(
            MessageCodec.Encode(message),
            visibilityTimeout: delay, timeToLive: TimeSpan.FromSeconds(-1), cancellationToken: cancellationToken);
    }
}
