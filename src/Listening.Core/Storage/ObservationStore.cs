using Azure;
using Azure.Data.Tables;
using Microsoft.Extensions.Logging;

namespace Listening.Core.Storage;

/// <summary>
/// Post-days and page-days (table <c>observations</c>: PartitionKey = Page id, RowKey = <see cref="ObservationKeys"/>):
/// the last observation of the Page and of each post per local day. Reads are partition range queries over days.
/// </summary>
public interface IObservationStore
{
    /// <summary>The ETag of the day's Page row, the day's commit point (a keys-only point read); null when the day has none.</summary>
    Task<ETag?> CommitPointAsync(string pageId, DateOnly day, CancellationToken cancellationToken);

    /// <summary>The Page's rows of the days in [first, last]: one partition range query.</summary>
    Task<ObservationRows> ReadDaysAsync(string pageId, DateOnly first, DateOnly last, CancellationToken cancellationToken);

    /// <summary>The days in [first, last] on which the Page has observations (keys only).</summary>
    Task<IReadOnlyList<DateOnly>> DaysWithDataAsync(string pageId, DateOnly first, DateOnly last, CancellationToken cancellationToken);

    /// <summary>Row keys (and giveaway flags) of the Page's observations in [first, last]: no counters are read.</summary>
    Task<IReadOnlyList<ObservationKey>> KeysAsync(string pageId, DateOnly first, DateOnly last, CancellationToken cancellationToken);

    /// <summary>Rows of posts tagged with the giveaway topic observed in [first, last]: a filtered range query.</summary>
    Task<IReadOnlyList<PostDayEntity>> GiveawayPostsAsync(string pageId, DateOnly first, DateOnly last, CancellationToken cancellationToken);

    /// <summary>The Page's row of one day: a point read.</summary>
    Task<PageDayEntity?> PageDayAsync(string pageId, DateOnly day, CancellationToken cancellationToken);

    /// <summary>
    /// Writes a snapshot's planned rows of one Page's partition (observation inserts and replaces conditional on ETags,
    /// and with them Meta's rows and the archive entry) in entity group transactions of at most
    /// <see cref="ListeningTables.MaxOperationsPerTransaction"/>, in order, cut so that the last transaction is a full
    /// one: it carries the last operations (the commit point and what goes with it); one transaction when they fit.
    /// Each written entity gets its new ETag. A row changed or added by another writer meanwhile makes it a conflict
    /// (the transactions before it stay).
    /// </summary>
    Task<ObservationWrite> TryWriteAsync(IReadOnlyList<TableTransactionAction> actions, CancellationToken cancellationToken);

    /// <summary>
    /// Replaces the stored Page and post rows of the day (rows of other kinds under the same date stay) with
    /// <paramref name="rows"/>: written conditionally on what was read (a live merge meanwhile fails the write), the
    /// Page row, the day's commit point, last. One transaction when the day fits (atomic); else, when a later
    /// transaction fails, the ones before it are undone, and the failure is thrown.
    /// </summary>
    Task ReplaceDayAsync(string pageId, DateOnly day, ObservationRows rows, CancellationToken cancellationToken);
}

/// <summary>What a merge's write did: the transactions submitted, whether every written row's new ETag is known, or a conflict.</summary>
public sealed record ObservationWrite(bool Stored, int Transactions, bool KnownETags)
{
    public static ObservationWrite Conflict { get; } = new(false, 0, false);
}

public sealed partial class ObservationStore(ListeningStorage storage, ILogger<ObservationStore> logger) : IObservationStore
{
    private const int PageSize = 1000;

    public async Task<ETag?> CommitPointAsync(string pageId, DateOnly day, CancellationToken cancellationToken)
    {
        var page = await storage.Tables.PageDays.GetEntityIfExistsAsync<TableEntity>(pageId, ObservationKeys.Page(day), select: ["RowKey"], cancellationToken: cancellationToken);
        return page.HasValue ? page.Value!.ETag : null;
    }

