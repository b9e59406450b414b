using Listening.Core.Configuration;
using Listening.Core.Contracts;
using Listening.Core.Ingestion;
using Listening.Core.Notifications.Alerts;
using Listening.Core.Telemetry;
using Microsoft.Extensions.Options;

namespace Listening.Core.Pipeline;

/// <summary>
/// The <c>pulls</c> queue: pulls one Page (<see cref="PagePuller"/>) and raises the alerts of what the pull found
/// (<see cref="IngestionAlerts"/>). Shared by the Functions app (<c>PullPage</c>) and the CLI (<see cref="QueueDrain"/>).
/// </summary>
public sealed class PullHandler(
    PagePuller puller,
    IngestionAlerts ingestionAlerts,
    DecodeOrPark gate,
    TimeProvider time,
    IOptions<ListeningOptions> options)
{
    private readonly string _queue = options.Value.Queues.Pulls;

    public Task<HandlerOutcome> HandleAsync(string body, string messageId, CancellationToken cancellationToken) =>
        HandleAsync(body, messageId, null, cancellationToken);

    /// <param name="pulled">Told what the pull did (the CLI names a Page whose token is invalid or whose pull failed).</param>
    public Task<HandlerOutcome> HandleAsync(string body, string messageId, Action<PullRequest, PullOutcome>? pulled, CancellationToken cancellationToken) =>
        gate.RunAsync("HandlePull", _queue, body, messageId, b => MessageCodec.DecodePull(b, time.GetUtcNow()), m => m.TraceParent, async request =>
        {
            var outcome = await puller.PullAsync(request, cancellationToken);
            await ingestionAlerts.RaiseAsync(outcome, cancellationToken);
            ListeningTelemetry.Pulls.Add(1);
            pulled?.Invoke(request, outcome);
            return HandlerOutcome.Done;
        }, cancellationToken);
}
