using System.Globalization;
using Listening.Core.Aggregation;
using Listening.Core.Contracts;
using Listening.Core.Storage;
using Listening.Core.Summaries;
using Listening.IntegrationTests.Infrastructure;

namespace Listening.IntegrationTests.Aggregation;

/// <summary>
/// Our own counters belong to calendar days in the configured zone: the 23- and 25-hour days of 2026 and the
/// instants around midnight land on the right rows and summaries.
/// </summary>
public sealed class DaysTests
{
    private const string PageId = "104857600000001";

    private static PageSnapshot Pull(string utc, long followers, params PostObservation[] posts) => new()
    {
        PageId = PageId,
        PageName = "Kreis Soest",
        CapturedAt = DateTimeOffset.Parse(utc, CultureInfo.InvariantCulture),
        Followers = followers,
        Fans = followers - 50,
        Posts = posts,
    };

    private static PostObservation Post(string id, string createdUtc, long likes) => new()
    {
        Id = id,
        CreatedTime = DateTimeOffset.Parse(createdUtc, CultureInfo.InvariantCulture),
        Message = "Beitrag " + id,
        Reactions = new ReactionCounts { Like = likes },
    };

    [Theory]
    [InlineData("Europe/Berlin", "2026-03-29", "2026-03-28T22:59:59Z", "2026-03-28T23:00:00Z", "2026-03-29T21:59:59Z", "2026-03-29T22:00:00Z", 23)]
    [InlineData("Europe/Berlin", "2026-10-25", "2026-10-24T21:59:59Z", "2026-10-24T22:00:00Z", "2026-10-25T22:59:59Z", "2026-10-25T23:00:00Z", 25)]
    [InlineData("Europe/Berlin", "2026-11-27", "2026-11-26T22:59:59Z", "2026-11-26T23:00:00Z", "2026-11-27T22:59:59Z", "2026-11-27T23:00:00Z", 24)]
    [InlineData("America/New_York", "2026-11-01", "2026-11-01T03:59:59Z", "2026-11-01T04:00:00Z", "2026-11-02T04:59:59Z", "2026-11-02T05:00:00Z", 25)]
    public async Task Pulls_at_the_edges_of_a_day_belong_to_the_day_they_fall_on_locally(
        string zone, string day, string lastBefore, string firstOfDay, string lastOfDay, string firstAfter, int hours)
    {
        var date = DateOnly.Parse(day, CultureInfo.InvariantCulture);
        await using var app = await TestApp.StartAsync(new DateTimeOffset(2026, 12, 1, 0, 0, 0, TimeSpan.Zero),
            new Dictionary<string, string?> { ["Listening:TimeZone"] = zone });
        Assert.Equal(TimeSpan.FromHours(hours), DateTimeOffset.Parse(firstAfter, CultureInfo.InvariantCulture) - DateTimeOffset.Parse(firstOfDay, CultureInfo.InvariantCulture));

        // The post of the first instant of the day is new that day; the one of the last instant before is not.
        var early = Post("p_midnight", firstOfDay, 0);
        var late = Post("p_before", lastBefore, 0);
        var middle = DateTimeOffset.Parse(firstOfDay, CultureInfo.InvariantCulture).AddHours(hours / 2.0).ToString("O", CultureInfo.InvariantCulture);
        await OrderIndependenceTests.ApplyAsync(app,
        [
            Pull(lastBefore, 1000, late),
            Pull(firstOfDay, 1001, late with { Reactions = new ReactionCounts { Like = 2 } }, early),
            Pull(middle, 1002, late with { Reactions = new ReactionCounts { Like = 3 } }, early with { Reactions = new ReactionCounts { Like = 5 } }),
            Pull(lastOfDay, 1010, late with { Reactions = new ReactionCounts { Like = 4 } }, early with { Reactions = new ReactionCounts { Like = 9 } }),
            Pull(firstAfter, 1020, late with { Reactions = new ReactionCounts { Like = 9 } }, early with { Reactions = new ReactionCounts { Like = 20 } }),
        ]);

        var rows = await app.Get<IObservationStore>().ReadDaysAsync(PageId, date.AddDays(-1), date.AddDays(1), CancellationToken.None);
        Assert.Equal([1, 3, 1], rows.Pages.OrderBy(p => p.RowKey, StringComparer.Ordinal).Select(p => p.Observations));
        Assert.Equal(1010, rows.PageOn(date)!.Followers);

        var summary = (await app.Get<ISummaryStore>().ReadDayAsync(PageId, date, CancellationToken.None))!.ToSummary();
        Assert.Equal(3, summary.Observations);
        Assert.Equal(new CounterChange(1010, 10), summary.Followers);
        Assert.True(summary.Posts.Single(p => p.Id == "p_midnight").New);
        Assert.False(summary.Posts.Single(p => p.Id == "p_before").New);
        Assert.Equal(9, summary.Posts.Single(p => p.Id == "p_midnight").Reactions.Like);
        Assert.Equal(4, summary.Posts.Single(p => p.Id == "p_before").Reactions.Like); // 0 at the end of the day before
        Assert.Equal(13, summary.Reactions.Like);
    }
}
