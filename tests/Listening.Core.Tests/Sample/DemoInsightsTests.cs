using Listening.Core.Aggregation;
using Listening.Core.Configuration;
using Listening.Core.Insights;
using Listening.Core.Meta.Sample;
using Listening.Core.Storage;

namespace Listening.Core.Tests.Sample;

/// <summary>
/// The insights report over the demo Page's 90 days (60 days of history and the 30-day story), built from the rows
/// the aggregation keeps (each post's last observation per local day, here the one at 23:55 as the demo's last pull
/// of a day): the patterns the demo is made to show must come out of the report itself.
/// </summary>
public sealed class DemoInsightsTests
{
    private static readonly LocalCalendar Berlin = new("Europe/Berlin");

    [Theory]
    [InlineData(2026, 11, 1)]
    [InlineData(2027, 3, 20)]
    public void Over_90_days_giveaways_and_apprenticeship_Reels_reach_most_and_morning_service_posts_beat_evening_ones(int year, int month, int day)
    {
        var page = new DemoPage(new DateOnly(year, month, day), Berlin);
        var from = page.FirstDay.AddDays(-DemoScript.HistoryDays);
        var to = page.FirstDay.AddDays(DemoScript.StoryDays - 1);
        var report = InsightsBuilder.Build(DemoPage.PageId, DemoPage.PageName, Rows(page, from, to), from, to, Berlin, minPostsPerCell: 3);

        Assert.True(report.Page.Posts >= 90, $"{report.Page.Posts} posts");
        Assert.Equal("Gewinnspiel", report.Topics[0].Name);
        Assert.True(report.Topics[0].Figures.Posts >= 4, "the history's giveaway and the story's three posts");
        var apprenticeship = report.Topics.Single(t => t.Name == "Ausbildung/Bewerbung").Figures;
        Assert.True(apprenticeship.MedianReach > report.Page.MedianReach);
        Assert.Equal("reel", report.Formats[0].Name);
        Assert.True(report.Formats[0].Figures.Posts >= 10);
        Assert.True(report.Formats[0].Figures.MedianReach > 2 * report.Page.MedianReach);

        // Posting times: three best slots, each on at least 3 posts, the Friday afternoon Reels first; service
        // links at 08:00 reach more people within 24 hours than those at 18:00.
        var best = report.PostingTime.BestSlots;
        Assert.Equal(3, best.Count);
        Assert.All(best, c => Assert.True(c.Posts >= 3 && c.Enough));
        Assert.Equal((5, 15), (best[0].Weekday, best[0].Hour));
        double Reach24h(int weekday, int hour) =>
            report.PostingTime.Cells.Single(c => c.Weekday == weekday && c.Hour == hour && c.Enough).MedianReach24h!.Value;
        Assert.True(Reach24h(2, 8) > Reach24h(3, 18), "Tuesday 08:00 against Wednesday 18:00");
        Assert.True(Reach24h(4, 8) > Reach24h(4, 18), "Thursday 08:00 against Thursday 18:00");

        // Both giveaways side by side; the two story images without alternative text are the only ones.
        Assert.Equal(2, report.Giveaways.Count(g => g.Reach >= 10_000));
        Assert.Equal(2, report.Accessibility.Sum(m => m.PostsLackingAltText));
    }

    /// <summary>The rows of every day from <paramref name="from"/> to <paramref name="to"/>: the Page and each post of the 7-day look-back window, observed at 23:55.</summary>
    private static ObservationRows Rows(DemoPage page, DateOnly from, DateOnly to)
    {
        var topics = TopicRules.From(TopicRules.Defaults);
        var rows = new ObservationRows();
        for (var date = from.AddDays(-1); date <= to; date = date.AddDays(1))
        {
            var at = Berlin.EndOf(date).AddMinutes(-5);
            var capture = page.Observe(at, 7);
            rows.Pages.Add(new PageDayEntity
            {
                PartitionKey = capture.PageId,
                RowKey = ObservationKeys.Page(date),
                ObservedAt = capture.CapturedAt,
                PageName = capture.PageName,
                Demo = true,
                Followers = capture.Followers,
                Fans = capture.Fans,
                Observations = 4,
            });
            rows.Posts.AddRange(capture.Posts.Select(p => topics.PostDay(capture.PageId, date, capture.CapturedAt, p)));
        }

        return rows;
    }
}
