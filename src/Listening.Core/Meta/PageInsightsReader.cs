using Listening.Core.Configuration;
using Listening.Core.Contracts;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Listening.Core.Meta;

/// <summary>
/// Meta's daily Page insights for a range of Meta's days. When Meta rejects a metric (code 100 fails the whole
/// call) the rejected ones are found: a metric the message names is dropped at once, else the set is bisected, each
/// round one batch; a rejected metric with an alias (<see cref="Contracts.MetricNames.DefaultAliases"/>) is asked for
/// under its new name. When Meta says "reduce the amount of data" (code 1, subcode 99) the window is halved.
/// Token errors, throttling and other errors end the read with the <see cref="GraphApiException"/>.
/// </summary>
public sealed partial class PageInsightsReader(GraphClient graph, GraphRequests requests, IOptions<ListeningOptions> options, TimeProvider time, ILogger<PageInsightsReader> logger)
{
    private readonly IReadOnlyDictionary<string, string> _aliases = options.Value.Facebook.EffectiveAliases;

    /// <summary>Page insights of Meta's days [from, to]; <paramref name="first"/> is the answer to the whole set, already asked in the pull's batch.</summary>
    internal async Task<List<InsightValue>> ReadAsync(
        GraphSession session, List<string> metrics, DateOnly from, DateOnly to, GraphResult first, CaptureFindings findings, CancellationToken cancellationToken)
    {
        var pageId = findings.PageId;
        var values = new List<InsightValue>();
        var pending = new List<InsightsRequest> { new([.. metrics], from, to, first) };
        while (pending.Count > 0)
        {
            var unanswered = pending.Where(p => p.Answer is null).ToList();
            if (unanswered.Count > 0)
            {
                var answers = await graph.BatchAsync(session, [.. unanswered.Select(p => requests.Insights(pageId, p.Metrics, p.From, p.To))], cancellationToken);
                var k = 0;
                pending = [.. pending.Select(p => p.Answer is null ? p with { Answer = answers[k++] } : p)];
            }

            var next = new List<InsightsRequest>();
            foreach (var request in pending)
            {
                var (group, start, end) = (request.Metrics, request.From, request.To);
                var error = request.Answer!.Error;
                if (error is null)
                {
                    var malformed = new List<MalformedItem>();
                    values.AddRange(GraphPayload.ParseInsights(request.Answer.Body, time.GetUtcNow().AddDays(2), malformed));
                    foreach (var item in malformed)
                    {
                        findings.Skip(item);
                    }
                }
                else if (error.IsTokenError || error.IsThrottling)
                {
                    throw error;
                }
                else if (error.IsTooMuchData && end > start)
                {
                    var middle = start.AddDays((end.DayNumber - start.DayNumber) / 2);
                    LogHalvedWindow(logger, pageId, start, end);
                    next.Add(new InsightsRequest(group, start, middle));
                    next.Add(new InsightsRequest(group, middle.AddDays(1), end));
                }
                else if (IsMetricRejection(error, group))
                {
                    var named = group.Where(m => error.Message.Contains(m, StringComparison.Ordinal)).ToList();
                    List<List<string>> retry;
                    if (named.Count > 0 && named.Count < group.Count)
                    {
                        findings.Reject(named, error);
                        retry = [[.. group.Except(named)]];
                    }
                    else if (group.Count == 1)
                    {
                        findings.Reject(group, error);
                        retry = [];
                    }
                    else
                    {
                        retry = [group[..(group.Count / 2)], group[(group.Count / 2)..]];
                    }

                    // The new name of a rejected metric continues its series.
                    var successors = group.Where(findings.IsRejected)
                        .Select(m => _aliases.GetValueOrDefault(m))
                        .OfType<string>()
                        .Where(s => !metrics.Contains(s) && !findings.IsRejected(s))
                        .Distinct(StringComparer.Ordinal)
                        .ToList();
                    foreach (var successor in successors)
                    {
                        retry.Add([successor]);
                    }

                    next.AddRange(retry.Where(g => g.Count > 0).Select(g => new InsightsRequest(g, start, end)));
                }
                else
                {
                    throw error;
                }
            }

            pending = next;
        }

        if (findings.Rejected.Count > 0 && metrics.All(findings.IsRejected))
        {
            LogAllRejected(logger, pageId, metrics.Count);
        }

        return values;
    }

    /// <summary>Code 100 about metrics: Meta says "metric", or names one of those asked for.</summary>
    internal static bool IsMetricRejection(GraphApiException error, IReadOnlyCollection<string> metrics) =>
        error.IsInvalidParameter
        && (error.Message.Contains("metric", StringComparison.OrdinalIgnoreCase) || metrics.Any(m => error.Message.Contains(m, StringComparison.Ordinal)));

    [LoggerMessage(Level = LogLevel.Warning, Message = "Meta rejected every configured Page metric ({Count}) for page {PageId}: check Listening:Facebook:PageMetrics")]
    private static partial void LogAllRejected(ILogger logger, string pageId, int count);

    [LoggerMessage(Level = LogLevel.Information, Message = "Meta asked for less data: insights window {From} to {To} of page {PageId} is read in halves")]
    private static partial void LogHalvedWindow(ILogger logger, string pageId, DateOnly from, DateOnly to);
}

/// <summary>One insights call of the bisection: a set of metrics over Meta's days [From, To], and its answer once asked.</summary>
internal sealed record InsightsRequest(List<string> Metrics, DateOnly From, DateOnly To, GraphResult? Answer = null);
