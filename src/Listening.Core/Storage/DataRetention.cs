using Azure;
using Azure.Data.Tables;
using Listening.Core.Configuration;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Listening.Core.Storage;

/// <summary>
/// The daily <c>Retention</c> run: deletes archived raw snapshots captured more than <c>RawRetentionDays</c> ago
/// and observations, Meta's daily values and summaries of days more than <c>AggregateRetentionDays</c> back. Deletes go per partition in
/// entity group transactions. Every row key of those tables starts with its time or date (TableKeys.cs),
/// which is what makes one range filter enough (docs/data-model.md, "Retention").
/// </summary>
public sealed partial class DataRetention(
    ListeningStorage storage,
    LocalCalendar calendar,
    TimeProvider time,
    IOptions<ListeningOptions> options,
    ILogger<DataRetention> logger)
{
    public async Task<RetentionResult> RunAsync(CancellationToken cancellationToken)
    {
        await storage.EnsureCreatedAsync(cancellationToken);
        var now = time.GetUtcNow();
        var rawCutoff = now.AddDays(-options.Value.RawRetentionDays);
        var aggregateCutoff = calendar.DateOf(now).AddDays(-options.Value.AggregateRetentionDays);

        var raw = await DeleteBelowAsync(storage.Tables.RawSnapshots, RawArchiveKeys.Before(rawCutoff), cancellationToken);
        var dateKey = DayKey.Of(aggregateCutoff);
        var observations = await DeleteBelowAsync(storage.Tables.Observations, dateKey, cancellationToken);
        var summaries = await DeleteBelowAsync(storage.Tables.Summaries, dateKey, cancellationToken);

        // Meta's daily values are aggregates too (RowKey {Meta date}_{metric}).
        var insights = await DeleteBelowAsync(storage.Tables.Insights, dateKey, cancellationToken);

        var result = new RetentionResult(rawCutoff, aggregateCutoff, raw, observations + insights, summaries);
        LogRetention(logger, raw, rawCutoff, observations, summaries, aggregateCutoff);
        return result;
    }

    /// <summary>Rows read per query page: what one table holds in memory at a time (tests make it small).</summary>
    internal int PageSize { get; init; } = 1000;

    /// <summary>The most rows held at once by the last run (one query page at most).</summary>
    internal int MostRowsHeld { get; private set; }

    /// <summary>
    /// Deletes every row whose RowKey sorts below <paramref name="rowKeyBound"/>, in all partitions, one query page at
    /// a time: each page's rows are deleted per partition before the next page is read, so memory stays bounded
    /// however much is due. Deleting rows already read does not disturb the continuation, which points past them.
    /// </summary>
    private async Task<int> DeleteBelowAsync(TableClient table, string rowKeyBound, CancellationToken cancellationToken)
    {
        var filter = TableClient.CreateQueryFilter($"RowKey lt {rowKeyBound}");
        var deleted = 0;
        await foreach (var page in table.QueryAsync<TableEntity>(filter, maxPerPage: PageSize, select: ["PartitionKey", "RowKey"], cancellationToken: cancellationToken).AsPages())
        {
            MostRowsHeld = Math.Max(MostRowsHeld, page.Values.Count);
            foreach (var partition in page.Values.GroupBy(r => r.PartitionKey, StringComparer.Ordinal))
            {
                foreach (var chunk in partition.Chunk(ListeningTables.MaxOperationsPerTransaction))
                {
                    try
                    {
                        await table.SubmitTransactionAsync(chunk.Select(r => new TableTransactionAction(TableTransactionActionType.Delete, r, ETag.All)), cancellationToken);
                    }
                    catch (TableTransactionFailedException ex) when (ex.Status == 404)
                    {
                        // Someone deleted a row of the chunk first (a parallel run): delete the rest one by one.
                        foreach (var row in chunk)
                        {
                            await table.DeleteEntityAsync(row.PartitionKey, row.RowKey, ETag.All, cancellationToken);
                        }
                    }
                }
            }

            deleted += page.Values.Count;
        }

        return deleted;
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Retention: deleted {Raw} raw snapshots captured before {RawCutoff:O}, {Observations} observation rows and {Summaries} summaries of days before {AggregateCutoff}")]
    private static partial void LogRetention(ILogger logger, int raw, DateTimeOffset rawCutoff, int observations, int summaries, DateOnly aggregateCutoff);
}

/// <summary>What one retention run deleted; rows at or after the cutoffs stay.</summary>
public sealed record RetentionResult(DateTimeOffset RawCutoff, DateOnly AggregateCutoff, int RawDeleted, int ObservationsDeleted, int SummariesDeleted);
