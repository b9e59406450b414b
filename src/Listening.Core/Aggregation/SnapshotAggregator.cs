using System.Globalization;
using Azure;
using Azure.Data.Tables;
using Listening.Core.Configuration;
using Listening.Core.Snapshots;
using Listening.Core.Storage;
using Listening.Core.Summaries;
using Microsoft.Extensions.Logging;

namespace Listening.Core.Aggregation;

/// <summary>
/// Applies a snapshot to the tables: archive, merge into the day's last observations, rebuild the summaries it
/// touches. Idempotent and order-independent (each row keeps the latest capture of its day, whatever arrives
/// when); safe under concurrency (writes are conditional on ETags and retried on 409/412).
/// </summary>
public sealed partial class SnapshotAggregator(
    ListeningTables tables,
    RawArchive archive,
    ObservationReader reader,
    SummaryMaterializer materializer,
    LocalCalendar calendar,
    TimeProvider time,
    ILogger<SnapshotAggregator> logger,
    Ingestion.MetaInsightStore metaInsights)
{
    private const int MaxAttempts = 25;
    private const int MaxOperationsPerTransaction = 100;

    public async Task<AggregationResult> ApplyAsync(PageSnapshot snapshot, CancellationToken cancellationToken) =>
        await ApplyAsync(snapshot, archiveRaw: true, cancellationToken);

    public async Task<AggregationResult> ApplyAsync(PageSnapshot snapshot, bool archiveRaw, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(snapshot);
        await tables.EnsureCreatedAsync(cancellationToken);
        if (archiveRaw)
        {
            await archive.StoreAsync(snapshot, cancellationToken);
        }

        var date = calendar.DateOf(snapshot.CapturedAt);

        // Meta's daily values have rows of their own (Page, Meta date, metric; last capture wins). An insights-only
        // snapshot carries no counters of ours, so it adds no observation of the day.
        var metaDates = await metaInsights.ApplyAsync(snapshot, cancellationToken);
        var transactions = snapshot.HasObservations || snapshot.Insights.Count == 0 ? await MergeAsync(snapshot, date, cancellationToken) : 0;
        var summary = await materializer.MaterializeAsync(snapshot.PageId, date, cancellationToken);

        // A late observation of this day is the baseline of the next: rebuild that one too if it has data.
        var next = date.AddDays(1);
        var nextRows = await tables.Observations.GetEntityIfExistsAsync<TableEntity>(
            snapshot.PageId, ObservationKeys.Page(next), select: ["RowKey"], cancellationToken: cancellationToken);
        PageDaySummary? nextSummary = null;
        if (nextRows.HasValue)
        {
            nextSummary = await materializer.MaterializeAsync(snapshot.PageId, next, cancellationToken);
        }

        // The summary of the local day with the same date as a Meta day shows that day's values once it is complete.
        foreach (var metaDate in metaDates.Where(d => d != date && d != next))
        {
            await materializer.MaterializeAsync(snapshot.PageId, metaDate, cancellationToken);
        }

        LogApplied(logger, snapshot.PageId, snapshot.CapturedAt, snapshot.Part + 1, snapshot.Parts, snapshot.Posts.Count, transactions);
        return new AggregationResult(snapshot.PageId, date, transactions, summary, nextSummary);
    }

    private async Task<int> MergeAsync(PageSnapshot snapshot, DateOnly date, CancellationToken cancellationToken)
    {
        for (var attempt = 1; ; attempt++)
        {
            var rows = await reader.ReadAsync(snapshot.PageId, date, date, cancellationToken);
            var actions = Plan(snapshot, date, rows);
            try
            {
                var count = 0;
                foreach (var chunk in actions.Chunk(MaxOperationsPerTransaction))
                {
                    await tables.Observations.SubmitTransactionAsync(chunk, cancellationToken);
                    count++;
                }

                return count;
            }
            catch (TableTransactionFailedException ex) when (ex.Status is 409 or 412 && attempt < MaxAttempts)
            {
                LogConflict(logger, snapshot.PageId, date, attempt);
            }
            catch (RequestFailedException ex) when (ex.Status is 409 or 412 && attempt < MaxAttempts)
            {
                LogConflict(logger, snapshot.PageId, date, attempt);
            }

            await Task.Delay(TimeSpan.FromMilliseconds(Random.Shared.Next(5, 20 * attempt)), time, cancellationToken);
        }
    }

    /// <summary>What to write: an insert for a row the day lacks, a conditional replace for one this snapshot supersedes.</summary>
    internal static List<TableTransactionAction> Plan(PageSnapshot snapshot, DateOnly date, ObservationRows rows)
    {
        var actions = new List<TableTransactionAction>();
        var page = PlanPage(snapshot, date, rows.PageOn(date));
        if (page is not null)
        {
            actions.Add(page);
        }

        var stored = rows.Posts.ToDictionary(p => p.PostId, StringComparer.Ordinal);
        foreach (var post in snapshot.Posts)
        {
            var incoming = PostDayEntity.From(snapshot.PageId, date, snapshot.CapturedAt, post);
            if (!stored.TryGetValue(post.Id, out var existing))
            {
                actions.Add(new TableTransactionAction(TableTransactionActionType.Add, incoming));
            }
            else if (incoming.Supersedes(existing))
            {
                actions.Add(new TableTransactionAction(TableTransactionActionType.UpdateReplace, incoming, existing.ETag));
            }
        }

        return actions;
    }

    private static TableTransactionAction? PlanPage(PageSnapshot snapshot, DateOnly date, PageDayEntity? stored)
    {
        var capture = snapshot.CapturedAt.ToUnixTimeMilliseconds().ToString(CultureInfo.InvariantCulture);
        if (stored is null)
        {
            return new TableTransactionAction(TableTransactionActionType.Add, new PageDayEntity
            {
                PartitionKey = snapshot.PageId,
                RowKey = ObservationKeys.Page(date),
                ObservedAt = snapshot.CapturedAt.ToUniversalTime(),
                PageName = snapshot.PageName,
                Demo = snapshot.Demo,
                Followers = snapshot.Followers,
                Fans = snapshot.Fans,
                Observations = 1,
                CaptureTimes = capture,
            });
        }

        var captures = new SortedSet<long>(stored.CaptureTimes
            .Split(',', StringSplitOptions.RemoveEmptyEntries)
            .Select(c => long.Parse(c, CultureInfo.InvariantCulture)));
        var added = captures.Add(snapshot.CapturedAt.ToUnixTimeMilliseconds());
        var newer = snapshot.CapturedAt > stored.ObservedAt
            || (snapshot.CapturedAt == stored.ObservedAt
                && ((snapshot.Followers ?? -1) + (snapshot.Fans ?? -1)) > ((stored.Followers ?? -1) + (stored.Fans ?? -1)));
        if (!added && !newer)
        {
            return null;
        }

        var merged = new PageDayEntity
        {
            PartitionKey = stored.PartitionKey,
            RowKey = stored.RowKey,
            ObservedAt = newer ? snapshot.CapturedAt.ToUniversalTime() : stored.ObservedAt,
            PageName = newer ? snapshot.PageName : stored.PageName,
            Demo = newer ? snapshot.Demo : stored.Demo,
            Followers = newer ? snapshot.Followers ?? stored.Followers : stored.Followers,
            Fans = newer ? snapshot.Fans ?? stored.Fans : stored.Fans,
            Observations = captures.Count,
            CaptureTimes = string.Join(',', captures),
        };
        return new TableTransactionAction(TableTransactionActionType.UpdateReplace, merged, stored.ETag);
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Applied snapshot of page {PageId} captured {CapturedAt:O} (part {Part}/{Parts}, {Posts} posts) in {Transactions} table transactions")]
    private static partial void LogApplied(ILogger logger, string pageId, DateTimeOffset capturedAt, int part, int parts, int posts, int transactions);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Observations of page {PageId} on {Date} changed under us (attempt {Attempt}); merging again")]
    private static partial void LogConflict(ILogger logger, string pageId, DateOnly date, int attempt);
}

public sealed record AggregationResult(string PageId, DateOnly Date, int Transactions, PageDaySummary Summary, PageDaySummary? NextDaySummary);
