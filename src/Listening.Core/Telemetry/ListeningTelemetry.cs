using System.Diagnostics;
using System.Diagnostics.Metrics;

namespace Listening.Core.Telemetry;

/// <summary>
/// The pipeline's traces and metrics. One trace runs from the timer through pull, snapshot and aggregation to
/// the notification: each queue message carries the W3C <c>traceparent</c> of the activity that sent it.
/// </summary>
public static class ListeningTelemetry
{
    public const string Name = "Listening";

    public static readonly ActivitySource Source = new(Name);

    public static readonly Meter Meter = new(Name);

    public static readonly Counter<long> Pulls = Meter.CreateCounter<long>("listening.pulls", description: "Page pulls that produced a snapshot.");

    public static readonly Counter<long> GraphRequests = Meter.CreateCounter<long>("listening.graph.requests", description: "HTTP requests sent to the Graph API.");

    public static readonly Counter<long> GraphThrottles = Meter.CreateCounter<long>("listening.graph.throttles", description: "Graph answers that said we are throttled.");

    public static readonly Counter<long> SnapshotsApplied = Meter.CreateCounter<long>("listening.snapshots.applied", description: "Snapshots applied to the tables.");

    public static readonly Counter<long> NotificationsSent = Meter.CreateCounter<long>("listening.notifications.sent", description: "Notifications posted to Teams.");

    public static readonly Counter<long> MessagesPoisoned = Meter.CreateCounter<long>("listening.messages.poisoned", description: "Queue messages parked in a poison queue.");

    public static readonly Counter<long> CommentEventsReceived = Meter.CreateCounter<long>("listening.comments.received", description: "Comment events of configured Pages taken from Page webhook deliveries.");

    public static readonly Counter<long> WebhookChangesIgnored = Meter.CreateCounter<long>("listening.webhook.ignored", description: "Webhook changes that are no comment of a configured Page (other items and fields).");

    public static readonly Counter<long> CommentsTriaged = Meter.CreateCounter<long>("listening.comments.triaged", description: "Comment events applied to the comment triage.");

    /// <summary>Starts the activity of a queue handler as a child of the sender's, when the message names one.</summary>
    public static Activity? StartConsumer(string name, string? traceParent) =>
        ActivityContext.TryParse(traceParent, null, out var parent)
            ? Source.StartActivity(name, ActivityKind.Consumer, parent)
            : Source.StartActivity(name, ActivityKind.Consumer);

    /// <summary>The current activity's W3C id, for the next message.</summary>
    public static string? CurrentTraceParent() =>
        Activity.Current is { IdFormat: ActivityIdFormat.W3C } current ? current.Id : null;
}

/// <summary>Counts Graph requests (and HTTP 429s; throttling codes in Graph error bodies are counted where they are parsed).</summary>
public sealed class GraphTelemetryHandler : DelegatingHandler
{
    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        ListeningTelemetry.GraphRequests.Add(1);
        var response = await base.SendAsync(request, cancellationToken);
        if ((int)response.StatusCode == 429)
        {
            ListeningTelemetry.GraphThrottles.Add(1);
        }

        return response;
    }
}
