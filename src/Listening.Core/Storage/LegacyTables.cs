using Azure;
using Azure.Data.Tables;
using Listening.Core.Configuration;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Listening.Core.Storage;

/// <summary>
/// The upgrade to one table per installation (issue 16): copies the rows of the four tables before it
/// (<c>rawsnapshots</c>, <c>observations</c>, <c>summaries</c>, <c>metainsights</c>, <see cref="LegacyTableKeys"/>) into
/// <c>pagedays</c> under their kind's prefix. <c>listening replay</c> runs it first, so that it rebuilds the new table's
/// days from the old archive too. Only rows the new table lacks are inserted (a row the new version has written since
/// the upgrade is newer), and only rows within retention (so that a second run brings back nothing retention deleted).
/// Meta's values, one row per metric there, become one row per Meta date. The old tables are left as they are:
/// docs/deploy.md says when to delete them.
/// </summary>
public sealed partial class LegacyTables(
    ListeningStorage storage,
    LocalCalendar calendar,
    TimeProvider time,
    IOptions<ListeningOptions> options,
    ILogger<LegacyTables> logger)
{
    /// <summary>Copies the old tables' rows (of one Page, or all) that <c>pagedays</c> lacks; the number of rows inserted.</summary>
    public async Task<int> MigrateAsync(string? pageId, CancellationToken cancellationToken)
    {
        await storage.EnsureCreatedAsync(cancellationToken);
        var now = time.GetUtcNow();
        var rawBound = RawArchiveKeys.Before(now.AddDays(-options.Value.RawRetentionDays));
        var aggregateBound = DayKey.Of(calendar.DateOf(now).AddDays(-options.Value.AggregateRetentionDays));
        var filter = pageId is null ? null : TableClient.CreateQueryFilter($"PartitionKey eq {pageId}");
        var copied = 0;
        foreach (var (name, kind) in LegacyTableKeys.Tables)
        {
            var old = storage.Tables.Legacy(name);
            var rows = 0;
            try
            {
                // Meta's values were one row per metric and are one row per Meta date now: the rows of a Page are
                // gathered (they come sorted by Page) and packed when the next Page begins.
                var meta = new List<TableEntity>();
                await foreach (var page in old.QueryAsync<TableEntity>(filter, maxPerPage: 1000, cancellationToken: cancellationToken).AsPages())
                {
                    var due = page.Values.Where(r => !LegacyTableKeys.IsBefore(kind, r.RowKey, rawBound, aggregateBound));
                    if (kind == PageDayKinds.Meta)
                    {
                        foreach (var row in due)
                        {
                            if (meta.Count > 0 && meta[0].PartitionKey != row.PartitionKey)
                            {
                                rows += await InsertMissingAsync(PackedMeta(meta), cancellationToken);
                                meta.Clear();
                            }

                            meta.Add(row);
                        }

                        continue;
                    }

                    rows += await InsertMissingAsync(due.Select(r => Moved(r, kind)), cancellationToken);
                }

                rows += await InsertMissingAsync(PackedMeta(meta), cancellationToken);
            }
            catch (RequestFailedException ex) when (ex.Status == 404)
            {
                // The old table does not exist: an installation that started with pagedays, or one already cleaned up.
            }

            if (rows > 0)
            {
                LogMigrated(logger, rows, name);
            }

            copied += rows;
        }

        return copied;
    }

    private static TableEntity Moved(TableEntity row, string kind)
    {
        var moved = new TableEntity(row.PartitionKey, LegacyTableKeys.RowOf(kind, row.RowKey));
        foreach (var (key, value) in row)
        {
            if (key is not "PartitionKey" and not "RowKey" and not "Timestamp" and not "odata.etag")
            {
                moved[key] = value;
            }
        }

        return moved;
    }

    /// <summary>Old Meta rows (one per metric) of one Page as rows of Meta dates.</summary>
    private static IEnumerable<TableEntity> PackedMeta(List<TableEntity> rows) =>
        rows.GroupBy(r => DayKey.Parse(r.RowKey)).Select(date => MetaDayStore.Pack(date.First().PartitionKey, date.Key, date.Select(r =>
        {
            var captured = r.GetDateTimeOffset(nameof(MetaInsightEntity.CapturedAt)) ?? DateTimeOffset.MinValue;
            var end = r.GetDateTimeOffset(nameof(MetaInsightEntity.EndTime)) ?? DateTimeOffset.MaxValue;
            return new MetaInsightEntity
            {
                Metric = r.GetString(nameof(MetaInsightEntity.Metric)) ?? r.RowKey[(DayKey.Length + 1)..],
                Value = r.GetInt64(nameof(MetaInsightEntity.Value)) ?? 0,
                CapturedAt = captured,
                EndTime = end,
                OtherValueAt = r.GetDateTimeOffset(nameof(MetaInsightEntity.OtherValueAt)),
            };
        })));

    /// <summary>Per Page, transactions of up to 100 inserts (<see cref="InsertMissingAsync(TableEntity[], CancellationToken)"/>).</summary>
    private async Task<int> InsertMissingAsync(IEnumerable<TableEntity> rows, CancellationToken cancellationToken)
    {
        var inserted = 0;
        foreach (var partition in rows.GroupBy(r => r.PartitionKey, StringComparer.Ordinal))
        {
            foreach (var chunk in partition.Chunk(ListeningTables.MaxOperationsPerTransaction))
            {
                inserted += await InsertMissingAsync(chunk, cancellationToken);
            }
        }

        return inserted;
    }

    /// <summary>Inserts the rows in one transaction; when one of them exists already, the others one by one.</summary>
    private async Task<int> InsertMissingAsync(TableEntity[] rows, CancellationToken cancellationToken)
    {
        try
        {
            await storage.Tables.PageDays.SubmitTransactionAsync(rows.Select(r => new TableTransactionAction(TableTransactionActionType.Add, r)), cancellationToken);
            return rows.Length;
        }
        catch (TableTransactionFailedException ex) when (ex.Status == 409)
        {
            var inserted = 0;
            foreach (var row in rows)
            {
                try
                {
                    await storage.Tables.PageDays.AddEntityAsync(row, cancellationToken);
                    inserted++;
                }
                catch (RequestFailedException conflict) when (conflict.Status == 409)
                {
                    // Written by the new version since the upgrade: newer than the old row.
                }
            }

            return inserted;
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Upgrade: copied {Rows} rows of the old table {Table} into pagedays")]
    private static partial void LogMigrated(ILogger logger, int rows, string table);
}
