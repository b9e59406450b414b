using Azure;
using Azure.Data.Tables;
using Listening.Core.Configuration;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Listening.Core.Storage;

/// <summary>
/// The daily <c>Retention</c> run: deletes archived raw snapshots captured more than <c>RawRetentionDays</c> ago
/// and observations, Meta's daily values and summaries of days more than <c>AggregateRetentionDays</c> back. Deletes go per partition in
/// entity group transactions. Every row key of those kinds starts with its kind and its time or date (TableKeys.cs),
/// which is what makes one range filter per kind enough (docs/data-model.md, "Retention").
/// Comments (docs/privacy.md): the rows of single comments and answers, the ids in the hourly counts, and the
/// alerts and deliveries that name a comment go after <c>Listening:Comments:RetentionDays</c>, in whole hours (so
/// the counts of an hour never lose part of their rows); the hourly counts live as long as the aggregates.
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

        // One scan of the Page days' table for its four kinds, each deleted below its own bound: the archive by
        // capture time, observations, Meta's values and summaries by their (local or Meta) date.
        var filter = TableClient.CreateQueryFilter(
            $"(RowKey ge {PageDayKinds.Archive} and RowKey lt {RawArchiveKeys.Before(rawCutoff)}) or (RowKey ge {PageDayKinds.Meta} and RowKey lt {MetaDayKeys.Before(aggregateCutoff)}) or (RowKey ge {PageDayKinds.Observation} and RowKey lt {ObservationKeys.Before(aggregateCutoff)}) or (RowKey ge {PageDayKinds.Summary} and RowKey lt {SummaryKeys.Before(aggregateCutoff)})");
        var byKind = await DeleteWhereByKindAsync(storage.Tables.PageDays, filter, cancellationToken);
        var raw = byKind.GetValueOrDefault(PageDayKinds.Archive);
        var observations = byKind.GetValueOrDefault(PageDayKinds.Observation);
        var summaries = byKind.GetValueOrDefault(PageDayKinds.Summary);
        var insights = byKind.GetValueOrDefault(PageDayKinds.Meta);

        // Instagram's rows (account, media, Meta's values) all start with their date.
        var dateKey = DayKey.Of(aggregateCutoff);
        insights += await DeleteBelowAsync(storage.Tables.Instagram, dateKey, cancellationToken);

        var comments = await DeleteCommentsAsync(now, aggregateCutoff, cancellationToken);

        var result = new RetentionResult(rawCutoff, aggregateCutoff, raw, observations + insights, summaries)
        {
            CommentCutoff = comments.Cutoff,
            CommentRowsDeleted = comments.Deleted,
            TrackedCleared = comments.Cleared,
        };
        LogRetention(logger, raw, rawCutoff, observations, summaries, aggregateCutoff);
        LogCommentRetention(logger, comments.Deleted, comments.Cleared.Count, comments.Cutoff);
        return result;
    }

    /// <summary>
    /// The comment instant before which nothing about a single comment is kept: <c>RetentionDays</c> back, down to the
    /// full hour (local and UTC hours begin together), so whole hours go. Triage ignores comments created before it.
    /// </summary>
    public static DateTimeOffset CommentCutoff(DateTimeOffset now, int retentionDays)
    {
        var cutoff = now.ToUniversalTime().AddDays(-retentionDays);
        return new DateTimeOffset(cutoff.Year, cutoff.Month, cutoff.Day, cutoff.Hour, 0, 0, TimeSpan.Zero);
    }

    private async Task<(DateTimeOffset Cutoff, int Deleted, IReadOnlyList<(string PageId, DateOnly Date)> Cleared)> DeleteCommentsAsync(
        DateTimeOffset now, DateOnly aggregateCutoff, CancellationToken cancellationToken)
    {
        var cutoff = CommentCutoff(now, options.Value.Comments.RetentionDays);
        var table = storage.Tables.Comments;

        // Single comments (c_) by creation time, the Page's answers (a_) by reply time.
        var deleted = await DeleteWhereAsync(table, TableClient.CreateQueryFilter(
            $"RowKey ge {CommentKeys.CommentPrefix} and RowKey lt {"c`"} and CreatedAt lt {cutoff}"), cancellationToken);
        deleted += await DeleteWhereAsync(table, TableClient.CreateQueryFilter(
            $"RowKey ge {CommentKeys.AnswerPrefix} and RowKey lt {"a`"} and RepliedAt lt {cutoff}"), cancellationToken);

        // The hourly counts past the aggregates' retention.
        deleted += await DeleteWhereAsync(table, TableClient.CreateQueryFilter(
            $"RowKey ge {CommentKeys.HourPrefix} and RowKey lt {CommentKeys.HoursBefore(aggregateCutoff)}"), cancellationToken);

        // The ids in the counts of the hours before the cutoff (local days up to the cutoff's, whose hours may straddle it).
        var cleared = new List<(string, DateOnly)>();
        var through = CommentKeys.HoursThrough(calendar.DateOf(cutoff));
        var filter = TableClient.CreateQueryFilter($"RowKey ge {CommentKeys.HourPrefix} and RowKey lt {through} and Tracked ne {""}");
        await foreach (var row in table.QueryAsync<CommentHourEntity>(filter, maxPerPage: PageSize, cancellationToken: cancellationToken))
        {
            var entries = TrackedEntry.Split(row.Tracked);
            var kept = entries.Where(e => e.CreatedAt >= cutoff).ToList();
            if (kept.Count == entries.Count && entries.Count > 0)
            {
                continue;
            }

            row.Tracked = TrackedEntry.Join(kept);
            try
            {
                await table.UpdateEntityAsync(row, row.ETag, TableUpdateMode.Replace, cancellationToken);
                cleared.Add((row.PartitionKey, CommentKeys.ParseHour(row.RowKey).Date));
            }
            catch (RequestFailedException ex) when (ConditionalWrite.IsConflict(ex.Status))
            {
                // Triage recounted the hour meanwhile (from rows this run already deleted); the next run looks again.
            }
        }

        // Alerts raised and deliveries recorded for a comment name it in their key and link.
        deleted += await DeleteWhereAsync(storage.Tables.AlertState, TableClient.CreateQueryFilter(
            $"PartitionKey eq {NotificationKeys.RaisedPartition} and RaisedAt lt {cutoff}"), cancellationToken, IsCommentAlert);
        deleted += await DeleteWhereAsync(storage.Tables.NotificationLog, TableClient.CreateQueryFilter(
            $"PartitionKey ge {"sent_"} and PartitionKey lt {"sent`"} and SentAt lt {cutoff}"), cancellationToken, IsCommentAlert);

        return (cutoff, deleted, [.. cleared.Distinct().Order()]);
    }

    /// <summary>The kinds of alert that name a comment (<c>comment-urgent</c>, <c>comment-abusive</c>, <c>questions-unanswered</c>).</summary>
    private static bool IsCommentAlert(TableEntity row) =>
        row.GetString("Kind") is { } kind && (kind.StartsWith("comment-", StringComparison.Ordinal) || kind == "questions-unanswered");

    private async Task<int> DeleteWhereAsync(TableClient table, string filter, CancellationToken cancellationToken, Func<TableEntity, bool>? also = null)
    {
        var deleted = 0;
        var select = also is null ? new[] { "PartitionKey", "RowKey" } : null;
        await foreach (var page in table.QueryAsync<TableEntity>(filter, maxPerPage: PageSize, select: select, cancellationToken: cancellationToken).AsPages())
        {
            MostRowsHeld = Math.Max(MostRowsHeld, page.Values.Count);
            var due = page.Values.Where(r => also is null || also(r)).ToList();
            await DeleteAsync(table, due, cancellationToken);
            deleted += due.Count;
        }

        return deleted;
    }

    /// <summary>Deletes the rows the filter matches, one query page at a time, and counts them by kind (the first two characters of the key).</summary>
    private async Task<Dictionary<string, int>> DeleteWhereByKindAsync(TableClient table, string filter, CancellationToken cancellationToken)
    {
        var deleted = new Dictionary<string, int>(StringComparer.Ordinal);
        await foreach (var page in table.QueryAsync<TableEntity>(filter, maxPerPage: PageSize, select: ["PartitionKey", "RowKey"], cancellationToken: cancellationToken).AsPages())
        {
            MostRowsHeld = Math.Max(MostRowsHeld, page.Values.Count);
            await DeleteAsync(table, page.Values, cancellationToken);
            foreach (var row in page.Values)
            {
                var kind = row.RowKey[..Math.Min(2, row.RowKey.Length)];
                deleted[kind] = deleted.GetValueOrDefault(kind) + 1;
            }
        }

        return deleted;
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
            await DeleteAsync(table, page.Values, cancellationToken);
            deleted += page.Values.Count;
        }

        return deleted;
    }

    /// <summary>Deletes rows per partition in entity group transactions.</summary>
    private static async Task DeleteAsync(TableClient table, IEnumerable<TableEntity> rows, CancellationToken cancellationToken)
    {
        foreach (var partition in rows.GroupBy(r => r.PartitionKey, StringComparer.Ordinal))
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
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Retention: deleted {Rows} rows about single comments created before {Cutoff:O}; comment ids taken out of the counts of {Days} Page days")]
    private static partial void LogCommentRetention(ILogger logger, int rows, int days, DateTimeOffset cutoff);

    [LoggerMessage(Level = LogLevel.Information, Message = "Retention: deleted {Raw} raw snapshots captured before {RawCutoff:O}, {Observations} observation rows and {Summaries} summaries of days before {AggregateCutoff}")]
    private static partial void LogRetention(ILogger logger, int raw, DateTimeOffset rawCutoff, int observations, int summaries, DateOnly aggregateCutoff);
}

/// <summary>What one retention run deleted; rows at or after the cutoffs stay.</summary>
public sealed record RetentionResult(DateTimeOffset RawCutoff, DateOnly AggregateCutoff, int RawDeleted, int ObservationsDeleted, int SummariesDeleted)
{
    /// <summary>Nothing about a single comment created before this instant is kept.</summary>
    public DateTimeOffset CommentCutoff { get; init; }

    /// <summary>Rows about single comments, answers, hourly counts past the aggregates' retention, comment alerts and their deliveries.</summary>
    public int CommentRowsDeleted { get; init; }

    /// <summary>The Pages' local days whose hourly counts lost comment ids: their day summaries are built again without them.</summary>
    public IReadOnlyList<(string PageId, DateOnly Date)> TrackedCleared { get; init; } = [];
}
