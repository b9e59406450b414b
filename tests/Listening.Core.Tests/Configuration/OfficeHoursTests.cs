using Listening.Core.Configuration;
using Listening.Core.Notifications.Teams;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Options;

namespace Listening.Core.Tests.Configuration;

/// <summary>Listening:OfficeHours: parsing, open or closed at a local time, open minutes between two instants, the start-up check, and the outside-office-hours route.</summary>
public sealed class OfficeHoursTests
{
    private static readonly LocalCalendar Berlin = new("Europe/Berlin");

    private static DateTimeOffset Local(int year, int month, int day, int hour, int minute = 0) =>
        Berlin.ToLocal(new DateTimeOffset(new DateTime(year, month, day, hour, minute, 0), Berlin.Zone.GetUtcOffset(new DateTime(year, month, day, hour, minute, 0))));

    [Theory]
    [InlineData("Mon-Fri 08:00-16:00", 2026, 12, 2, 8, 0, true)] // Wednesday at opening
    [InlineData("Mon-Fri 08:00-16:00", 2026, 12, 2, 15, 59, true)]
    [InlineData("Mon-Fri 08:00-16:00", 2026, 12, 2, 16, 0, false)] // closing time is closed
    [InlineData("Mon-Fri 08:00-16:00", 2026, 12, 2, 7, 59, false)]
    [InlineData("Mon-Fri 08:00-16:00", 2026, 12, 5, 10, 0, false)] // Saturday
    [InlineData("Mo-Do 07:30-16:00; Fr 07:30-12:30", 2026, 12, 4, 12, 0, true)] // Friday morning
    [InlineData("Mo-Do 07:30-16:00; Fr 07:30-12:30", 2026, 12, 4, 13, 0, false)] // Friday afternoon
    [InlineData("Sat,Sun 10:00-14:00", 2026, 12, 6, 11, 0, true)]
    [InlineData("Fri-Mon 10:00-14:00", 2026, 12, 7, 11, 0, true)] // a range across the week's end (Monday)
    [InlineData("Fri-Mon 10:00-14:00", 2026, 12, 8, 11, 0, false)] // Tuesday
    public void Open_at_a_local_time(string text, int year, int month, int day, int hour, int minute, bool open)
    {
        Assert.Equal(open, OfficeHours.Parse(text).IsOpen(Local(year, month, day, hour, minute)));
    }

    [Theory]
    [InlineData("")]
    [InlineData("Mon-Fri")]
    [InlineData("Mon-Fri 16:00-08:00")]
    [InlineData("Someday 08:00-16:00")]
    [InlineData("Mon-Fri 8-16")]
    [InlineData("Mon-Fri 08:00-25:00")]
    public void Unreadable_hours_are_refused_with_a_reason(string text)
    {
        Assert.False(OfficeHours.TryParse(text, out _, out var problem));
        Assert.False(string.IsNullOrEmpty(problem));
    }

    [Fact]
    public void Open_minutes_skip_nights_and_weekends()
    {
        var hours = OfficeHours.Default;

        // Friday 15:00 to Monday 09:00: one hour on Friday, one on Monday.
        Assert.Equal(TimeSpan.FromHours(2), hours.OpenBetween(Local(2026, 12, 4, 15), Local(2026, 12, 7, 9), Berlin));
        // Within one morning.
        Assert.Equal(TimeSpan.FromMinutes(95), hours.OpenBetween(Local(2026, 12, 2, 9, 10), Local(2026, 12, 2, 10, 45), Berlin));
        // At night: nothing.
        Assert.Equal(TimeSpan.Zero, hours.OpenBetween(Local(2026, 12, 2, 18), Local(2026, 12, 3, 7), Berlin));
        // Across the clock change in spring (Sunday 2027-03-28): Friday 15:00 to Monday 08:30 is 1.5 hours.
        Assert.Equal(TimeSpan.FromMinutes(90), hours.OpenBetween(Local(2027, 3, 26, 15), Local(2027, 3, 29, 8, 30), Berlin));
    }

    [Fact]
    public void Bad_office_hours_stop_the_start_naming_the_key()
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?> { ["AzureWebJobsStorage"] = "UseDevelopmentStorage=true" }).Build();
        var options = new ListeningOptions { OfficeHours = "weekdays nine to five" };

        var failures = new ListeningOptionsValidator(configuration).Validate(null, options).Failures ?? [];

        Assert.Contains(failures, f => f.StartsWith("Listening:OfficeHours 'weekdays nine to five' cannot be read", StringComparison.Ordinal) && f.Contains("Mon-Fri 08:00-16:00", StringComparison.Ordinal));
        Assert.Empty(new ListeningOptionsValidator(configuration).Validate(null, new ListeningOptions()).Failures ?? []);
    }

    [Fact]
    public void A_message_routed_outside_office_hours_goes_to_that_route_when_configured()
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Listening:Teams:Routes:outside-office-hours"] = "bereitschaft",
            ["Listening:Teams:Routes:comment-urgent"] = "lagezentrum,default",
        }).Build();
        var options = new ListeningOptions();
        configuration.GetSection(ListeningOptions.SectionName).Bind(options);
        var channels = new TeamsChannels(Options.Create(options));

        Assert.Equal(["bereitschaft"], channels.RouteFor("comment-urgent", "default", "outside-office-hours"));
        Assert.Equal(["lagezentrum", "default"], channels.RouteFor("comment-urgent", "default"));
        // Not configured: the kind's route.
        var bare = new TeamsChannels(Options.Create(new ListeningOptions()));
        Assert.Equal(["default"], bare.RouteFor("comment-urgent", "default", "outside-office-hours"));
    }
}
