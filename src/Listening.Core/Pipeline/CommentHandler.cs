using System.Text.Json;
using System.Text.Json.Nodes;
using Listening.Core.Aggregation;
using Listening.Core.Comments;
using Listening.Core.Configuration;
using Listening.Core.Contracts;
using Listening.Core.Ingestion;
using Listening.Core.Notifications.Alerts;
using Listening.Core.Telemetry;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Listening.Core.Pipeline;

/// <summary>
/// The queue <c>comments</c>: triage of comment events (webhook or pull), the day summaries whose counts changed,
/// then the comment alerts. A message that can never succeed goes to <c>comments-poison</c> with the reason, and
/// without the comments' text: what is parked is what the tables may keep (docs/privacy.md).
/// </summary>
public sealed partial class CommentHandler(
    CommentIntake triage,
    SummaryMaterializer materializer,
    CommentAlerts alerts,
    DecodeOrPark gate,
    PageDirectory pages,
    TimeProvider time,
    IOptions<ListeningOptions> options,
    ILogger<CommentHandler> logger)
{
    public Task<HandlerOutcome> HandleAsync(string body, string messageId, CancellationToken cancellationToken) =>
        HandleAsync(body, messageId, 1, cancellationToken);

    /// <param name="dequeueCount">The queue's count of tries of this message, this one included: above 1 the triage
    /// finishes what a failed try left undone (<see cref="CommentIntake.ApplyAsync(IEnumerable{CommentEvent}, bool, CancellationToken)"/>).</param>
    public Task<HandlerOutcome> HandleAsync(string body, string messageId, long dequeueCount, CancellationToken cancellationToken) =>
        // Parked without the comments' text: the poison queue and the poison log keep what the tables may keep.
        gate.RunAsync("HandleComments", options.Value.Queues.Comments, body, messageId, b => MessageCodec.DecodeComments(b, time.GetUtcNow()), m => m.TraceParent, async batch =>
        {
            var events = new List<CommentEvent>();
            foreach (var e in batch.Events)
            {
                if (await pages.IsConfiguredAsync(e.PageId, cancellationToken))
                {
                    events.Add(e);
                }
            }

            if (events.Count < batch.Events.Count)
            {
                LogUnknownPages(logger, messageId, batch.Events.Count - events.Count);
            }

            var result = await triage.ApplyAsync(events, retry: dequeueCount > 1, cancellationToken);
            ListeningTelemetry.CommentsTriaged.Add(events.Count);

            // After the comment rows: a failure here retries the (idempotent) triage, which then rebuilds the counts and
            // summaries of every comment of the message and raises the alerts not yet raised.
            foreach (var (pageId, date) in result.AffectedDays)
            {
                await materializer.MaterializeAsync(pageId, date, cancellationToken);
            }

            await alerts.RaiseAsync(result, cancellationToken);
            return HandlerOutcome.Done;
        }, cancellationToken, park: WithoutText);

    /// <summary>The body without any comment text (<c>message</c>), or a note when it is no JSON at all.</summary>
    public static string WithoutText(string body)
    {
        try
        {
            var node = JsonNode.Parse(body, documentOptions: new JsonDocumentOptions { MaxDepth = 64 });
            Strip(node);
            return node?.ToJsonString() ?? "null";
        }
        catch (JsonException)
        {
            return $"{{\"unreadable\":true,\"note\":\"not JSON; {body.Length} characters dropped because they may hold comment text\"}}";
        }
    }

    private static void Strip(JsonNode? node)
    {
        switch (node)
        {
            case JsonObject o:
                o.Remove("message");
                foreach (var (_, child) in o.ToList())
                {
                    Strip(child);
                }

                break;
            case JsonArray a:
                foreach (var child in a)
                {
                    Strip(child);
                }

                break;
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Message {MessageId} holds {Count} comment events of Pages that are not configured (Listening:Pages); they are skipped")]
    private static partial void LogUnknownPages(ILogger logger, string messageId, int count);
}
