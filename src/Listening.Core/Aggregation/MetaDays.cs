using Listening.Core.Configuration;
using Listening.Core.Contracts;
using Listening.Core.Storage;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Listening.Core.Aggregation;

/// <summary>
/// Meta's daily Page insights, kept in <see cref="MetaDayStore"/>: one row per Page, Meta date and metric as Meta
/// named it. A row keeps the latest capture of its value (ties: the larger value), so applying snapshots twice or in
/// any order gives the same rows. A value is <c>Complete</c> when it was captured after its Meta day ended; only
/// complete values reach a summary.
/// </summary>
public sealed partial class MetaDays(MetaDayStore store, IOptions<ListeningOptions> options, TimeProvider time, ILogger<MetaDays> logger)
{
    private const int MaxAttempts = 25;

    /// <summary>Stores the snapshot's insight values; returns the Meta dates that have complete values in it.</summary>
    public async Task<IReadOnlyList<DateOnly>> ApplyAsync(PageSnapshot snapshot, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(snapshot);
        if (snapshot.Insights.Count == 0)
        {
            return [];
        }

        var incoming = snapshot.Insights
            .Select(v => MetaInsightEntity.From(snapshot.PageId, v, snapshot.CapturedAt))
            .GroupBy(e => e.RowKey, StringComparer.Ordinal)
            .Select(g => g.Aggregate((a, b) => b.Supersedes(a) ? b : a))
            .ToList();
        var first = incoming.Min(e => e.MetaDateValue);
        var last = incoming.Max(e => e.MetaDateValue);
        for (var attempt = 1; ; attempt++)
        {
            var stored = await store.ReadDaysAsync(snapshot.PageId, first, last, cancellationToken);
            var writes = new List<MetaDayWrite>();
            foreach (var row in incoming)
            {
                if (!stored.TryGetValue(row.RowKey, out var existing))
                {
                    writes.Add(new MetaDayWrite(row, null));
                }
                else if (row.Supersedes(existing))
                {
                    writes.Add(new MetaDayWrite(row, existing.ETag));
                }
            }

            if (await store.TryWriteAsync(writes, cancellationToken))
            {
                break;
            }

            if (attempt >= MaxAttempts)
            {
                throw new WriteConflictException($"Meta's daily values of page {snapshot.PageId} kept changing under us: {MaxAttempts} attempts.");
            }

            // Another instance wrote the same rows: read them again and keep the later capture.
            LogConflict(logger, snapshot.PageId, attempt);
            await Task.Delay(TimeSpan.FromMilliseconds(Random.Shared.Next(5, 20 * attempt)), time, cancellationToken);
        }

        return [.. incoming.Where(e => e.Complete).Select(e => e.MetaDateValue).Distinct().Order()];
    }

    /// <summary>
    /// Meta's complete values for the Meta date <paramref name="date"/>, one per series (aliases applied), and a stamp
    /// that grows whenever they change (for <see cref="SummaryMaterializer"/>). Null when the day is not complete yet.
    /// </summary>
    public async Task<(MetaDaySummary? MetaDay, long StampTime, long StampCounters)> ReadDayAsync(string pageId, DateOnly date, CancellationToken cancellationToken)
    {
        // A value is complete only if captured after Meta's day ended, and no capture is accepted from further ahead
        // than the allowed clock skew: before that (on the fastest clock, with a second skew to spare) there is
        // nothing to read. This spares the live summary of today a query on every snapshot.
        if (time.GetUtcNow() + (2 * MessageCodec.AllowedClockSkew) < MetaCalendar.EndOf(date))
        {
            return (null, 0, 0);
        }

        var rows = (await store.ReadDaysAsync(pageId, date, date, cancellationToken)).Values.Where(r => r.Complete).ToList();
        long stampTime = 0, stampCounters = 0;
        foreach (var row in rows)
        {
            stampTime += row.CapturedAt.ToUnixTimeMilliseconds();
            stampCounters += row.Value;
        }

        return (Summarize(date, rows, options.Value.Facebook.EffectiveAliases), stampTime, stampCounters);
    }

    /// <summary>One value per series: the series' own metric if Meta reported it, else the latest value of an old name.</summary>
    internal static MetaDaySummary? Summarize(DateOnly date, IReadOnlyCollection<MetaInsightEntity> rows, IReadOnlyDictionary<string, string> aliases)
    {
        if (rows.Count == 0)
        {
            return null;
        }

        var metrics = new SortedDictionary<string, long>(StringComparer.Ordinal);
        var sources = new SortedDictionary<string, string>(StringComparer.Ordinal);
        foreach (var series in rows.GroupBy(r => MetricNames.SeriesOf(r.Metric, aliases), StringComparer.Ordinal))
        {
            var chosen = series.FirstOrDefault(r => r.Metric == series.Key)
                ?? series.OrderByDescending(r => r.CapturedAt).ThenBy(r => r.Metric, StringComparer.Ordinal).First();
            metrics[series.Key] = chosen.Value;
            if (chosen.Metric != series.Key)
            {
                sources[series.Key] = chosen.Metric;
            }
        }

        return new MetaDaySummary { Date = date, Metrics = metrics, Sources = sources };
    }

    [LoggerMessage(Level = LogLevel.Debug, Message = "Insight rows of page {PageId} changed under us (attempt {Attempt}); merging again")]
    private static partial void LogConflict(ILogger logger, string pageId, int attempt);
}
