using Azure;
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
/// <remarks>
/// Issue 16: the rows this instance wrote last for a Page (<see cref="MetaRowsMemory"/>) stand in for the read before
/// the next snapshot's write, which is conditional on their ETags (a stale memory fails and is read afresh). The rows
/// of a Meta date are handed to the summary only when this apply read or wrote every one of them.
/// </remarks>
public sealed partial class MetaDays(MetaDayStore store, IOptions<ListeningOptions> options, TimeProvider time, ILogger<MetaDays> logger, MetaRowsMemory? memory = null)
{
    private const int MaxAttempts = 25;

    /// <summary>Stores the snapshot's insight values; returns the Meta dates that have complete values in it.</summary>
    public async Task<IReadOnlyList<DateOnly>> ApplyAsync(PageSnapshot snapshot, CancellationToken cancellationToken) =>
        (await ApplyAndKeepAsync(snapshot, cancellationToken)).Dates;

    /// <summary>
    /// Stores the snapshot's insight values; returns the Meta dates that have complete values in it and, for those
    /// whose rows this apply read or wrote in full, the rows as stored now (for <see cref="SummaryMaterializer"/>).
    /// </summary>
    public async Task<MetaApplied> ApplyAndKeepAsync(PageSnapshot snapshot, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(snapshot);
        for (var attempt = 1; ; attempt++)
        {
            if (await PlanAsync(snapshot, attempt == 1, cancellationToken) is not { } plan)
            {
                return MetaApplied.None;
            }

            if (await store.TryWriteAsync(plan.Writes, cancellationToken))
            {
                return Kept(plan);
            }

            Forget(snapshot.PageId);
            if (attempt >= MaxAttempts)
            {
                throw new WriteConflictException($"Meta's daily values of page {snapshot.PageId} kept changing under us: {MaxAttempts} attempts.");
            }

            // Another instance wrote the same rows: read them again and keep the later capture. A stale memory is no
            // live competitor: read at once.
            LogConflict(logger, snapshot.PageId, attempt);
            if (!plan.Fresh)
            {
                continue;
            }

            await Task.Delay(TimeSpan.FromMilliseconds(Random.Shared.Next(5, 20 * attempt)), time, cancellationToken);
        }
    }

    /// <summary>
    /// What storing the snapshot's insight values takes: the rows to insert or replace (on their ETags), planned from
    /// the rows this instance remembers (when <paramref name="mayRemember"/>) or read. Null when the snapshot has none.
    /// The caller writes <see cref="MetaPlan.Writes"/> (alone, or in the snapshot's transaction), then calls
    /// <see cref="Kept"/> on success or <see cref="Forget"/> on a conflict.
    /// </summary>
    public async Task<MetaPlan?> PlanAsync(PageSnapshot snapshot, bool mayRemember, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(snapshot);
        if (snapshot.Insights.Count == 0)
        {
            return null;
        }

        // Every capture of a row is merged in on its own (a snapshot may hold two values of one row): the row's
        // OtherValueAt is exact only when captures meet it one by one.
        var incoming = snapshot.Insights
            .Select(v => MetaInsightEntity.From(snapshot.PageId, v, snapshot.CapturedAt))
            .GroupBy(e => e.RowKey, StringComparer.Ordinal)
            .ToList();
        var first = incoming.Min(g => g.First().MetaDateValue);
        var last = incoming.Max(g => g.First().MetaDateValue);
        var remembered = mayRemember ? memory?.Get(snapshot.PageId, first, last) : null;
        var stored = remembered ?? await store.ReadDaysAsync(snapshot.PageId, first, last, cancellationToken);
        var changed = new List<MetaInsightEntity>();
        foreach (var captures in incoming)
        {
            var existing = stored.GetValueOrDefault(captures.Key);
            var row = existing;
            foreach (var capture in captures)
            {
                row = row is null ? capture : row.MergedWith(capture) ?? row;
            }

            if (!ReferenceEquals(row, existing))
            {
                changed.Add(row!);
            }
        }

        // One row per Meta date (issue 16): a date with a changed value is written whole, on the ETag its values share.
        var writes = new List<MetaDayWrite>();
        foreach (var date in changed.GroupBy(r => r.MetaDateValue).OrderBy(g => g.Key))
        {
            var ofDate = stored.Values.Where(r => r.MetaDateValue == date.Key).ToDictionary(r => r.RowKey, StringComparer.Ordinal);
            var etag = ofDate.Count > 0 ? ofDate.Values.First().ETag : (ETag?)null;
            foreach (var row in date)
            {
                ofDate[row.RowKey] = row;
            }

            writes.Add(new MetaDayWrite(snapshot.PageId, date.Key, [.. ofDate.Values.OrderBy(r => r.RowKey, StringComparer.Ordinal)], etag));
        }

        return new MetaPlan(snapshot.PageId, first, last, incoming, stored, writes, Fresh: remembered is null);
    }

    /// <summary>After a conflict: the rows this instance remembers of the Page are stale.</summary>
    public void Forget(string pageId) => memory?.Forget(pageId);

