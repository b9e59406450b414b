using Listening.Core.Aggregation;
using Listening.Core.Configuration;
using Listening.Core.Contracts;
using Listening.Core.Ingestion;
using Listening.Core.Notifications.Alerts;
using Listening.Core.Telemetry;
using Microsoft.Extensions.Options;

namespace Listening.Core.Pipeline;

/// <summary>
/// The <c>snapshots</c> queue: applies one snapshot to the tables (<see cref="SnapshotAggregator"/>), then raises
/// the alerts it shows (<see cref="SnapshotAlerts"/>). A snapshot of a Page that is not configured is parked.
/// Shared by the Functions app (<c>AggregateSnapshot</c>) and the CLI (<see cref="QueueDrain"/>).
/// </summary>
public sealed class SnapshotHandler(
    SnapshotAggregator aggregator,
    SnapshotAlerts alerts,
    PageDirectory pages,
    DecodeOrPark gate,
    TimeProvider time,
    IOptions<ListeningOptions> options)
{
    private readonly string _queue = options.Value.Queues.Snapshots;

    public Task<HandlerOutcome> HandleAsync(string body, string messageId, CancellationToken cancellationToken) =>
        gate.RunAsync("HandleSnapshot", _queue, body, messageId, b => MessageCodec.DecodeSnapshot(b, time.GetUtcNow()), m => m.TraceParent, async snapshot =>
        {
            // Before anything is written (the archive included), so that replay never picks it up either.
            if (!pages.IsConfigured(snapshot.PageId))
            {
                throw new InvalidMessageException($"page {snapshot.PageId} is not configured (Listening:Pages)");
            }

            var result = await aggregator.ApplyAsync(snapshot, cancellationToken);
            ListeningTelemetry.SnapshotsApplied.Add(1);

            // After the tables are written, so a failure here retries the (idempotent) apply and the alerts.
            await alerts.DetectAsync(snapshot, result, cancellationToken);
            return HandlerOutcome.Done;
        }, cancellationToken);
}
