using Azure;
using Azure.Data.Tables;
using Listening.Core.Configuration;
using Listening.Core.Contracts;

namespace Listening.Core.Storage;

/// <summary>
/// Meta's daily Page insights (table <c>metainsights</c>): one row per Page, Meta date and metric as Meta named it
/// (PartitionKey = Page id, RowKey = <see cref="MetaDayKeys"/>). The rule of which value a row keeps lives with the
/// aggregation (<c>Aggregation.MetaDays</c>); this store reads and writes rows.
/// </summary>
public sealed class MetaDayStore(ListeningStorage storage)
{
    /// <summary>The Page's rows of the Meta dates in [first, last], by row key.</summary>
    public async Task<Dictionary<string, MetaInsightEntity>> ReadDaysAsync(string pageId, DateOnly first, DateOnly last, CancellationToken cancellationToken)
    {
        await storage.EnsureCreatedAsync(cancellationToken);
        var filter = TableClient.CreateQueryFilter($"PartitionKey eq {pageId} and RowKey ge {MetaDayKeys.From(first)} and RowKey lt {MetaDayKeys.Through(last)}");
        var rows = new Dictionary<string, MetaInsightEntity>(StringComparer.Ordinal);
        await foreach (var row in storage.Tables.Insights.QueryAsync<MetaInsightEntity>(filter, maxPerPage: 1000, cancellationToken: cancellationToken))
        {
            rows[row.RowKey] = row;
        }

        return rows;
    }

    /// <summary>
    /// Inserts new rows and replaces stored ones on the ETag they were read with, in the order given (one Page,
    /// transactions of at most 100). False when another writer changed one of them meanwhile (the transactions before
    /// it stay).
    /// </summary>
    public async Task<bool> TryWriteAsync(IReadOnlyList<MetaDayWrite> writes, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(writes);
        var actions = writes.Select(w => w.Replaces is { } etag
            ? new TableTransactionAction(TableTransactionActionType.UpdateReplace, w.Row, etag)
            : new TableTransactionAction(TableTransactionActionType.Add, w.Row));
        try
        {
            foreach (var chunk in actions.Chunk(ListeningTables.MaxOperationsPerTransaction))
            {
                await storage.Tables.Insights.SubmitTransactionAsync(chunk, cancellationToken);
            }

            return true;
        }
        catch (RequestFailedException ex) when (ex.Status is 409 or 412)
        {
            return false;
        }
    }
}

/// <summary>A row to write: inserted when <paramref name="Replaces"/> is null, else replacing the stored row with that ETag.</summary>
public sealed record MetaDayWrite(MetaInsightEntity Row, ETag? Replaces);

/// <summary>One of Meta's daily values: Page, Meta date, the metric Meta named, the value and when it was captured.</summary>
public sealed class MetaInsightEntity : ITableEntity
{
    public string PartitionKey { get; set; } = "";

    public string RowKey { get; set; } = "";

    public DateTimeOffset? Timestamp { get; set; }

    public ETag ETag { get; set; }

    /// <summary>The metric name Meta reported the value under.</summary>
    public string Metric { get; set; } = "";

    /// <summary>Meta's date (Pacific day), as a <see cref="DayKey"/>.</summary>
    public string MetaDate { get; set; } = "";

    /// <summary>Meta's <c>end_time</c> of the value.</summary>
    public DateTimeOffset EndTime { get; set; }

    public long Value { get; set; }

    public DateTimeOffset CapturedAt { get; set; }

    /// <summary>Captured after the Meta day ended: Meta's value for the whole day.</summary>
    public bool Complete { get; set; }

    [System.Runtime.Serialization.IgnoreDataMember]
    public DateOnly MetaDateValue => DayKey.Parse(MetaDate);

    public static MetaInsightEntity From(string pageId, InsightValue value, DateTimeOffset capturedAt)
    {
        ArgumentNullException.ThrowIfNull(value);
        var date = MetaCalendar.DateOfEndTime(value.EndTime);
        return new MetaInsightEntity
        {
            PartitionKey = pageId,
            RowKey = MetaDayKeys.Row(date, value.Metric),
            Metric = value.Metric,
            MetaDate = DayKey.Of(date),
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
