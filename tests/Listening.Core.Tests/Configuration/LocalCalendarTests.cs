using Listening.Core.Configuration;

namespace Listening.Core.Tests.Configuration;

public sealed class LocalCalendarTests
{
    private static readonly LocalCalendar Berlin = new("Europe/Berlin");

    [Theory]
    [InlineData(2026, 3, 29, 23)] // clocks go forward at 02:00
    [InlineData(2026, 10, 25, 25)] // clocks go back at 03:00
    [InlineData(2026, 11, 27, 24)]
    [InlineData(2027, 3, 28, 23)]
    public void A_berlin_day_lasts_23_24_or_25_hours(int year, int month, int day, int hours)
    {
        var date = new DateOnly(year, month, day);

        Assert.Equal(TimeSpan.FromHours(hours), Berlin.EndOf(date) - Berlin.StartOf(date));
    }

    [Theory]
    [InlineData("2026-03-28T22:59:59.999Z", "2026-03-28")] // 23:59:59.999 CET
    [InlineData("2026-03-28T23:00:00Z", "2026-03-29")] // midnight CET
    [InlineData("2026-03-29T21:59:59.999Z", "2026-03-29")] // 23:59:59.999 CEST, the 23-hour day ends
    [InlineData("2026-03-29T22:00:00Z", "2026-03-30")]
    [InlineData("2026-10-24T21:59:59.999Z", "2026-10-24")] // 23:59:59.999 CEST
    [InlineData("2026-10-24T22:00:00Z", "2026-10-25")] // midnight CEST, the 25-hour day begins
    [InlineData("2026-10-25T00:30:00Z", "2026-10-25")] // 02:30 CEST, the first of the two
    [InlineData("2026-10-25T01:30:00Z", "2026-10-25")] // 02:30 CET, the second
    [InlineData("2026-10-25T22:59:59.999Z", "2026-10-25")] // 23:59:59.999 CET
    [InlineData("2026-10-25T23:00:00Z", "2026-10-26")]
    public void An_instant_belongs_to_the_berlin_day_around_it(string instant, string date)
    {
        Assert.Equal(DateOnly.Parse(date, System.Globalization.CultureInfo.InvariantCulture),
            Berlin.DateOf(DateTimeOffset.Parse(instant, System.Globalization.CultureInfo.InvariantCulture)));
    }

    [Fact]
    public void Start_and_end_of_the_switch_days_are_local_midnights()
    {
        Assert.Equal(new DateTimeOffset(2026, 3, 28, 23, 0, 0, TimeSpan.Zero), Berlin.StartOf(new DateOnly(2026, 3, 29)));
        Assert.Equal(new DateTimeOffset(2026, 3, 29, 22, 0, 0, TimeSpan.Zero), Berlin.EndOf(new DateOnly(2026, 3, 29)));
        Assert.Equal(new DateTimeOffset(2026, 10, 24, 22, 0, 0, TimeSpan.Zero), Berlin.StartOf(new DateOnly(2026, 10, 25)));
        Assert.Equal(new DateTimeOffset(2026, 10, 25, 23, 0, 0, TimeSpan.Zero), Berlin.EndOf(new DateOnly(2026, 10, 25)));
    }

    [Fact]
    public void Another_configured_zone_has_its_own_days_and_switch_dates()
    {
        var newYork = new LocalCalendar("America/New_York");
        var instant = new DateTimeOffset(2026, 11, 28, 3, 0, 0, TimeSpan.Zero); // 22:00 on the 27th in New York

        Assert.Equal(new DateOnly(2026, 11, 27), newYork.DateOf(instant));
        Assert.Equal(new DateOnly(2026, 11, 28), Berlin.DateOf(instant));
        Assert.Equal(TimeSpan.FromHours(25), newYork.EndOf(new DateOnly(2026, 11, 1)) - newYork.StartOf(new DateOnly(2026, 11, 1)));
        Assert.Equal(TimeSpan.FromHours(24), newYork.EndOf(new DateOnly(2026, 10, 25)) - newYork.StartOf(new DateOnly(2026, 10, 25)));
    }

    [Fact]
    public void A_zone_whose_clocks_skip_midnight_starts_the_day_at_the_first_valid_time()
    {
        // Asia/Beirut switches at midnight to summer time (00:00 -> 01:00) on the last Sunday of March.
        var beirut = new LocalCalendar("Asia/Beirut");
        var start = beirut.StartOf(new DateOnly(2026, 3, 29));

        Assert.Equal(new DateOnly(2026, 3, 29), beirut.DateOf(start));
        Assert.Equal(new DateOnly(2026, 3, 28), beirut.DateOf(start.AddTicks(-1)));
    }
}
