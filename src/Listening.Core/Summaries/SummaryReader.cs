using System.Security.Cryptography;
using System.Text;
using Listening.Core.Configuration;
using Listening.Core.Ingestion;
using Microsoft.Extensions.Options;
using Listening.Core.Contracts;
using Listening.Core.Storage;
using Listening.Core.Aggregation;

namespace Listening.Core.Summaries;

/// <summary>
/// Serves stored summaries (<see cref="ISummaryStore"/>). A day costs one
/// storage round trip per Page: one range query over the day and the day before (for the change against it).
/// A period of N days costs one partition query per Page over the period and the N days before it.
/// </summary>
/// <remarks>
/// The reader never creates tables: a missing table means no summaries yet, so the first request of a fresh
/// instance costs the same round trips as every other.
/// </remarks>
public sealed class SummaryReader(PageDirectory pages, LocalCalendar calendar, ISummaryStore summaries, IOptions<ListeningOptions> options, DecodedSummaries? decoded = null)
{
    /// <summary>The day's summary of the given Pages (all configured when null); null when none has data.</summary>
    public async Task<StoredDailySummary?> ReadDayAsync(DateOnly date, string? pageId, CancellationToken cancellationToken)
    {
        var ids = (await PagesAsync(pageId, cancellationToken)).Select(p => p.Id).ToList();
        var reads = await Task.WhenAll(ids.Select(id => summaries.ReadRangeAsync(id, date.AddDays(-1), date, cancellationToken)));
        var found = new List<PageDaySummary>();

        // The ranking is configuration, not stored data: it is part of the validator, so a change is not served from a cache.
        var validator = new StringBuilder().Append(options.Value.Summaries.EffectiveTopPostsBy).Append(';');
        var lastModified = DateTimeOffset.MinValue;
        foreach (var rows in reads)
        {
            var day = rows.FirstOrDefault(r => r.Date == date);
            if (day is null)
            {
                continue;
            }

            var before = rows.FirstOrDefault(r => r.Date == date.AddDays(-1));
            var summary = Decode(day.Entity);
            found.Add(summary with
            {
                PreviousDay = before is null ? summary.PreviousDay : Totals(Decode(before.Entity)),
                Milestones = summary.Milestones ?? Milestones.Of(summary),
                TopPostBy = options.Value.Summaries.EffectiveTopPostsBy,

                // With Listening:Pages:N:Instagram = off no instagram is served, whatever is stored.
                Instagram = pages.IsInstagramOff(summary.PageId) ? null : summary.Instagram,
            });
            validator.Append(day.Entity.PartitionKey).Append(':').Append(day.Entity.Hash).Append(':').Append(before?.Entity.Hash)
                .Append(pages.IsInstagramOff(day.Entity.PartitionKey) ? ":instagram-off" : "").Append(';');
            lastModified = Max(lastModified, day.Entity.Timestamp, before?.Entity.Timestamp);
        }

        if (found.Count == 0)
        {
            return null;
        }

        var summaryOfDay = new DailySummary
        {
            Date = date,
            TimeZone = calendar.ZoneId,
            Demo = await pages.IsDemoAsync(cancellationToken) || found.Any(p => p.Demo),
            GeneratedAt = found.Max(p => p.GeneratedAt),
            Pages = found,
        };
        return new StoredDailySummary(summaryOfDay, Hash(validator), lastModified);
    }

    /// <summary>The report from <paramref name="from"/> to <paramref name="to"/>; null when no Page has a day of data in it.</summary>
    public async Task<StoredPeriodSummary?> ReadPeriodAsync(DateOnly from, DateOnly to, string? pageId, CancellationToken cancellationToken)
    {
        var (previousFrom, _) = PeriodSummaryBuilder.PreviousOf(from, to);
        var watched = await PagesAsync(pageId, cancellationToken);
        var ids = watched.Select(p => p.Id).ToList();
        var reads = await Task.WhenAll(ids.Select(id => summaries.ReadRangeAsync(id, previousFrom, to, cancellationToken)));
        var validator = new StringBuilder().Append(options.Value.Summaries.EffectiveTopPostsBy).Append(';').Append(IsoDate.Format(from)).Append('/').Append(IsoDate.Format(to)).Append(';');
        var lastModified = DateTimeOffset.MinValue;
        var any = false;
        for (var i = 0; i < ids.Count; i++)
        {
            var rows = reads[i];
            any |= rows.Any(r => r.Date >= from);
            validator.Append(pages.IsInstagramOff(ids[i]) ? ids[i] + ":instagram-off;" : "");
            foreach (var row in rows)
            {
                validator.Append(row.Entity.PartitionKey).Append(':').Append(row.Entity.RowKey).Append(':').Append(row.Entity.Hash).Append(';');
                lastModified = Max(lastModified, row.Entity.Timestamp, null);
            }
        }

        if (!any)
        {
            return null;
        }

        // The stored days (by their content hashes), the range and the ranking make the validator; the Pages' names
        // and the demo mark are the rest of what the report is built from: a report built once is served from memory.
        var etag = Hash(validator);
        var demo = await pages.IsDemoAsync(cancellationToken);
        var key = new StringBuilder(etag).Append(';').Append(demo);
        for (var i = 0; i < ids.Count; i++)
        {
            key.Append(';').Append(ids[i]).Append('=').Append(watched[i].Name).Append(pages.IsInstagramOff(ids[i]) ? ":instagram-off" : "");
        }

        if (decoded?.Period(key.ToString()) is { } built)
        {
            return new StoredPeriodSummary(built, etag, lastModified);
        }

        var pageDays = new List<PageDays>();
        for (var i = 0; i < ids.Count; i++)
        {
            if (reads[i].Count > 0)
            {
                // With Listening:Pages:N:Instagram = off no instagram is in the report either, whatever is stored.
                var off = pages.IsInstagramOff(ids[i]);
                pageDays.Add(new PageDays(ids[i], watched[i].Name, reads[i].Select(r => Decode(r.Entity)).Select(d => off ? d with { Instagram = null } : d).ToList()));
            }
        }

        var summary = PeriodSummaryBuilder.Build(from, to, calendar.ZoneId, demo, pageDays, options.Value.Summaries.EffectiveTopPostsBy);
        decoded?.KeepPeriod(key.ToString(), summary);
        return new StoredPeriodSummary(summary, etag, lastModified);
    }

