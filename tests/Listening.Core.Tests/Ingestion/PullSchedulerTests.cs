using Listening.Core.Ingestion;

namespace Listening.Core.Tests.Ingestion;

public sealed class PullSchedulerTests
{
    [Theory]
    [InlineData("2026-11-27T11:44:59.9986Z", true)] // the host fired 1.4 ms early for 11:45
    [InlineData("2026-11-27T11:44:59.998Z", true)]
    [InlineData("2026-11-27T11:45:00.002Z", true)]
    [InlineData("2026-11-27T11:59:59.998Z", true)] // early for 12:00
    [InlineData("2026-11-27T11:48:00Z", true)] // a late quarter-hour run still counts
    [InlineData("2026-11-27T11:49:59.998Z", false)] // early for 11:50, a run between
    [InlineData("2026-11-27T11:50:00.002Z", false)]
    [InlineData("2026-11-27T11:54:59.998Z", false)] // early for 11:55
    [InlineData("2026-11-27T11:44:00Z", false)] // a minute early is the 11:40 run, late
    public void A_run_is_regular_by_the_quarter_hour_it_is_due_for(string at, bool regular) =>
        Assert.Equal(regular, PullScheduler.IsRegularRun(DateTimeOffset.Parse(at, System.Globalization.CultureInfo.InvariantCulture)));
}