    /// <summary>After a successful write: remembers the rows as stored now, and hands over the complete dates' rows this apply knows in full.</summary>
    public MetaApplied Kept(MetaPlan plan)
    {
        ArgumentNullException.ThrowIfNull(plan);
        var (pageId, first, last, incoming, stored, writes, fresh) = plan;
        var rows = new Dictionary<string, MetaInsightEntity>(stored, StringComparer.Ordinal);
        var written = new HashSet<string>(StringComparer.Ordinal);
        var knownETags = true;
        foreach (var write in writes)
        {
            write.Stored();
            knownETags &= write.Entity.ETag != default;
            foreach (var row in write.Values)
            {
                rows[row.RowKey] = row;
                written.Add(row.RowKey);
            }
        }

        if (knownETags)
        {
            memory?.Set(pageId, first, last, rows);
        }
        else
        {
            memory?.Forget(pageId);
        }

        var dates = incoming.SelectMany(g => g).Where(e => e.Complete).Select(e => e.MetaDateValue).Distinct().Order().ToList();
        var known = new Dictionary<DateOnly, IReadOnlyList<MetaInsightEntity>>();
        foreach (var date in dates)
        {
            var ofDate = rows.Values.Where(r => r.MetaDateValue == date).ToList();
            if (fresh || ofDate.All(r => written.Contains(r.RowKey)))
            {
                known[date] = ofDate;
            }
        }

        return new MetaApplied(dates, known);
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

        return Day(date, (await store.ReadDaysAsync(pageId, date, date, cancellationToken)).Values);
    }

    /// <summary>As <see cref="ReadDayAsync"/>, from rows an apply has just stored (<see cref="MetaApplied.Rows"/>) instead of a read.</summary>
    public (MetaDaySummary? MetaDay, long StampTime, long StampCounters) DayOf(DateOnly date, IEnumerable<MetaInsightEntity> stored) =>
        time.GetUtcNow() + (2 * MessageCodec.AllowedClockSkew) < MetaCalendar.EndOf(date) ? (null, 0, 0) : Day(date, stored);

    private (MetaDaySummary? MetaDay, long StampTime, long StampCounters) Day(DateOnly date, IEnumerable<MetaInsightEntity> stored)
    {
        var rows = stored.Where(r => r.Complete && r.MetaDateValue == date).ToList();
        var (stampTime, stampCounters) = Stamp(rows);

        return (Summarize(date, rows, options.Value.Facebook.EffectiveAliases), stampTime, stampCounters);
    }

    /// <summary>
    /// The stamp that Meta's complete rows of a date add to their summary: it grows whenever a value changes or a row
    /// joins, and stays put while pulls only re-report the same values (<see cref="MetaInsightEntity.StampTime"/>), so
    /// the summary of a Meta day needs rebuilding only when it moves.
    /// </summary>
    public static (long Time, long Counters) Stamp(IEnumerable<MetaInsightEntity> completeRows)
    {
        long stampTime = 0, stampCounters = 0;
        foreach (var row in completeRows)
        {
            stampTime += row.StampTime();
            stampCounters += row.Value;
        }

        return (stampTime, stampCounters);
    }

    /// <summary>
    /// One value per series: the series' own metric if Meta reported it, else the value of the old name whose value
    /// changed last (by its stamp, not by its capture time, which every pull moves; ties by name).
    /// </summary>
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
                ?? series.OrderByDescending(r => r.StampTime()).ThenBy(r => r.Metric, StringComparer.Ordinal).First();
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

/// <summary>What storing a snapshot's insight values takes (<see cref="MetaDays.PlanAsync"/>); <see cref="Fresh"/>: planned from rows read now.</summary>
public sealed record MetaPlan(
    string PageId, DateOnly First, DateOnly Last, IReadOnlyList<IGrouping<string, MetaInsightEntity>> Incoming,
    Dictionary<string, MetaInsightEntity> Stored, IReadOnlyList<MetaDayWrite> Writes, bool Fresh);

/// <summary>What an apply stored: the complete Meta dates, and the rows of those it knows in full as stored now.</summary>
public sealed record MetaApplied(IReadOnlyList<DateOnly> Dates, IReadOnlyDictionary<DateOnly, IReadOnlyList<MetaInsightEntity>> Rows)
{
    public static MetaApplied None { get; } = new([], new Dictionary<DateOnly, IReadOnlyList<MetaInsightEntity>>());
}

/// <summary>
/// Per Page, the Meta rows of the date range this instance applied last, as stored after its write (with their
/// ETags). Never the truth: a write planned from it is conditional, and a stale entry fails and is read afresh.
/// </summary>
public sealed class MetaRowsMemory
{
    /// <summary>Room for 4,000 Pages; past it the memory starts over, which only costs a read each.</summary>
    public const int Capacity = 4096;

    private readonly System.Collections.Concurrent.ConcurrentDictionary<string, (DateOnly First, DateOnly Last, Dictionary<string, MetaInsightEntity> Rows)> _entries =
        new(StringComparer.Ordinal);

    /// <summary>A copy of the remembered rows of [first, last], when the remembered range covers it.</summary>
    public Dictionary<string, MetaInsightEntity>? Get(string pageId, DateOnly first, DateOnly last) =>
        _entries.TryGetValue(pageId, out var entry) && entry.First <= first && entry.Last >= last
            ? entry.Rows.Values.Where(r => r.MetaDateValue >= first && r.MetaDateValue <= last).ToDictionary(r => r.RowKey, StringComparer.Ordinal)
            : null;

    public void Set(string pageId, DateOnly first, DateOnly last, Dictionary<string, MetaInsightEntity> rows)
    {
        if (_entries.Count >= Capacity)
        {
            _entries.Clear();
        }

        _entries[pageId] = (first, last, rows);
    }

    public void Forget(string pageId) => _entries.TryRemove(pageId, out _);
}
