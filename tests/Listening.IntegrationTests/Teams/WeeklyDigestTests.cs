using Listening.Core.Contracts;
using Listening.Core.Notifications;
using Listening.Core.Notifications.Teams;
using Listening.IntegrationTests.Infrastructure;

namespace Listening.IntegrationTests.Teams;

/// <summary>On Mondays the morning digest run also queues the weekly digest of last week, once; <c>Listening:WeeklyDigest=false</c> switches it off.</summary>
public sealed class WeeklyDigestTests
{
    /// <summary>Monday, 30 November 2026, 08:05 in Berlin.</summary>
    private static readonly DateTimeOffset MondayMorning = new(2026, 11, 30, 7, 5, 0, TimeSpan.Zero);

    [Fact]
    public async Task Monday_queues_the_day_and_the_week_and_a_second_run_queues_nothing()
    {
        await using var app = await TestApp.StartAsync(MondayMorning);
        var scheduler = app.Get<DigestScheduler>();

        Assert.NotNull(await scheduler.RunAsync(CancellationToken.None));
        app.Time.SetUtcNow(MondayMorning.AddHours(1));
        Assert.Null(await scheduler.RunAsync(CancellationToken.None));

        var messages = (await app.Queue(app.Options.Queues.Notifications).PeekMessagesAsync(32)).Value
            .Select(m => MessageCodec.DecodeNotification(m.Body.ToString())).ToList();
        Assert.Equal(["digest:2026-11-29", "weekly:2026-11-23"], messages.Select(m => m.Key).Order(StringComparer.Ordinal));
        var weekly = messages.Single(m => m.Key.StartsWith("weekly:", StringComparison.Ordinal));
        Assert.Null(WorkflowsPayload.Validate(weekly.Payload));
        Assert.Contains("Wochenrückblick 23.11.2026 – 29.11.2026", weekly.Payload!.ToJsonString(new System.Text.Json.JsonSerializerOptions { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping }), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Switched_off_a_Monday_queues_only_the_day()
    {
        await using var app = await TestApp.StartAsync(MondayMorning, new Dictionary<string, string?> { ["Listening:WeeklyDigest"] = "false" });

        await app.Get<DigestScheduler>().RunAsync(CancellationToken.None);

        var message = Assert.Single((await app.Queue(app.Options.Queues.Notifications).PeekMessagesAsync(32)).Value);
        Assert.Equal("digest:2026-11-29", MessageCodec.DecodeNotification(message.Body.ToString()).Key);
    }
}