    /// <summary>The Pages asked for: all watched ones, or the one named (with its name when it is watched).</summary>
    private async Task<IReadOnlyList<PageOptions>> PagesAsync(string? pageId, CancellationToken cancellationToken)
    {
        var all = await pages.AllAsync(cancellationToken);
        return pageId is null
            ? all
            : [all.FirstOrDefault(p => string.Equals(p.Id, pageId, StringComparison.Ordinal)) ?? new PageOptions { Id = pageId }];
    }

    /// <summary>The stored summary, decompressed and parsed once per content (<see cref="DecodedSummaries"/>).</summary>
    private PageDaySummary Decode(SummaryEntity entity) => decoded?.Get(entity) ?? entity.ToSummary();

    private static DayTotals Totals(PageDaySummary day) => new()
    {
        Date = day.Date,
        Reactions = day.Reactions.Total,
        Comments = day.Comments,
        Shares = day.Shares,
        NewPosts = day.Posts.Count(p => p.New),
        Reach = day.Reach,
        MetaReach = day.MetaDay is { } meta && meta.Metrics.TryGetValue(MetricNames.PageReach, out var reach) ? reach : null,
    };

    private static string Hash(StringBuilder validator) =>
        Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(validator.ToString())))[..32];

    private static DateTimeOffset Max(DateTimeOffset current, DateTimeOffset? a, DateTimeOffset? b)
    {
        if (a is { } x && x > current)
        {
            current = x;
        }

        if (b is { } y && y > current)
        {
            current = y;
        }

        return current;
    }
}

/// <summary>A summary with what HTTP caching needs: a strong validator of the stored data and the last write time.</summary>
public sealed record StoredDailySummary(DailySummary Summary, string ETag, DateTimeOffset LastModified);

/// <summary>A period report with its validator (over every stored day it was built from) and last write time.</summary>
public sealed record StoredPeriodSummary(PeriodSummary Summary, string ETag, DateTimeOffset LastModified);

/// <summary>
/// The stored summaries this instance has decompressed and parsed, by row and ETag, and the reports it built from them (issue 16: a 30-day report
/// reads 60 stored days; parsing them again on every request cost as much as the query). A row whose ETag changed is
/// parsed again (every write gives a row a new ETag); the summaries are immutable records, shared by the requests.
/// </summary>
public sealed class DecodedSummaries
{
    /// <summary>Room for a year and its predecessor of five Pages (an entry is a day's summary, a few KB to some tens).</summary>
    public const int Capacity = 4096;

    private readonly System.Collections.Concurrent.ConcurrentDictionary<(string PageId, string Row), (Azure.ETag ETag, PageDaySummary Summary)> _entries = new();

    /// <summary>Reports built lately, by what they were built from (<see cref="SummaryReader.ReadPeriodAsync"/>); a few dozen at most.</summary>
    private readonly System.Collections.Concurrent.ConcurrentDictionary<string, PeriodSummary> _periods = new(StringComparer.Ordinal);

    private const int PeriodCapacity = 64;

    public PeriodSummary? Period(string key) => _periods.TryGetValue(key, out var summary) ? summary : null;

    public void KeepPeriod(string key, PeriodSummary summary)
    {
        if (_periods.Count >= PeriodCapacity)
        {
            _periods.Clear();
        }

        _periods[key] = summary;
    }

    public PageDaySummary Get(SummaryEntity entity)
    {
        ArgumentNullException.ThrowIfNull(entity);
        var known = entity.ETag != default;
        if (known && _entries.TryGetValue((entity.PartitionKey, entity.RowKey), out var entry) && entry.ETag == entity.ETag)
        {
            return entry.Summary;
        }

        var summary = entity.ToSummary();
        if (known)
        {
            if (_entries.Count >= Capacity)
            {
                _entries.Clear();
            }

            _entries[(entity.PartitionKey, entity.RowKey)] = (entity.ETag, summary);
        }

        return summary;
    }
}
