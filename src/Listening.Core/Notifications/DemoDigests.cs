using Listening.Core.Aggregation;
using Listening.Core.Configuration;
using Listening.Core.Meta.Sample;
using Listening.Core.Summaries;
using Listening.Core.Contracts;
using Listening.Core.Storage;

namespace Listening.Core.Notifications;

/// <summary>
/// The demo Page's daily summaries computed in memory (the last observation of each day against the day before,
/// as the aggregation stores them), for card galleries, the browser test and the card-size benchmark: every
/// digest the demo can produce, without a storage round trip.
/// </summary>
public static class DemoDigests
{
    public static IEnumerable<(DailySummary Summary, DailySummary? Previous)> Days(DemoPage demo, LocalCalendar calendar, int days, int lookbackDays = 7)
    {
        ArgumentNullException.ThrowIfNull(demo);
        ArgumentNullException.ThrowIfNull(calendar);
        DailySummary? previous = null;
        for (var i = 0; i < days; i++)
        {
            var date = demo.FirstDay.AddDays(i);
            var page = Build(demo, calendar, date, lookbackDays);
            var summary = new DailySummary
            {
                Date = date,
                TimeZone = calendar.ZoneId,
                Demo = true,
                GeneratedAt = page.GeneratedAt,
                Pages = [page],
            };
            yield return (summary, previous);
            previous = summary;
        }
    }

    private static PageDaySummary Build(DemoPage demo, LocalCalendar calendar, DateOnly date, int lookbackDays)
    {
        var (day, posts) = Observe(demo, calendar, date, lookbackDays);
        var (before, beforePosts) = Observe(demo, calendar, date.AddDays(-1), lookbackDays);
        return PageDaySummaryBuilder.Build(DemoPage.PageId, date, calendar, day, before, posts,
            beforePosts.ToDictionary(p => p.PostId, StringComparer.Ordinal));
    }

    private static (PageDayEntity Day, List<PostDayEntity> Posts) Observe(DemoPage demo, LocalCalendar calendar, DateOnly date, int lookbackDays)
    {
        var at = calendar.EndOf(date).AddMinutes(-5);
        var capture = demo.Observe(at, lookbackDays);
        var day = new PageDayEntity
        {
            PartitionKey = capture.PageId,
            RowKey = ObservationKeys.Page(date),
            ObservedAt = capture.CapturedAt,
            PageName = capture.PageName,
            Demo = true,
            Followers = capture.Followers,
            Fans = capture.Fans,
            Observations = 24,
        };
        var topics = TopicRules.From(TopicRules.Defaults);
        return (day, [.. capture.Posts.Select(p => topics.PostDay(capture.PageId, date, capture.CapturedAt, p))]);
    }
}
