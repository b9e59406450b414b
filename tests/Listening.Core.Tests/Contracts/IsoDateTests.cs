using System.Globalization;
using Listening.Core.Contracts;

namespace Listening.Core.Tests.Contracts;

/// <summary>The instant forms of <see cref="IsoDate"/>: the text the messages, CLI and HTML wrote before they were moved here.</summary>
public sealed class IsoDateTests
{
    private static readonly DateTimeOffset Berlin = new(2026, 3, 9, 8, 5, 59, TimeSpan.FromHours(1));

    [Fact]
    public void Minutes_are_written_as_before()
    {
        Assert.Equal("2026-03-09 08:05", IsoDate.Minute(Berlin));
        Assert.Equal("2026-03-09 07:05", IsoDate.Minute(Berlin.UtcDateTime));
        Assert.Equal("2026-03-09 07:05 UTC", IsoDate.UtcMinute(Berlin));
        Assert.Equal("2026-03-09T08:05+01:00", IsoDate.MinuteWithOffset(Berlin));
        Assert.Equal("2026-03-09T08:05+01:00", Berlin.ToString("yyyy-MM-dd'T'HH:mmzzz", CultureInfo.InvariantCulture));
    }

    [Fact]
    public void A_null_is_written_as_interpolation_writes_it()
    {
        DateOnly? day = null;
        DateTimeOffset? at = null;

        Assert.Equal($"{day}", IsoDate.Format(day));
        Assert.Equal($"{at}", IsoDate.Minute(at));
        Assert.Equal("2026-03-09", IsoDate.Format((DateOnly?)new DateOnly(2026, 3, 9)));
    }

    [Fact]
    public void The_machine_culture_does_not_change_the_text()
    {
        var before = CultureInfo.CurrentCulture;
        try
        {
            // Thai: Buddhist calendar (year 2569); Finnish: '.' as time separator.
            foreach (var name in new[] { "th-TH", "fi-FI" })
            {
                CultureInfo.CurrentCulture = CultureInfo.GetCultureInfo(name);
                Assert.Equal("2026-03-09", IsoDate.Format(new DateOnly(2026, 3, 9)));
                Assert.Equal("2026-03-09 08:05", IsoDate.Minute(Berlin));
                Assert.Equal("2026-03-09 07:05 UTC", IsoDate.UtcMinute(Berlin));
            }
        }
        finally
        {
            CultureInfo.CurrentCulture = before;
        }
    }
}
