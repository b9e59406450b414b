using System.Security.Cryptography;
using Azure;
using Listening.Core.Aggregation;
using Listening.Core.Configuration;
using Listening.Core.Storage;
using Microsoft.Extensions.Logging;

namespace Listening.Core.Summaries;

/// <summary>
/// Rebuilds a Page's summary of one day from the observations and stores it, so that serving it is one point
/// read. Concurrent rebuilds converge: a summary is only replaced by one built from at least as much data
/// (its stamp grows with every observation merged), and the write is conditional on the ETag that was read.
/// </summary>
public sealed partial class SummaryMaterializer(
    ListeningTables tables,
    ObservationReader reader,
    LocalCalendar calendar,
    TimeProvider time,
    ILogger<SummaryMaterializer> logger,
    Ingestion.MetaInsightStore metaInsights)
{
    /// <summary>How far back a post or the Page is looked for when the previous day has no observation of it.</summary>
    public const int BaselineLookbackDays = 14;

    private const int MaxAttempts = 25;

    public async Task<PageDaySummary> MaterializeAsync(string pageId, DateOnly date, CancellationToken cancellationToken)
    {
        for (var attempt = 1; ; attempt++)
        {
            var (summary, stampTime, stampCounters) = await BuildAsync(pageId, date, cancellationToken);
            try
            {
                await StoreAsync(summary, stampTime, stampCounters, cancellationToken);
                return summary;
            }
            catch (RequestFailedException ex) when (ex.Status is 409 or 412 && attempt < MaxAttempts)
            {
                LogConflict(logger, pageId, date, attempt);
                await Task.Delay(TimeSpan.FromMilliseconds(Random.Shared.Next(5, 20 * attempt)), time, cancellationToken);
            }
        }
    }

    public async Task<(PageDaySummary Summary, long StampTime, long StampCounters)> BuildAsync(
        string pageId, DateOnly date, CancellationToken cancellationToken)
    {
        var previous = date.AddDays(-1);
        var rows = await reader.ReadAsync(pageId, previous, date, cancellationToken);
        var day = rows.PageOn(date);
        var baselineDay = rows.PageOn(previous);
        var posts = rows.PostsOn(date).ToList();
        var baselinePosts = rows.PostsOn(previous).ToDictionary(p => p.PostId, StringComparer.Ordinal);
        var used = new List<PostDayEntity>(posts);
        used.AddRange(baselinePosts.Values);

        var dayStart = calendar.StartOf(date);
        var missing = posts.Where(p => p.CreatedTime < dayStart && !baselinePosts.ContainsKey(p.PostId)).ToList();
        if (missing.Count > 0 || (baselineDay is null && day is not null))
        {
            // A gap in the pulls (an outage over a whole day): look further back for the last earlier observation.
            var older = await reader.ReadAsync(pageId, date.AddDays(-BaselineLookbackDays), previous.AddDays(-1), cancellationToken);
            foreach (var post in missing)
            {
                var last = older.Posts.Where(o => o.PostId == post.PostId).MaxBy(o => o.RowKey, StringComparer.Ordinal);
                if (last is not null)
                {
                    baselinePosts[post.PostId] = last;
                    used.Add(last);
                }
            }

            baselineDay ??= older.Pages.MaxBy(p => p.RowKey, StringComparer.Ordinal);
        }

        var summary = PageDaySummaryBuilder.Build(pageId, date, calendar, day, baselineDay, posts, baselinePosts);
        long stampTime = 0, stampCounters = 0;
        foreach (var row in used)
        {
            stampTime += row.ObservedAt.ToUnixTimeMilliseconds();
            stampCounters += row.CounterSum;
        }

        foreach (var page in new[] { day, baselineDay })
        {
            if (page is not null)
            {
                stampTime += page.ObservedAt.ToUnixTimeMilliseconds() + page.Observations;
                stampCounters += (page.Followers ?? 0) + (page.Fans ?? 0);
            }
        }

        // Meta's values of Meta's day with the same date (issue 3): their captures count towards the stamp too.
        var (metaDay, metaStampTime, metaStampCounters) = await metaInsights.ReadDayAsync(pageId, date, cancellationToken);
        summary = summary with { MetaDay = metaDay };
        stampTime += metaStampTime;
        stampCounters += metaStampCounters;

        return (summary, stampTime, stampCounters);
    }

    public async Task<SummaryEntity?> ReadAsync(string pageId, DateOnly date, CancellationToken cancellationToken)
    {
        var response = await tables.Summaries.GetEntityIfExistsAsync<SummaryEntity>(
            pageId, date.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture), cancellationToken: cancellationToken);
        return response.HasValue ? response.Value : null;
    }

    private async Task StoreAsync(PageDaySummary summary, long stampTime, long stampCounters, CancellationToken cancellationToken)
    {
        var existing = await ReadAsync(summary.PageId, summary.Date, cancellationToken);
        if (existing is not null
            && (existing.StampTime > stampTime || (existing.StampTime == stampTime && existing.StampCounters >= stampCounters)))
        {
            return;
        }

        var json = SummaryEntity.Compress(summary);
        var entity = new SummaryEntity
        {
            PartitionKey = summary.PageId,
            RowKey = summary.Date.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture),
            Json = json,
            StampTime = stampTime,
            StampCounters = stampCounters,
            Hash = Convert.ToHexStringLower(SHA256.HashData(json))[..32],
        };
        if (existing is null)
        {
            await tables.Summaries.AddEntityAsync(entity, cancellationToken);
        }
        else
        {
            await tables.Summaries.UpdateEntityAsync(entity, existing.ETag, Azure.Data.Tables.TableUpdateMode.Replace, cancellationToken);
        }
    }

    [LoggerMessage(Level = LogLevel.Debug, Message = "Summary {PageId}/{Date} changed under us (attempt {Attempt}); rebuilding")]
    private static partial void LogConflict(ILogger logger, string pageId, DateOnly date, int attempt);
}
