using Listening.Core.Meta;
using Listening.Core.Configuration;

namespace Listening.Core.Tests.Facebook;

public sealed class MetaCalendarTests
{
    [Theory]
    [InlineData("2026-11-27T08:00:00+00:00", "2026-11-26")] // winter: Pacific midnight is 08:00 UTC
    [InlineData("2026-07-15T07:00:00+00:00", "2026-07-14")] // summer: 07:00 UTC
    [InlineData("2026-03-09T07:00:00+00:00", "2026-03-08")] // the first day after the spring change
    [InlineData("2026-11-02T08:00:00+00:00", "2026-11-01")] // the day of the autumn change (25 hours)
    public void End_time_minus_one_day_is_Metas_date(string endTime, string metaDate) =>
        Assert.Equal(DateOnly.Parse(metaDate, System.Globalization.CultureInfo.InvariantCulture),
            MetaCalendar.DateOfEndTime(DateTimeOffset.Parse(endTime, System.Globalization.CultureInfo.InvariantCulture)));

    [Fact]
    public void A_day_ends_at_Pacific_midnight_in_winter_and_summer()
    {
        Assert.Equal(new DateTimeOffset(2026, 11, 27, 8, 0, 0, TimeSpan.Zero), MetaCalendar.EndOf(new DateOnly(2026, 11, 26)));
        Assert.Equal(new DateTimeOffset(2026, 7, 15, 7, 0, 0, TimeSpan.Zero), MetaCalendar.EndOf(new DateOnly(2026, 7, 14)));
        Assert.Equal(TimeSpan.FromHours(25), MetaCalendar.EndOf(new DateOnly(2026, 11, 1)) - MetaCalendar.StartOf(new DateOnly(2026, 11, 1)));
    }

    [Fact]
    public void Last_complete_day_changes_at_Pacific_midnight_not_at_Berlin_midnight()
    {
        // 07:59 UTC on 27.11. is 08:59 in Berlin, but still 23:59 on the 26th in California.
        Assert.Equal(new DateOnly(2026, 11, 25), MetaCalendar.LastCompleteDay(new DateTimeOffset(2026, 11, 27, 7, 59, 0, TimeSpan.Zero)));
        Assert.Equal(new DateOnly(2026, 11, 26), MetaCalendar.LastCompleteDay(new DateTimeOffset(2026, 11, 27, 8, 0, 0, TimeSpan.Zero)));
    }

    [Fact]
    public void Ranges_split_into_windows_of_at_most_90_days()
    {
        var windows = MetaCalendar.Windows(new DateOnly(2026, 1, 1), new DateOnly(2026, 7, 29));

        Assert.Equal(3, windows.Count);
        Assert.Equal((new DateOnly(2026, 1, 1), new DateOnly(2026, 3, 31)), windows[0]);
        Assert.Equal((new DateOnly(2026, 4, 1), new DateOnly(2026, 6, 29)), windows[1]);
        Assert.Equal((new DateOnly(2026, 6, 30), new DateOnly(2026, 7, 29)), windows[2]);
        Assert.All(windows, w => Assert.InRange(w.To.DayNumber - w.From.DayNumber + 1, 1, 90));
        Assert.Single(MetaCalendar.Windows(new DateOnly(2026, 1, 1), new DateOnly(2026, 1, 1)));
    }
}