    public async Task<ObservationRows> ReadDaysAsync(string pageId, DateOnly first, DateOnly last, CancellationToken cancellationToken)
    {
        var rows = new ObservationRows();
        await foreach (var entity in storage.Tables.PageDays.QueryAsync<TableEntity>(DaysFilter(pageId, first, last), maxPerPage: PageSize, cancellationToken: cancellationToken))
        {
            if (ObservationKeys.IsPage(entity.RowKey))
            {
                rows.Pages.Add(ObservationMapping.ToPageDay(entity));
            }
            else if (ObservationKeys.IsPost(entity.RowKey))
            {
                rows.Posts.Add(ObservationMapping.ToPostDay(entity));
            }
        }

        return rows;
    }

    public async Task<IReadOnlyList<DateOnly>> DaysWithDataAsync(string pageId, DateOnly first, DateOnly last, CancellationToken cancellationToken)
    {
        var days = new List<DateOnly>();
        await foreach (var entity in storage.Tables.PageDays.QueryAsync<TableEntity>(DaysFilter(pageId, first, last), maxPerPage: PageSize, select: ["RowKey"], cancellationToken: cancellationToken))
        {
            if (ObservationKeys.IsPage(entity.RowKey))
            {
                days.Add(ObservationKeys.DateOf(entity.RowKey));
            }
        }

        return days;
    }

    public async Task<IReadOnlyList<ObservationKey>> KeysAsync(string pageId, DateOnly first, DateOnly last, CancellationToken cancellationToken)
    {
        var keys = new List<ObservationKey>();
        await foreach (var entity in storage.Tables.PageDays.QueryAsync<TableEntity>(DaysFilter(pageId, first, last), maxPerPage: PageSize, select: ["RowKey", nameof(PostDayEntity.Giveaway)], cancellationToken: cancellationToken))
        {
            keys.Add(new ObservationKey(entity.RowKey, entity.GetBoolean(nameof(PostDayEntity.Giveaway)) ?? false));
        }

        return keys;
    }

    public async Task<IReadOnlyList<PostDayEntity>> GiveawayPostsAsync(string pageId, DateOnly first, DateOnly last, CancellationToken cancellationToken)
    {
        var from = ObservationKeys.DayPrefix(first);
        var to = ObservationKeys.DayEnd(last);
        var filter = TableClient.CreateQueryFilter($"PartitionKey eq {pageId} and RowKey ge {from} and RowKey lt {to} and Giveaway eq {true}");
        var posts = new List<PostDayEntity>();
        await foreach (var entity in storage.Tables.PageDays.QueryAsync<TableEntity>(filter, cancellationToken: cancellationToken))
        {
            posts.Add(ObservationMapping.ToPostDay(entity));
        }

        return posts;
    }

    public async Task<PageDayEntity?> PageDayAsync(string pageId, DateOnly day, CancellationToken cancellationToken)
    {
        var response = await storage.Tables.PageDays.GetEntityIfExistsAsync<TableEntity>(pageId, ObservationKeys.Page(day), cancellationToken: cancellationToken);
        return response.HasValue ? ObservationMapping.ToPageDay(response.Value!) : null;
    }

    public async Task<ObservationWrite> TryWriteAsync(IReadOnlyList<TableTransactionAction> actions, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(actions);
        try
        {
            var transactions = 0;
            var knownETags = true;
            foreach (var chunk in EndingInAFullTransaction(actions))
            {
                var responses = (await storage.Tables.PageDays.SubmitTransactionAsync(chunk, cancellationToken)).Value;
                for (var i = 0; i < chunk.Length; i++)
                {
                    if (i < responses.Count && responses[i].Headers.ETag is { } etag)
                    {
                        chunk[i].Entity.ETag = etag;
                    }
                    else
                    {
                        chunk[i].Entity.ETag = default;
                        knownETags = false;
                    }
                }

                transactions++;
            }

            return new ObservationWrite(true, transactions, knownETags);
        }
        catch (RequestFailedException ex) when (ConditionalWrite.IsConflict(ex.Status))
        {
            // TableTransactionFailedException is a RequestFailedException: one failed action fails its transaction.
            return ObservationWrite.Conflict;
        }
    }

