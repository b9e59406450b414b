using Listening.Core.Facebook;
using Listening.Core.Health;
using Listening.Core.Ingestion;
using Listening.Core.Notifications;
using Listening.Core.Snapshots;
using Listening.Core.Storage;
using Listening.Functions;
using Listening.IntegrationTests.Infrastructure;
using Microsoft.Azure.Functions.Worker;

namespace Listening.IntegrationTests.Facebook;

/// <summary>
/// What a pull does with Meta's failure modes, with the Page state in Azurite: pauses instead of sleeping,
/// token state with an alert once a day, rejected metrics remembered and alerted once, catching up, fan-out.
/// </summary>
public sealed class PagePullerTests
{
    private static FakeFault Throttled(int code, int? regainMinutes)
    {
        var fault = FakeGraphApi.GraphError(400, code, null, $"(#{code}) Page request limit reached");
        if (regainMinutes is { } minutes)
        {
            fault.Headers["X-Business-Use-Case-Usage"] =
                $$"""{"104857600000001":[{"type":"pages","call_count":100,"total_cputime":20,"total_time":30,"estimated_time_to_regain_access":{{minutes}}}]}""";
        }

        return fault;
    }

    private static async Task<List<NotificationMessage>> NotificationsAsync(TestApp app)
    {
        var queue = app.Queue(app.Options.Queues.Notifications);
        await queue.CreateIfNotExistsAsync();
        var peeked = (await queue.PeekMessagesAsync(32)).Value;
        return [.. peeked.Select(m => MessageCodec.DecodeNotification(m.Body.ToString()))];
    }

    private static async Task<PageStateEntity> StateAsync(GraphScenario s) =>
        (await s.App.Get<PageStateStore>().GetAsync(s.Page.Id, CancellationToken.None))!;

    [Fact]
    public async Task A_throttled_Page_pauses_for_Metas_estimate_and_resumes_after_it()
    {
        await using var s = await GraphScenario.StartAsync();
        s.Graph.Faults.Enqueue(Throttled(32, regainMinutes: 42));

        var first = await s.PullAsync();
        Assert.Equal(PullStatus.Throttled, first.Status);
        Assert.Equal(GraphScenario.Winter.AddMinutes(42), first.ResumeAfter);

        s.App.Time.Advance(TimeSpan.FromMinutes(15));
        var second = await s.PullAsync();
        Assert.Equal(PullStatus.Paused, second.Status);
        Assert.Single(s.Graph.Requests); // the paused cycle asked Meta nothing

        var health = await s.App.Get<HealthReporter>().ReportAsync(CancellationToken.None);
        Assert.Equal(GraphScenario.Winter.AddMinutes(42), health.Pages[0].PausedUntil);
        Assert.Contains("code 32", health.Pages[0].PauseReason, StringComparison.Ordinal);

        s.App.Time.Advance(TimeSpan.FromMinutes(30));
        var third = await s.PullAsync();
        Assert.Equal(PullStatus.Pulled, third.Status);
        Assert.Null((await StateAsync(s)).ResumeAfter);
        Assert.Equal(0, (await StateAsync(s)).ThrottledInARow);
    }

    [Fact]
    public async Task Throttling_without_an_estimate_backs_off_exponentially_with_jitter()
    {
        await using var s = await GraphScenario.StartAsync();
        s.Graph.Faults.Enqueue(Throttled(613, regainMinutes: null));
        s.Graph.Faults.Enqueue(Throttled(4, regainMinutes: null));

        var first = await s.PullAsync();
        Assert.InRange(first.ResumeAfter!.Value - GraphScenario.Winter, TimeSpan.FromMinutes(15), TimeSpan.FromMinutes(18));

        s.App.Time.SetUtcNow(first.ResumeAfter.Value.AddSeconds(1));
        var second = await s.PullAsync();
        Assert.Equal(PullStatus.Throttled, second.Status);
        Assert.InRange(second.ResumeAfter!.Value - s.App.Time.GetUtcNow(), TimeSpan.FromMinutes(30), TimeSpan.FromMinutes(36));
        Assert.Equal(2, (await StateAsync(s)).ThrottledInARow);
    }

