using Listening.Core.Notifications.Alerts;
using Listening.Core.Pipeline;
using Listening.Functions;
using Microsoft.Azure.Functions.Worker;
using static Listening.IntegrationTests.Comments.CommentScenario;

namespace Listening.IntegrationTests.Comments;

/// <summary>
/// On Azurite: questions left unanswered past AnswerWithinMinutes of office hours (once per question, only while the
/// office is open), comment alerts outside office hours on their own route, and a burst of urgent comments that
/// switches the Page to crisis mode.
/// </summary>
public sealed class CommentAlertRulesTests
{
    // Wednesday 2026-12-02, 09:00 in Berlin.
    private static readonly DateTimeOffset Morning = new(2026, 12, 2, 8, 0, 0, TimeSpan.Zero);

    /// <summary>
    /// The scenario with the pull cycle's daily webhook subscription check counted as done: it would call the real
    /// Graph API, whose retries wait on the fake clock for ever (the check has its own tests against the fake Graph API).
    /// </summary>
    private static async Task<CommentScenario> StartAsync(DateTimeOffset now, IDictionary<string, string?>? settings = null)
    {
        var s = await CommentScenario.StartAsync(now, settings);
        await s.App.Storage.EnsureCreatedAsync(CancellationToken.None);
        await s.App.Get<Listening.Core.Storage.ICommentStore>().RecordSubscriptionCheckAsync(PageId, now, true, CancellationToken.None);
        return s;
    }

    private static async Task<List<string>> KindsAsync(CommentScenario s) => [.. (await s.NotificationsAsync()).Select(n => n.Kind)];

    [Fact]
    public async Task An_unanswered_question_alerts_once_after_the_answer_time_of_office_hours()
    {
        await using var s = await StartAsync(Morning.AddMinutes(5));
        await s.PostAndTriageAsync(Delivery(Morning.AddMinutes(2),
            Change("add", 1, "Wo gibt es Sandsäcke?", Morning.AddMinutes(1)),
            Change("add", 2, "Wann öffnet der Wertstoffhof?", Morning.AddMinutes(1)),
            Change("add", 3, "Der Wertstoffhof öffnet um 10 Uhr.", Morning.AddMinutes(4), replyTo: 2, byPage: true)));
        var cycle = s.App.Get<PullCycle>();

        s.App.Time.SetUtcNow(Morning.AddMinutes(120)); // 119 minutes open
        await cycle.RunAsync(CancellationToken.None);
        Assert.DoesNotContain("questions-unanswered", await KindsAsync(s));

        s.App.Time.SetUtcNow(Morning.AddMinutes(122));
        await cycle.RunAsync(CancellationToken.None);
        s.App.Time.SetUtcNow(Morning.AddMinutes(140));
        await cycle.RunAsync(CancellationToken.None);

        var alert = Assert.Single(await s.NotificationsAsync(), n => n.Kind == "questions-unanswered");
        var card = alert.Payload.ToJsonString();
        Assert.Contains("comment_id=" + CommentId(1), card, StringComparison.Ordinal);
        Assert.DoesNotContain("Sandsäcke", card, StringComparison.Ordinal); // the text was never stored
        Assert.DoesNotContain(CommentId(2), card, StringComparison.Ordinal); // answered
    }

    [Fact]
    public async Task A_question_asked_in_the_evening_is_overdue_by_office_minutes_not_by_the_clock()
    {
        var evening = new DateTimeOffset(2026, 12, 2, 19, 0, 0, TimeSpan.Zero); // 20:00 in Berlin
        await using var s = await StartAsync(evening);
        await s.PostAndTriageAsync(Delivery(evening, Change("add", 1, "Ist die B55 wieder frei?", evening.AddMinutes(-1))));
        var cycle = s.App.Get<PullCycle>();

        s.App.Time.SetUtcNow(evening.AddHours(4)); // the office is closed
        await cycle.RunAsync(CancellationToken.None);
        s.App.Time.SetUtcNow(new DateTimeOffset(2026, 12, 3, 8, 30, 0, TimeSpan.Zero)); // 09:30 next day: 90 office minutes
        await cycle.RunAsync(CancellationToken.None);
        Assert.DoesNotContain("questions-unanswered", await KindsAsync(s));

        s.App.Time.SetUtcNow(new DateTimeOffset(2026, 12, 3, 9, 1, 0, TimeSpan.Zero)); // 10:01: 121 office minutes
        await cycle.RunAsync(CancellationToken.None);
        Assert.Single(await KindsAsync(s), k => k == "questions-unanswered");
    }

    [Fact]
    public async Task Comment_alerts_outside_office_hours_take_the_outside_office_hours_route()
    {
        var night = new DateTimeOffset(2026, 12, 2, 22, 0, 0, TimeSpan.Zero); // 23:00 in Berlin
        await using var s = await StartAsync(night, new Dictionary<string, string?>
        {
            ["Listening:Teams:Channels:bereitschaft:WebhookUrl"] = "https://example.invalid/workflows/bereitschaft-sig-0123456789",
            ["Listening:Teams:Routes:outside-office-hours"] = "bereitschaft",
        });
        await s.PostAndTriageAsync(Delivery(night, Change("add", 1, "Keller voll, wer hilft?", night.AddMinutes(-2))));
        s.App.Time.SetUtcNow(Morning.AddDays(1).AddHours(1)); // Thursday 10:00
        await s.PostAndTriageAsync(Delivery(Morning.AddDays(1).AddHours(1), Change("add", 2, "Notfall: Baum auf Straße", Morning.AddDays(1).AddMinutes(55))));

        var alerts = (await s.NotificationsAsync()).Where(n => n.Kind == "comment-urgent").OrderBy(n => n.Key, StringComparer.Ordinal).ToList();
        Assert.Equal(2, alerts.Count);
        Assert.Equal("outside-office-hours", alerts.Single(a => a.Key.EndsWith(CommentId(1), StringComparison.Ordinal)).Route);
        Assert.Null(alerts.Single(a => a.Key.EndsWith(CommentId(2), StringComparison.Ordinal)).Route);
        var channels = s.App.Get<Listening.Core.Notifications.Teams.TeamsChannels>();
        Assert.Equal(["bereitschaft"], channels.RouteFor("comment-urgent", "default", "outside-office-hours"));
    }

    [Fact]
    public async Task A_burst_of_urgent_comments_switches_the_page_to_crisis_mode_once()
    {
        await using var s = await StartAsync(Morning.AddHours(1));
        // Four urgent comments within 30 minutes: no crisis yet.
        await s.PostAndTriageAsync(Delivery(Morning.AddMinutes(30), [.. Enumerable.Range(1, 4).Select(i => Change("add", i, "Hilfe, Keller voll", Morning.AddMinutes(i * 5)))]));
        var crisis = s.App.Get<CrisisMode>();
        Assert.Null(await crisis.GetAsync(PageId, CancellationToken.None));

        // The fifth (delivered twice) starts crisis mode at its own time.
        for (var i = 0; i < 2; i++)
        {
            await s.PostAndTriageAsync(Delivery(Morning.AddMinutes(31), Change("add", 5, "Notfall, eingeschlossen", Morning.AddMinutes(26))));
        }

        var state = await crisis.GetAsync(PageId, CancellationToken.None);
        Assert.NotNull(state);
        Assert.Equal(Morning.AddMinutes(26), state.Since);
        Assert.True(state.IsActive(Morning.AddHours(1)));
        Assert.Single(await KindsAsync(s), k => k == "crisis");
    }
}
