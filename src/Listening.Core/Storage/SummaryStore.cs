using Azure;
using Azure.Data.Tables;

namespace Listening.Core.Storage;

/// <summary>The materialized daily summaries (table <c>summaries</c>: PartitionKey = Page id, RowKey = <see cref="SummaryKeys"/>).</summary>
public interface ISummaryStore
{
    /// <summary>One Page's summary of one day: a point read; null when there is none.</summary>
    Task<SummaryEntity?> ReadDayAsync(string pageId, DateOnly day, CancellationToken cancellationToken);

    /// <summary>
    /// One Page's summaries from <paramref name="first"/> to <paramref name="last"/> (both included), oldest first: one
    /// partition range query. Rows of the partition that are not a day's summary are left out; a table that does not
    /// exist yet holds no summaries.
    /// </summary>
    Task<IReadOnlyList<StoredSummary>> ReadRangeAsync(string pageId, DateOnly first, DateOnly last, CancellationToken cancellationToken);

    /// <summary>
    /// Stores a summary: inserted when <paramref name="expected"/> is null, else replaced only while the stored one
    /// still has that ETag. Another writer's summary in between makes it a <see cref="ConditionalWrite.Conflict"/>.
    /// </summary>
    Task<ConditionalWrite> TryWriteAsync(SummaryEntity summary, ETag? expected, CancellationToken cancellationToken);
}

/// <summary>A stored summary row and its day.</summary>
public sealed record StoredSummary(DateOnly Date, SummaryEntity Entity);

public sealed class SummaryStore(ListeningStorage storage) : ISummaryStore
{
    /// <summary>Entities per response page; a year and its predecessor (732 days) fit into one.</summary>
    private const int PageSize = 1000;

    public async Task<SummaryEntity?> ReadDayAsync(string pageId, DateOnly day, CancellationToken cancellationToken)
    {
        var response = await storage.Tables.PageDays.GetEntityIfExistsAsync<SummaryEntity>(pageId, SummaryKeys.Day(day), cancellationToken: cancellationToken);
        return response.HasValue ? response.Value : null;
    }

    public async Task<IReadOnlyList<StoredSummary>> ReadRangeAsync(string pageId, DateOnly first, DateOnly last, CancellationToken cancellationToken)
    {
        var filter = TableClient.CreateQueryFilter($"PartitionKey eq {pageId} and RowKey ge {SummaryKeys.Day(first)} and RowKey le {SummaryKeys.Day(last)}");
        var rows = new List<StoredSummary>();
        try
        {
            await foreach (var entity in storage.Tables.PageDays.QueryAsync<SummaryEntity>(filter, PageSize, cancellationToken: cancellationToken))
            {
                if (SummaryKeys.TryDateOf(entity.RowKey, out var date))
                {
                    rows.Add(new StoredSummary(date, entity));
                }
            }
        }
        catch (RequestFailedException ex) when (ex.Status == 404)
        {
            // The table does not exist yet: nothing has been aggregated.
        }

        return rows;
    }

    public async Task<ConditionalWrite> TryWriteAsync(SummaryEntity summary, ETag? expected, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(summary);
        try
        {
            var response = expected is { } etag
                ? await storage.Tables.PageDays.UpdateEntityAsync(summary, etag, TableUpdateMode.Replace, cancellationToken)
                : await storage.Tables.PageDays.AddEntityAsync(summary, cancellationToken);
            return ConditionalWrite.Done(response.Headers.ETag);
        }
        catch (RequestFailedException ex) when (ConditionalWrite.IsConflict(ex.Status))
        {
            return ConditionalWrite.Conflict;
        }
    }
}