    /// <summary>Transactions of at most 100 operations in order, the first one holding the remainder, so the last is as full as can be.</summary>
    internal static IEnumerable<TableTransactionAction[]> EndingInAFullTransaction(IReadOnlyList<TableTransactionAction> actions)
    {
        const int Max = ListeningTables.MaxOperationsPerTransaction;
        var first = actions.Count % Max;
        if (first > 0)
        {
            yield return [.. actions.Take(first)];
        }

        for (var at = first; at < actions.Count; at += Max)
        {
            yield return [.. actions.Skip(at).Take(Max)];
        }
    }

    public async Task ReplaceDayAsync(string pageId, DateOnly day, ObservationRows rows, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(rows);
        var postPrefix = ObservationKeys.Post(day, "");
        var filter = TableClient.CreateQueryFilter(
            $"PartitionKey eq {pageId} and ((RowKey ge {postPrefix} and RowKey lt {postPrefix + "~"}) or RowKey eq {ObservationKeys.Page(day)})");
        var stored = new Dictionary<string, TableEntity>(StringComparer.Ordinal);
        await foreach (var row in storage.Tables.PageDays.QueryAsync<TableEntity>(filter, maxPerPage: PageSize, cancellationToken: cancellationToken))
        {
            stored[row.RowKey] = row;
        }

        TableTransactionAction Write(ITableEntity entity)
        {
            if (stored.TryGetValue(entity.RowKey, out var old))
            {
                entity.ETag = old.ETag;
                return new TableTransactionAction(TableTransactionActionType.UpdateReplace, entity, old.ETag);
            }

            entity.ETag = default;
            return new TableTransactionAction(TableTransactionActionType.Add, entity);
        }

        var keep = rows.Pages.Cast<ITableEntity>().Concat(rows.Posts).Select(r => r.RowKey).ToHashSet(StringComparer.Ordinal);
        var actions = rows.Posts.Select(Write)
            .Concat(stored.Values.Where(r => !keep.Contains(r.RowKey)).Select(r => new TableTransactionAction(TableTransactionActionType.Delete, r, r.ETag)))
            .Concat(rows.Pages.Select(Write))
            .ToList();
        var done = new List<TableTransactionAction>();
        try
        {
            foreach (var chunk in actions.Chunk(ListeningTables.MaxOperationsPerTransaction))
            {
                await storage.Tables.PageDays.SubmitTransactionAsync(chunk, cancellationToken);
                done.AddRange(chunk);
            }
        }
        catch (Exception) when (done.Count > 0)
        {
            await RestoreAsync(pageId, day, stored, done.Select(a => a.Entity.RowKey));
            throw;
        }
    }

    /// <summary>Puts the rows a failed replacement already wrote or deleted back as they were read.</summary>
    private async Task RestoreAsync(string pageId, DateOnly day, Dictionary<string, TableEntity> stored, IEnumerable<string> touched)
    {
        try
        {
            var undo = touched.Select(key => stored.TryGetValue(key, out var old)
                ? new TableTransactionAction(TableTransactionActionType.UpsertReplace, old)
                : new TableTransactionAction(TableTransactionActionType.Delete, new TableEntity(pageId, key), ETag.All));
            foreach (var chunk in undo.Chunk(ListeningTables.MaxOperationsPerTransaction))
            {
                // Not cancellable: a half-replaced day must not stay behind because the run was stopped.
                await storage.Tables.PageDays.SubmitTransactionAsync(chunk, CancellationToken.None);
            }

            LogRestored(logger, pageId, day);
        }
        catch (RequestFailedException ex)
        {
            LogRestoreFailed(logger, ex, pageId, day);
        }
    }

    private static string DaysFilter(string pageId, DateOnly first, DateOnly last) =>
        TableClient.CreateQueryFilter($"PartitionKey eq {pageId} and RowKey ge {ObservationKeys.DayPrefix(first)} and RowKey lt {ObservationKeys.DayEnd(last)}");

    [LoggerMessage(Level = LogLevel.Warning, Message = "Replay of page {PageId} on {Day} failed; the day's rows were put back as they were")]
    private static partial void LogRestored(ILogger logger, string pageId, DateOnly day);

    [LoggerMessage(Level = LogLevel.Error, Message = "Replay of page {PageId} on {Day} failed and its rows could not all be put back: replay the day again")]
    private static partial void LogRestoreFailed(ILogger logger, Exception exception, string pageId, DateOnly day);
}
