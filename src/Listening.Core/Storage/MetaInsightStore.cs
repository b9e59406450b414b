using System.Globalization;
using Azure;
using Azure.Data.Tables;
using Listening.Core.Configuration;
using Listening.Core.Meta;
using Listening.Core.Contracts;
using Listening.Core.Storage;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Listening.Core.Storage;

/// <summary>
/// Meta's daily Page insights in table <c>metainsights</c>: one row per Page, Meta date and metric as Meta named
/// it (PartitionKey = Page id, RowKey = <c>{yyyy-MM-dd}_{metric}</c>). A row keeps the latest capture of its value
/// (ties: the larger value), so applying snapshots twice or in any order gives the same rows. A value is
/// <c>Complete</c> when it was captured after its Meta day ended; only complete values reach a summary.
/// </summary>
public sealed partial class MetaInsightStore(ListeningTables tables, IOptions<ListeningOptions> options, TimeProvider time, ILogger<MetaInsightStore> logger)
{
    private const int MaxAttempts = 25;
    private const int MaxOperationsPerTransaction = 100;

    public static string RowKey(DateOnly metaDate, string metric) => metaDate.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture) + "_" + metric;

    /// <summary>Stores the snapshot's insight values; returns the Meta dates that have complete values in it.</summary>
    public async Task<IReadOnlyList<DateOnly>> ApplyAsync(PageSnapshot snapshot, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(snapshot);
        if (snapshot.Insights.Count == 0)
        {
            return [];
        }

        await tables.EnsureCreatedAsync(cancellationToken);
        var incoming = snapshot.Insights
            .Select(v => MetaInsightEntity.From(snapshot.PageId, v, snapshot.CapturedAt))
            .GroupBy(e => e.RowKey, StringComparer.Ordinal)
            .Select(g => g.Aggregate((a, b) => b.Supersedes(a) ? b : a))
            .ToList();
        var first = incoming.Select(e => e.RowKey[..10]).Min(StringComparer.Ordinal)!;
        var last = incoming.Select(e => e.RowKey[..10]).Max(StringComparer.Ordinal)!;
        for (var attempt = 1; ; attempt++)
        {
            var stored = await ReadRowsAsync(snapshot.PageId, first, last + "_~", cancellationToken);
            var actions = new List<TableTransactionAction>();
            foreach (var row in incoming)
            {
                if (!stored.TryGetValue(row.RowKey, out var existing))
                {
                    actions.Add(new TableTransactionAction(TableTransactionActionType.Add, row));
                }
                else if (row.Supersedes(existing))
                {
                    actions.Add(new TableTransactionAction(TableTransactionActionType.UpdateReplace, row, existing.ETag));
                }
            }

            try
            {
                foreach (var chunk in actions.Chunk(MaxOperationsPerTransaction))
                {
                    await tables.Insights.SubmitTransactionAsync(chunk, cancellationToken);
                }

                break;
            }
            catch (RequestFailedException ex) when (ex.Status is 409 or 412 && attempt < MaxAttempts)
            {
                // Another instance wrote the same rows: read them again and keep the later capture.
                LogConflict(logger, snapshot.PageId, attempt);
                await Task.Delay(TimeSpan.FromMilliseconds(Random.Shared.Next(5, 20 * attempt)), time, cancellationToken);
            }
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

        var key = date.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
        var rows = (await ReadRowsAsync(pageId, key, key + "_~", cancellationToken)).Values.Where(r => r.Complete).ToList();
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

    private async Task<Dictionary<string, MetaInsightEntity>> ReadRowsAsync(string pageId, string fromKey, string toKey, CancellationToken cancellationToken)
    {
        await tables.EnsureCreatedAsync(cancellationToken);
        var filter = TableClient.CreateQueryFilter($"PartitionKey eq {pageId} and RowKey ge {fromKey} and RowKey lt {toKey}");
        var rows = new Dictionary<string, MetaInsightEntity>(StringComparer.Ordinal);
        await foreach (var row in tables.Insights.QueryAsync<MetaInsightEntity>(filter, maxPerPage: 1000, cancellationToken: cancellationToken))
        {
            rows[row.RowKey] = row;
        }

        return rows;
    }

    [LoggerMessage(Level = LogLevel.Debug, Message = "Insight rows of page {PageId} changed under us (attempt {Attempt}); merging again")]
    private static partial void LogConflict(ILogger logger, string pageId, int attempt);
}

/// <summary>One of Meta's daily values: Page, Meta date, the metric Meta named, the value and when it was captured.</summary>
public sealed class MetaInsightEntity : ITableEntity
{
    public string PartitionKey { get; set; } = "";

    public string RowKey { get; set; } = "";

    public DateTimeOffset? Timestamp { get; set; }

    public ETag ETag { get; set; }

    /// <summary>The metric name Meta reported the value under.</summary>
    public string Metric { get; set; } = "";

    /// <summary>Meta's date (Pacific day), yyyy-MM-dd.</summary>
    public string MetaDate { get; set; } = "";

    /// <summary>Meta's <c>end_time</c> of the value.</summary>
    public DateTimeOffset EndTime { get; set; }

    public long Value { get; set; }

    public DateTimeOffset CapturedAt { get; set; }

    /// <summary>Captured after the Meta day ended: Meta's value for the whole day.</summary>
    public bool Complete { get; set; }

    [System.Runtime.Serialization.IgnoreDataMember]
    public DateOnly MetaDateValue => DateOnly.ParseExact(MetaDate, "yyyy-MM-dd", CultureInfo.InvariantCulture);

    public static MetaInsightEntity From(string pageId, InsightValue value, DateTimeOffset capturedAt)
    {
        ArgumentNullException.ThrowIfNull(value);
        var date = MetaCalendar.DateOfEndTime(value.EndTime);
        return new MetaInsightEntity
        {
            PartitionKey = pageId,
            RowKey = MetaInsightStore.RowKey(date, value.Metric),
            Metric = value.Metric,
            MetaDate = date.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
            EndTime = value.EndTime.ToUniversalTime(),
            Value = value.Value,
            CapturedAt = capturedAt.ToUniversalTime(),
            Complete = capturedAt >= value.EndTime,
        };
    }

    /// <summary>The later capture wins; on equal capture times the larger value, so any order of arrival gives the same row.</summary>
    public bool Supersedes(MetaInsightEntity stored)
    {
        ArgumentNullException.ThrowIfNull(stored);
        var byTime = CapturedAt.CompareTo(stored.CapturedAt);
        return byTime != 0 ? byTime > 0 : Value > stored.Value;
    }
}