    [Fact]
    public async Task High_usage_slows_the_Page_down_before_Meta_throttles()
    {
        await using var s = await GraphScenario.StartAsync();
        s.Graph.UsageHeaders["X-App-Usage"] = """{"call_count":81,"total_time":20,"total_cputime":12}""";

        var pulled = await s.PullAsync();
        Assert.Equal(PullStatus.Pulled, pulled.Status);
        var state = await StateAsync(s);
        Assert.Equal(81, state.UsagePercent);
        Assert.Equal("X-App-Usage", state.UsageHeader);
        Assert.Equal(GraphScenario.Winter.AddMinutes(60), state.ResumeAfter);

        s.App.Time.Advance(TimeSpan.FromMinutes(15));
        Assert.Equal(PullStatus.Paused, (await s.PullAsync()).Status);

        s.Graph.UsageHeaders["X-App-Usage"] = """{"call_count":20,"total_time":20,"total_cputime":12}""";
        s.App.Time.Advance(TimeSpan.FromMinutes(50));
        Assert.Equal(PullStatus.Pulled, (await s.PullAsync()).Status);
        Assert.Null((await StateAsync(s)).ResumeAfter);
    }

    [Fact]
    public async Task An_invalid_token_stops_the_pulls_tells_Teams_once_a_day_and_pulls_resume_when_the_token_changes()
    {
        await using var s = await GraphScenario.StartAsync();
        s.Graph.InvalidTokens.Add(GraphScenario.Token);

        Assert.Equal(PullStatus.TokenInvalid, (await s.PullAsync()).Status);
        for (var i = 0; i < 3; i++)
        {
            s.App.Time.Advance(TimeSpan.FromMinutes(15));
            Assert.Equal(PullStatus.TokenInvalid, (await s.PullAsync()).Status);
        }

        Assert.Single(s.Graph.Requests); // no retries against a dead token
        var alerts = await NotificationsAsync(s.App);
        var alert = Assert.Single(alerts);
        Assert.Equal("token-invalid", alert.Kind);
        Assert.Equal($"token-invalid:{s.Page.Id}:2026-11-27", alert.Key);
        Assert.Contains("Page-Token", alert.Payload.ToJsonString(), StringComparison.Ordinal);
        Assert.Null(WorkflowsPayload.Validate(alert.Payload));

        var health = await s.App.Get<HealthReporter>().ReportAsync(CancellationToken.None);
        Assert.Equal("invalid", health.Pages[0].TokenState);
        Assert.Equal("invalidated", health.Pages[0].TokenProblem);
        Assert.Equal("unhealthy", health.Status); // every Page's token is invalid: the pipeline is broken now

        // The next day: one more alert, still no call to Meta.
        s.App.Time.Advance(TimeSpan.FromDays(1));
        Assert.Equal(PullStatus.TokenInvalid, (await s.PullAsync()).Status);
        Assert.Single(s.Graph.Requests);
        Assert.Equal([$"token-invalid:{s.Page.Id}:2026-11-27", $"token-invalid:{s.Page.Id}:2026-11-28"], (await NotificationsAsync(s.App)).Select(n => n.Key));

        // The operator puts in a new token: the Page is pulled again and its state is valid.
        s.Page.AccessToken = "EAAGNewPageTokenAfterRenewal987";
        Assert.Equal(PullStatus.Pulled, (await s.PullAsync()).Status);
        var state = await StateAsync(s);
        Assert.Equal("valid", state.TokenState);
        Assert.Equal(TokenStatus.Fingerprint("EAAGNewPageTokenAfterRenewal987"), state.TokenFingerprint);
        Assert.NotNull(state.TokenCheckedAt); // a new token is inspected with debug_token right away
    }

    [Fact]
    public async Task A_rejected_metric_alerts_Teams_once_shows_in_health_and_is_not_asked_for_again()
    {
        await using var s = await GraphScenario.StartAsync();
        s.Graph.RetiredMetrics.Add("page_video_views");

        Assert.Equal(PullStatus.Pulled, (await s.PullAsync()).Status);
        s.App.Time.Advance(TimeSpan.FromMinutes(15));
        var callsBefore = s.Graph.Calls.Count;
        var second = await s.PullAsync();

        Assert.Equal(PullStatus.Pulled, second.Status);
        Assert.Equal(1, second.Capture!.HttpRequests); // the known rejection costs nothing any more
        Assert.DoesNotContain(s.Graph.Calls.Skip(callsBefore), c => c.Contains("page_video_views", StringComparison.Ordinal));
        var alert = Assert.Single(await NotificationsAsync(s.App));
        Assert.Equal($"metric-rejected:{s.Page.Id}:page_video_views", alert.Key);
        Assert.Equal("metric-rejected", alert.Kind);
        Assert.Contains("page_video_views", alert.Payload.ToJsonString(), StringComparison.Ordinal);
        var health = await s.App.Get<HealthReporter>().ReportAsync(CancellationToken.None);
        Assert.Equal(["page_video_views"], health.Pages[0].RejectedMetrics);
        Assert.Equal("healthy", health.Status);
    }

