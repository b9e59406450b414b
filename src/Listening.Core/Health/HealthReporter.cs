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
                RejectedMetrics = (s?.RejectedMetrics ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries),
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
    /// <summary>Metrics Meta rejected (code 100) and that are left out of the pulls until the configuration changes.</summary>
    public IReadOnlyList<string> RejectedMetrics { get; init; } = [];
}

public sealed record QueueHealth(string Name, int Messages, int Poison);

[System.Text.Json.Serialization.JsonSourceGenerationOptions(System.Text.Json.JsonSerializerDefaults.Web, WriteIndented = true)]
[System.Text.Json.Serialization.JsonSerializable(typeof(HealthReport))]
public sealed partial class HealthJsonContext : System.Text.Json.Serialization.JsonSerializerContext;
