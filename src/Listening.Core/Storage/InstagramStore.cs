using System.Globalization;
using Azure;
using Azure.Data.Tables;

namespace Listening.Core.Storage;

/// <summary>
/// The Instagram accounts linked to Pages (table <c>instagram</c>, keys in <see cref="InstagramKeys"/>): per account
/// and local day the account's last observation and each media item's, Meta's daily account values, and which
/// account a Page had on a day. The rule of which value a row keeps lives with the aggregation
/// (<c>Aggregation.InstagramDays</c>); this store reads and writes rows.
/// </summary>
public sealed class InstagramStore(ListeningStorage storage)
{
    /// <summary>The account's rows whose keys start with a date in [first, last], by row key.</summary>
    public async Task<Dictionary<string, InstagramRowEntity>> ReadDaysAsync(string accountId, DateOnly first, DateOnly last, CancellationToken cancellationToken)
    {
        await storage.EnsureCreatedAsync(cancellationToken);
        var filter = TableClient.CreateQueryFilter($"PartitionKey eq {accountId} and RowKey ge {InstagramKeys.From(first)} and RowKey lt {InstagramKeys.Through(last)}");
        var rows = new Dictionary<string, InstagramRowEntity>(StringComparer.Ordinal);
        await foreach (var row in storage.Tables.Instagram.QueryAsync<InstagramRowEntity>(filter, maxPerPage: 1000, cancellationToken: cancellationToken))
        {
            rows[row.RowKey] = row;
        }

        return rows;
    }

    /// <summary>
    /// Inserts new rows and replaces stored ones on the ETag they were read with (one partition, transactions of at
    /// most 100). False when another writer changed one of them meanwhile (the transactions before it stay).
    /// </summary>
    public async Task<bool> TryWriteAsync(IReadOnlyList<InstagramWrite> writes, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(writes);
        try
        {
            foreach (var partition in writes.GroupBy(w => w.Row.PartitionKey, StringComparer.Ordinal))
            {
                foreach (var chunk in partition.Chunk(ListeningTables.MaxOperationsPerTransaction))
                {
                    await storage.Tables.Instagram.SubmitTransactionAsync(
                        chunk.Select(w => w.Replaces is { } etag
                            ? new TableTransactionAction(TableTransactionActionType.UpdateReplace, w.Row, etag)
                            : new TableTransactionAction(TableTransactionActionType.Add, w.Row)),
                        cancellationToken);
                }
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
public sealed record InstagramWrite(InstagramRowEntity Row, ETag? Replaces);

/// <summary>
/// One row of the instagram table; which fields it uses depends on its key (<see cref="InstagramKeys"/>): the account
/// (<see cref="Followers"/> ...), a media item (<see cref="Timestamp"/> of publication is <see cref="PublishedAt"/> ...),
/// or Meta's daily value (<see cref="Metric"/>, <see cref="Value"/>).
/// </summary>
public sealed class InstagramRowEntity : ITableEntity
{
    public string PartitionKey { get; set; } = "";

    public string RowKey { get; set; } = "";

    public DateTimeOffset? Timestamp { get; set; }

    public ETag ETag { get; set; }

    /// <summary>The capture whose counters the row holds.</summary>
    public DateTimeOffset ObservedAt { get; set; }

    public string? PageId { get; set; }

    public string? AccountId { get; set; }

    public string? Username { get; set; }

    public bool Demo { get; set; }

    public long? Followers { get; set; }

    public long? Follows { get; set; }

    public long? MediaCount { get; set; }

    public DateTimeOffset? PublishedAt { get; set; }

    public string? Permalink { get; set; }

    /// <summary>The start of the caption (what a summary shows).</summary>
    public string? Excerpt { get; set; }

    public string? MediaType { get; set; }

    public string? ProductType { get; set; }

    public long? Likes { get; set; }

    public long? Comments { get; set; }

    /// <summary>Lifetime media insights as <c>name=value</c> pairs joined by ';', in ordinal order of the names.</summary>
    public string? Metrics { get; set; }

    /// <summary>The capture the <see cref="Metrics"/> come from (the last one of the day that carried any).</summary>
    public DateTimeOffset? MetricsAt { get; set; }

    /// <summary>Meta's daily value: the metric as Meta named it, its Meta date, the value, and whether the day was over at capture.</summary>
    public string? Metric { get; set; }

    public long? Value { get; set; }

    public bool Complete { get; set; }

    public static string FormatMetrics(IReadOnlyDictionary<string, long>? metrics) =>
        metrics is null || metrics.Count == 0
            ? ""
            : string.Join(';', metrics.OrderBy(m => m.Key, StringComparer.Ordinal).Select(m => m.Key + "=" + m.Value.ToString(CultureInfo.InvariantCulture)));

    public static IReadOnlyDictionary<string, long> ParseMetrics(string? text)
    {
        var metrics = new Dictionary<string, long>(StringComparer.Ordinal);
        foreach (var pair in (text ?? "").Split(';', StringSplitOptions.RemoveEmptyEntries))
        {
            var at = pair.IndexOf('=', StringComparison.Ordinal);
            if (at > 0 && long.TryParse(pair.AsSpan(at + 1), NumberStyles.None, CultureInfo.InvariantCulture, out var value))
            {
                metrics[pair[..at]] = value;
            }
        }

        return metrics;
    }
}
