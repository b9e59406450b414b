using System.Security.Cryptography;
using System.Text;
using Listening.Core.Configuration;
using Listening.Core.Contracts;
using Listening.Core.Ingestion;
using Listening.Core.Storage;
using Microsoft.Extensions.Options;

namespace Listening.Core.Insights;

/// <summary>
/// Reads what the insights report needs: per Page one partition range query over the observations of the period,
/// the day before it and up to 30 days after it (<see cref="InsightsBuilder.RowsNeeded"/>), in pages of 1,000 rows.
/// </summary>
public sealed class InsightsReader(
    PageDirectory pages, LocalCalendar calendar, IObservationStore observations, IOptions<ListeningOptions> options, TimeProvider time)
{
    /// <summary>The report of posts created in [from, to] on the given Pages (all configured when null); null when none has data.</summary>
    public async Task<StoredInsights?> ReadAsync(DateOnly from, DateOnly to, string? pageId, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        var (first, last) = InsightsBuilder.RowsNeeded(from, to, calendar.DateOf(now));
        var watched = await pages.AllAsync(cancellationToken);
        var ids = pageId is null ? watched.Select(p => p.Id).ToList() : [pageId];
        var reads = await Task.WhenAll(ids.Select(id => observations.ReadDaysAsync(id, first, last, cancellationToken)));
        var minPosts = options.Value.Insights.MinPostsPerCell;
        var validator = new StringBuilder().Append(IsoDate.Format(from)).Append('/').Append(IsoDate.Format(to)).Append(';')
            .Append(minPosts).Append(';').Append(calendar.ZoneId).Append(';');
        var lastModified = DateTimeOffset.MinValue;
        var found = new List<PageInsights>();
        var demo = await pages.IsDemoAsync(cancellationToken);
        var observedUntil = DateTimeOffset.MinValue;
        for (var i = 0; i < ids.Count; i++)
        {
            var rows = reads[i];
            var inPeriod = rows.Pages.Any(p => InPeriod(p.RowKey)) || rows.Posts.Any(p => InPeriod(p.RowKey));
            if (!inPeriod)
            {
                continue;
            }

            foreach (var row in rows.Pages.Cast<Azure.Data.Tables.ITableEntity>().Concat(rows.Posts).OrderBy(r => r.RowKey, StringComparer.Ordinal))
            {
                validator.Append(row.PartitionKey).Append(':').Append(row.RowKey).Append(':').Append(row.ETag.ToString()).Append(';');
                if (row.Timestamp is { } stamp && stamp > lastModified)
                {
                    lastModified = stamp;
                }
            }

            demo |= rows.Pages.Any(p => p.Demo);
            foreach (var day in rows.Pages.Where(p => p.ObservedAt > observedUntil))
            {
                observedUntil = day.ObservedAt;
            }

            var name = watched.FirstOrDefault(p => string.Equals(p.Id, ids[i], StringComparison.Ordinal))?.Name is { Length: > 0 } configured
                ? configured
                : rows.Pages.OrderBy(p => p.RowKey, StringComparer.Ordinal).LastOrDefault()?.PageName ?? ids[i];
            found.Add(InsightsBuilder.Build(ids[i], name, rows, from, to, calendar, minPosts));
        }

        if (found.Count == 0)
        {
            return null;
        }

        var report = new InsightsReport
        {
            From = from,
            To = to,
            TimeZone = calendar.ZoneId,
            // The data's state, not the clock: the same rows give the same bytes under the same ETag.
            GeneratedAt = calendar.ToLocal(observedUntil == DateTimeOffset.MinValue ? now : observedUntil),
            Demo = demo,
            MinPostsPerCell = minPosts,
            Pages = found,
        };
        var hash = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(validator.ToString())))[..32];
        return new StoredInsights(report, hash, lastModified);

        bool InPeriod(string rowKey)
        {
            var day = ObservationKeys.DateOf(rowKey);
            return day >= from && day <= to;
        }
    }
}

/// <summary>An insights report with its validator (over every row it was built from) and the rows' last write time.</summary>
public sealed record StoredInsights(InsightsReport Report, string ETag, DateTimeOffset LastModified);
