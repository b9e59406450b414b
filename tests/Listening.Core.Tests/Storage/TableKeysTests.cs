using Listening.Core.Contracts;
using Listening.Core.Storage;

namespace Listening.Core.Tests.Storage;

/// <summary>The key formats, written once (TableKeys.cs): what the stored rows are keyed by (issue 16: a kind prefix each).</summary>
public sealed class TableKeysTests
{
    private static readonly DateOnly Day = new(2026, 3, 9);

    [Fact]
    public void Keys_start_with_the_day_and_sort_in_time_order()
    {
        Assert.Equal("2026-03-09", DayKey.Of(Day));
        Assert.Equal("s_2026-03-09", SummaryKeys.Day(Day));
        Assert.Equal("o_2026-03-09_page", ObservationKeys.Page(Day));
        Assert.Equal("o_2026-03-09_post_1_2", ObservationKeys.Post(Day, "1_2"));
        Assert.Equal("m_2026-03-09_page_media_view", MetaDayKeys.Row(Day, "page_media_view"));
        Assert.True(string.CompareOrdinal(MetaDayKeys.Through(Day), MetaDayKeys.From(Day.AddDays(1))) < 0);
        Assert.True(string.CompareOrdinal(ObservationKeys.DayEnd(Day), ObservationKeys.DayPrefix(Day.AddDays(1))) < 0);
    }

    [Fact]
    public void Raw_archive_keys_carry_the_capture_time_to_the_tick()
    {
        var at = new DateTimeOffset(2026, 3, 9, 23, 30, 5, TimeSpan.FromHours(1)).AddTicks(1234567);

        Assert.Equal("a_2026-03-09T22-30-05.1234567Z_posts_002", RawArchiveKeys.Row(at, 2));
        Assert.Equal("a_2026-03-09T22-30-05", RawArchiveKeys.Before(at));
        Assert.True(string.CompareOrdinal(RawArchiveKeys.Row(at.AddSeconds(-1), 999), RawArchiveKeys.Before(at)) < 0);
    }

    [Fact]
    public void Only_whole_day_keys_are_summaries()
    {
        Assert.True(SummaryKeys.TryDateOf("s_2026-03-09", out var day));
        Assert.Equal(Day, day);
        Assert.False(SummaryKeys.TryDateOf("s_2026-03-09_x", out _));
        Assert.False(SummaryKeys.TryDateOf("2026-03-09", out _));
        Assert.Equal(Day, ObservationKeys.DateOf("o_2026-03-09_post_1"));
        Assert.Equal("1_2", ObservationKeys.PostIdOf("o_2026-03-09_post_1_2"));
        Assert.True(ObservationKeys.IsPost("o_2026-03-09_post_1"));
        Assert.True(ObservationKeys.IsPage("o_2026-03-09_page"));
        Assert.False(ObservationKeys.IsPage("s_2026-03-09_page"));
    }

    [Fact]
    public void Each_kind_of_Page_day_row_is_one_contiguous_range_of_the_partition()
    {
        var at = new DateTimeOffset(2026, 3, 9, 12, 0, 0, TimeSpan.Zero);
        string[] keys = [RawArchiveKeys.Row(at, 0), MetaDayKeys.Row(Day, "page_follows"), ObservationKeys.Page(Day), ObservationKeys.Post(Day, "1"), SummaryKeys.Day(Day)];
        string[] kinds = [PageDayKinds.Archive, PageDayKinds.Meta, PageDayKinds.Observation, PageDayKinds.Observation, PageDayKinds.Summary];
        for (var i = 0; i < keys.Length; i++)
        {
            Assert.True(string.CompareOrdinal(keys[i], kinds[i]) >= 0 && string.CompareOrdinal(keys[i], PageDayKinds.End(kinds[i])) < 0, keys[i]);
        }

        // Retention's bounds: a day's rows sort at or after the bound of that day, the day before's below it.
        Assert.True(string.CompareOrdinal(ObservationKeys.Page(Day.AddDays(-1)), ObservationKeys.Before(Day)) < 0);
        Assert.True(string.CompareOrdinal(ObservationKeys.Page(Day), ObservationKeys.Before(Day)) >= 0);
        Assert.True(string.CompareOrdinal(SummaryKeys.Day(Day.AddDays(-1)), SummaryKeys.Before(Day)) < 0);
        Assert.True(string.CompareOrdinal(MetaDayKeys.Row(Day, "x"), MetaDayKeys.Before(Day)) >= 0);
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
