using Listening.Core.Configuration;
using Listening.Core.Ingestion;
using Listening.Core.Storage;
using Microsoft.Extensions.Options;

namespace Listening.Core.Health;

/// <summary>What /api/health shows: per Page the last pull and token state, queue depths. Nothing secret.</summary>
public sealed class HealthReporter(
    PageDirectory pages,
    PageStateStore state,
    QueuePublisher queues,
    IOptions<ListeningOptions> options,
    TimeProvider time)
{
    public static readonly TimeSpan StalledAfter = TimeSpan.FromHours(2);

    public async Task<HealthReport> ReportAsync(CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        var states = (await state.AllAsync(cancellationToken)).ToDictionary(s => s.RowKey, StringComparer.Ordinal);
        var pageReports = pages.All.Select(p =>
        {
            states.TryGetValue(p.Id, out var s);
            var last = s?.LastSuccessfulPull;
            return new PageHealth(p.Id, s?.PageName ?? p.Name ?? p.Id, last,
                string.IsNullOrEmpty(s?.TokenState) ? (options.Value.IsDemo ? "demo" : "unknown") : s!.TokenState,
                last is null || now - last > StalledAfter)
            {
                TokenProblem = s?.TokenProblem,
                TokenExpiresAt = s?.TokenExpiresAt,
                DataAccessExpiresAt = s?.DataAccessExpiresAt,
                TokenCheckedAt = s?.TokenCheckedAt,
                RejectedMetrics = s?.RejectedMetricList ?? [],
                PausedUntil = s?.ResumeAfter is { } resume && resume > now ? resume : null,
                PauseReason = s?.ResumeAfter is { } r && r > now ? s.ResumeReason : null,
                UsagePercent = s?.UsagePercent ?? 0,
                LastFailureAt = s?.LastFailureAt,
                LastFailure = s?.LastFailure,
                PagingStopped = s?.PagingStopped,
            };
        }).ToList();

        var names = options.Value.Queues;
        var queueReports = new List<QueueHealth>();
        foreach (var name in new[] { names.Pulls, names.Snapshots, names.Notifications })
        {
            var queue = await queues.QueueAsync(name, cancellationToken);
            var poison = await queues.QueueAsync(name + "-poison", cancellationToken);
            var depth = (await queue.GetPropertiesAsync(cancellationToken)).Value.ApproximateMessagesCount;
            var poisonDepth = (await poison.GetPropertiesAsync(cancellationToken)).Value.ApproximateMessagesCount;
            queueReports.Add(new QueueHealth(name, depth, poisonDepth));
        }

        var healthy = pageReports.All(p => !p.Stalled && p.TokenState is not "invalid") && queueReports.All(q => q.Poison == 0);
        return new HealthReport(healthy ? "healthy" : "degraded", options.Value.IsDemo, now, pageReports, queueReports);
    }
}

public sealed record HealthReport(string Status, bool Demo, DateTimeOffset CheckedAt, IReadOnlyList<PageHealth> Pages, IReadOnlyList<QueueHealth> Queues);

public sealed record PageHealth(string PageId, string Name, DateTimeOffset? LastSuccessfulPull, string TokenState, bool Stalled)
{
    /// <summary>Why the token is invalid ("expired", ...), when it is.</summary>
    public string? TokenProblem { get; init; }

    /// <summary>From <c>debug_token</c> (asked once a day): null when the token never expires.</summary>
    public DateTimeOffset? TokenExpiresAt { get; init; }

    /// <summary>When the token's data access lapses unless the granting user is active again.</summary>
    public DateTimeOffset? DataAccessExpiresAt { get; init; }

    public DateTimeOffset? TokenCheckedAt { get; init; }

    /// <summary>Metrics Meta rejected for this Page; they are no longer asked for.</summary>
    public IReadOnlyList<string> RejectedMetrics { get; init; } = [];

    /// <summary>Pulls of the Page pause until then (throttled, or slowing down before Meta throttles).</summary>
    public DateTimeOffset? PausedUntil { get; init; }

    public string? PauseReason { get; init; }

    /// <summary>The highest rate-limit usage Meta reported at the last pull, in percent.</summary>
    public int UsagePercent { get; init; }

    public DateTimeOffset? LastFailureAt { get; init; }

    /// <summary>The last failure in Meta's words (never secret).</summary>
    public string? LastFailure { get; init; }

    /// <summary>Why the last pull stopped paging the posts early (repeated link, page limit); null when it read them all.</summary>
    public string? PagingStopped { get; init; }
}

public sealed record QueueHealth(string Name, int Messages, int Poison);

[System.Text.Json.Serialization.JsonSourceGenerationOptions(System.Text.Json.JsonSerializerDefaults.Web, WriteIndented = true)]
[System.Text.Json.Serialization.JsonSerializable(typeof(HealthReport))]
public sealed partial class HealthJsonContext : System.Text.Json.Serialization.JsonSerializerContext;
