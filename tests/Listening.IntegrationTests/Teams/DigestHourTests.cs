using Listening.Core.Notifications;
using Listening.Core.Contracts;
using Listening.IntegrationTests.Infrastructure;

namespace Listening.IntegrationTests.Teams;

/// <summary>The hourly UTC timer sends the digest at 08:00 Berlin time, across both daylight-saving switches.</summary>
public sealed class DigestHourTests
{
    [Theory]
    [InlineData("2026-03-29", 6, "2026-03-28")] // clocks go forward at 02:00: 08:00 CEST is 06:00 UTC
    [InlineData("2026-10-25", 7, "2026-10-24")] // clocks go back at 03:00: 08:00 CET is 07:00 UTC
    [InlineData("2026-11-27", 7, "2026-11-26")]
    public async Task Digest_goes_out_at_the_first_run_after_eight_local_time(string day, int utcHour, string digestOf)
    {
        var date = DateOnly.Parse(day, System.Globalization.CultureInfo.InvariantCulture);
        var midnightUtc = new DateTimeOffset(date.ToDateTime(TimeOnly.MinValue), TimeSpan.Zero);
        await using var app = await TestApp.StartAsync(midnightUtc);
        var scheduler = app.Get<DigestScheduler>();

        var queuedAt = new List<int>();
        for (var hour = 0; hour < 24; hour++)
        {
            app.Time.SetUtcNow(midnightUtc.AddHours(hour).AddMinutes(5));
            if (await scheduler.RunAsync(CancellationToken.None) is { } queued)
            {
                Assert.Equal(digestOf, queued.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture));
                queuedAt.Add(hour);
            }
        }

        Assert.Equal([utcHour], queuedAt);
        var messages = (await app.Queue(app.Options.Queues.Notifications).PeekMessagesAsync(32)).Value;
        var message = MessageCodec.DecodeNotification(Assert.Single(messages).Body.ToString());
        Assert.Equal("digest:" + digestOf, message.Key);
    }
}
