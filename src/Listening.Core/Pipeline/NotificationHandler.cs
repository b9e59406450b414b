using Listening.Core.Configuration;
using Listening.Core.Contracts;
using Listening.Core.Notifications;
using Listening.Core.Telemetry;
using Microsoft.Extensions.Options;

namespace Listening.Core.Pipeline;

/// <summary>
/// The <c>notifications</c> queue: posts one notification to its Teams channels, once (<see cref="NotificationDispatcher"/>).
/// A notification that will never be delivered is parked (the dispatcher names the body to park).
/// Shared by the Functions app (<c>SendNotification</c>) and the CLI (<see cref="QueueDrain"/>).
/// </summary>
public sealed class NotificationHandler(
    NotificationDispatcher dispatcher,
    DecodeOrPark gate,
    IOptions<ListeningOptions> options)
{
    private readonly string _queue = options.Value.Queues.Notifications;

    public Task<HandlerOutcome> HandleAsync(string body, string messageId, CancellationToken cancellationToken) =>
        gate.RunAsync("HandleNotification", _queue, body, messageId, MessageCodec.DecodeNotification, m => m.TraceParent, async message =>
        {
            try
            {
                if (await dispatcher.DispatchAsync(message, cancellationToken) == DeliveryOutcome.Sent)
                {
                    ListeningTelemetry.NotificationsSent.Add(1);
                }

                return HandlerOutcome.Done;
            }
            catch (NotificationUndeliverableException ex)
            {
                return await gate.ParkAsync(_queue, ex.ParkedBody ?? body, messageId, ex.Message, cancellationToken);
            }
        }, cancellationToken);
}
