using Listening.Core.Configuration;
using Listening.Core.Ingestion;
using Microsoft.Extensions.Options;

namespace Listening.Core.Summaries;

/// <summary>Serves stored summaries: one point read per Page and day.</summary>
public sealed class SummaryReader(SummaryMaterializer store, PageDirectory pages, LocalCalendar calendar, Storage.ListeningTables tables, IOptions<ListeningOptions> options)
{
    /// <summary>The day's summary of the given Pages (all configured when null); null when none has data.</summary>
    public async Task<StoredDailySummary?> ReadDayAsync(DateOnly date, string? pageId, CancellationToken cancellationToken)
    {
        await tables.EnsureCreatedAsync(cancellationToken);
        var ids = pageId is null ? pages.All.Select(p => p.Id).ToList() : [pageId];
        var found = new List<PageDaySummary>();
        var hashes = new List<string>();
        var lastModified = DateTimeOffset.MinValue;
        foreach (var id in ids)
        {
            var entity = await store.ReadAsync(id, date, cancellationToken);
            if (entity is null)
            {
                continue;
            }

            found.Add(entity.ToSummary());
            hashes.Add(entity.Hash);
            if (entity.Timestamp is { } ts && ts > lastModified)
            {
                lastModified = ts;
            }
        }

        if (found.Count == 0)
        {
            return null;
        }

        var summary = new DailySummary
        {
            Date = date,
            TimeZone = calendar.ZoneId,
            Demo = options.Value.IsDemo || found.Any(p => p.Demo),
            GeneratedAt = found.Max(p => p.GeneratedAt),
            Pages = found,
        };
        return new StoredDailySummary(summary, string.Join('.', hashes), lastModified);
    }
}

/// <summary>A summary with what HTTP caching needs: a strong validator and the last write time.</summary>
public sealed record StoredDailySummary(DailySummary Summary, string ETag, DateTimeOffset LastModified);