    [Fact]
    public async Task The_next_cycle_catches_up_on_the_insights_a_gap_missed()
    {
        await using var s = await GraphScenario.StartAsync();
        Assert.Equal(new DateOnly(2026, 11, 26), (await s.PullAsync()).Capture!.InsightsThrough);

        s.App.Time.Advance(TimeSpan.FromDays(5)); // five days without a successful pull
        var capture = (await s.PullAsync()).Capture!;

        var days = capture.Insights.Select(v => MetaCalendar.DateOfEndTime(v.EndTime)).Distinct().Order().ToList();
        Assert.Equal(new DateOnly(2026, 11, 27), days[0]);
        Assert.Equal(new DateOnly(2026, 12, 1), days[^1]);
        Assert.Equal(5, days.Count);
    }

    [Fact]
    public async Task A_failure_of_Meta_is_recorded_and_the_next_cycle_goes_on()
    {
        await using var s = await GraphScenario.StartAsync();
        for (var i = 0; i < 3; i++)
        {
            s.Graph.Faults.Enqueue(FakeGraphApi.GraphError(503, 2, null, "(#2) Service temporarily unavailable"));
        }

        var failed = await s.WithClockRunningAsync(() => s.PullAsync());

        Assert.Equal(PullStatus.Failed, failed.Status);
        Assert.Contains("code 2", (await StateAsync(s)).LastFailure, StringComparison.Ordinal);
        Assert.Null((await StateAsync(s)).LastSuccessfulPull);
        Assert.Equal(PullStatus.Pulled, (await s.PullAsync()).Status);
        Assert.NotNull((await StateAsync(s)).LastSuccessfulPull);
    }

    [Fact]
    public async Task A_failing_Page_never_blocks_another()
    {
        await using var s = await GraphScenario.StartAsync(settings: new Dictionary<string, string?>
        {
            ["Listening:Pages:1:Id"] = "104857600000002",
            ["Listening:Pages:1:Name"] = "Kreis Nachbar",
            ["Listening:Pages:1:AccessToken"] = "EAAGRevokedTokenOfTheSecondPage",
        });
        s.Graph.InvalidTokens.Add("EAAGRevokedTokenOfTheSecondPage");
        s.AddPost(1, TimeSpan.FromHours(2), like: 5);

        await s.App.Get<SchedulePulls>().Run(new TimerInfo(), CancellationToken.None);
        Assert.Equal(2, await s.App.DeliverAsync(s.App.Options.Queues.Pulls, m => s.App.Get<PullPage>().Run(m, CancellationToken.None)));
        Assert.True(await s.App.DeliverAsync(s.App.Options.Queues.Snapshots, m => s.App.Get<AggregateSnapshot>().Run(m, CancellationToken.None)) >= 1);

        var states = (await s.App.Get<PageStateStore>().AllAsync(CancellationToken.None)).ToDictionary(x => x.RowKey);
        Assert.Equal("valid", states["104857600000001"].TokenState);
        Assert.NotNull(states["104857600000001"].LastSuccessfulPull);
        Assert.Equal("invalid", states["104857600000002"].TokenState);
        var poison = s.App.Queue(s.App.Options.Queues.Pulls + "-poison");
        Assert.False((await poison.ExistsAsync()).Value && (await poison.PeekMessagesAsync(1)).Value.Length > 0);
        var summary = await s.App.Get<Listening.Core.Summaries.SummaryReader>().ReadDayAsync(new DateOnly(2026, 11, 27), "104857600000001", CancellationToken.None);
        Assert.Equal(5, summary!.Summary.Pages[0].Reactions.Like);
    }
}
