using Listening.Core.Contracts;
using Listening.Core.Storage;

namespace Listening.Core.Tests.Storage;

/// <summary>The key formats, written once (TableKeys.cs): what the stored rows have always been keyed by.</summary>
public sealed class TableKeysTests
{
    private static readonly DateOnly Day = new(2026, 3, 9);

    [Fact]
    public void Keys_start_with_the_day_and_sort_in_time_order()
    {
        Assert.Equal("2026-03-09", DayKey.Of(Day));
        Assert.Equal("2026-03-09", SummaryKeys.Day(Day));
        Assert.Equal("2026-03-09_page", ObservationKeys.Page(Day));
        Assert.Equal("2026-03-09_post_1_2", ObservationKeys.Post(Day, "1_2"));
        Assert.Equal("2026-03-09_page_media_view", MetaDayKeys.Row(Day, "page_media_view"));
        Assert.True(string.CompareOrdinal(MetaDayKeys.Through(Day), MetaDayKeys.From(Day.AddDays(1))) < 0);
        Assert.True(string.CompareOrdinal(ObservationKeys.DayEnd(Day), ObservationKeys.DayPrefix(Day.AddDays(1))) < 0);
    }

    [Fact]
    public void Raw_archive_keys_carry_the_capture_time_to_the_tick()
    {
        var at = new DateTimeOffset(2026, 3, 9, 23, 30, 5, TimeSpan.FromHours(1)).AddTicks(1234567);

        Assert.Equal("2026-03-09T22-30-05.1234567Z_posts_002", RawArchiveKeys.Row(at, 2));
        Assert.Equal("2026-03-09T22-30-05", RawArchiveKeys.Before(at));
        Assert.True(string.CompareOrdinal(RawArchiveKeys.Row(at.AddSeconds(-1), 999), RawArchiveKeys.Before(at)) < 0);
    }

    [Fact]
    public void Only_whole_day_keys_are_summaries()
    {
        Assert.True(SummaryKeys.TryDateOf("2026-03-09", out var day));
        Assert.Equal(Day, day);
        Assert.False(SummaryKeys.TryDateOf("2026-03-09_x", out _));
        Assert.Equal(Day, ObservationKeys.DateOf("2026-03-09_post_1"));
        Assert.Equal("1_2", ObservationKeys.PostIdOf("2026-03-09_post_1_2"));
    }

    [Fact]
    public void Contract_dates_are_iso_days_and_nothing_else()
    {
        Assert.Equal("2026-03-09", IsoDate.Format(Day));
        Assert.True(IsoDate.TryParse("2026-03-09", out var parsed));
        Assert.Equal(Day, parsed);
        Assert.False(IsoDate.TryParse("09.03.2026", out _));
        Assert.False(IsoDate.TryParse(" 2026-03-09", out _));
        Assert.False(IsoDate.TryParse(null, out _));
    }
}
