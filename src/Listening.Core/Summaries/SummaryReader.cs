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
public sealed class SummaryReader(PageDirectory pages, LocalCalendar calendar, ISummaryStore summaries, IOptions<ListeningOptions> options)
{
    /// <summary>The day's summary of the given Pages (all configured when null); null when none has data.</summary>
    public async Task<StoredDailySummary?> ReadDayAsync(DateOnly date, string? pageId, CancellationToken cancellationToken)
    {
        var ids = PageIds(pageId);
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
            var summary = day.Entity.ToSummary();
            found.Add(summary with
            {
                PreviousDay = before is null ? summary.PreviousDay : Totals(before.Entity.ToSummary()),
                Milestones = summary.Milestones ?? Milestones.Of(summary),
                TopPostBy = options.Value.Summaries.EffectiveTopPostsBy,
            });
            validator.Append(day.Entity.PartitionKey).Append(':').Append(day.Entity.Hash).Append(':').Append(before?.Entity.Hash).Append(';');
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
            Demo = options.Value.IsDemo || found.Any(p => p.Demo),
            GeneratedAt = found.Max(p => p.GeneratedAt),
            Pages = found,
        };
        return new StoredDailySummary(summaryOfDay, Hash(validator), lastModified);
    }

    /// <summary>The report from <paramref name="from"/> to <paramref name="to"/>; null when no Page has a day of data in it.</summary>
    public async Task<StoredPeriodSummary?> ReadPeriodAsync(DateOnly from, DateOnly to, string? pageId, CancellationToken cancellationToken)
    {
        var (previousFrom, _) = PeriodSummaryBuilder.PreviousOf(from, to);
        var ids = PageIds(pageId);
        var reads = await Task.WhenAll(ids.Select(id => summaries.ReadRangeAsync(id, previousFrom, to, cancellationToken)));
        var validator = new StringBuilder().Append(options.Value.Summaries.EffectiveTopPostsBy).Append(';').Append(IsoDate.Format(from)).Append('/').Append(IsoDate.Format(to)).Append(';');
        var lastModified = DateTimeOffset.MinValue;
        var pageDays = new List<PageDays>();
        var any = false;
        for (var i = 0; i < ids.Count; i++)
        {
            var rows = reads[i];
            if (rows.Count == 0)
            {
                continue;
            }

            any |= rows.Any(r => r.Date >= from);
            foreach (var row in rows)
            {
                validator.Append(row.Entity.PartitionKey).Append(':').Append(row.Entity.RowKey).Append(':').Append(row.Entity.Hash).Append(';');
                lastModified = Max(lastModified, row.Entity.Timestamp, null);
            }

            pageDays.Add(new PageDays(ids[i], pages.Find(ids[i])?.Name, rows.Select(r => r.Entity.ToSummary()).ToList()));
        }

        if (!any)
        {
            return null;
        }

        var summary = PeriodSummaryBuilder.Build(from, to, calendar.ZoneId, options.Value.IsDemo, pageDays, options.Value.Summaries.EffectiveTopPostsBy);
        return new StoredPeriodSummary(summary, Hash(validator), lastModified);
    }

    private List<string> PageIds(string? pageId) => pageId is null ? pages.All.Select(p => p.Id).ToList() : [pageId];

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
