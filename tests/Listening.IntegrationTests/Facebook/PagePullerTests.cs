using Listening.Core.Meta;
using Listening.Core.Pipeline.Health;
using Listening.Core.Ingestion;
using Listening.Core.Notifications;
using Listening.Core.Contracts;
using Listening.Core.Storage;
using Listening.Functions;
using Listening.IntegrationTests.Infrastructure;
using Microsoft.Azure.Functions.Worker;
using Microsoft.Extensions.DependencyInjection;
using Listening.Core.Configuration;
using Listening.Core.Notifications.Teams;

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

    [Fact]
    public async Task A_malformed_post_count_or_token_time_is_skipped_with_a_log_line_and_the_rest_of_the_Page_flows()
    {
        await using var s = await GraphScenario.StartAsync();
        s.AddPost(1, TimeSpan.FromHours(2), like: 5);
        s.AddPost(2, TimeSpan.FromHours(3), like: 7).Malform = json => json.Remove("created_time");
        s.AddPost(3, TimeSpan.FromHours(4), like: 9).Malform = json => json["reactions_like"]!["summary"]!["total_count"] = 1e20;
        s.AddPost(4, TimeSpan.FromHours(5), like: 2).Malform = json => json["shares"] = new System.Text.Json.Nodes.JsonObject { ["count"] = -3 };
        s.Graph.TokenData["data_access_expires_at"] = 99999999999999;
        s.Graph.PageSize = 100;

        var pulled = await s.PullAsync();

        Assert.Equal(PullStatus.Pulled, pulled.Status);
        Assert.Equal(["104857600000001_1"], pulled.Capture!.Posts.Select(p => p.Id));
        Assert.Equal(998, pulled.Capture.Followers);
        Assert.Null(pulled.Capture.Token!.DataAccessExpiresAt);
        Assert.Equal(1, pulled.Capture.HttpRequests); // nothing retried
        var state = await StateAsync(s);
        Assert.NotNull(state.LastSuccessfulPull);
        Assert.Contains("4 malformed item(s)", state.LastFailure, StringComparison.Ordinal);
        Assert.Contains("post 104857600000001_2 (created_time", state.LastFailure, StringComparison.Ordinal);
        Assert.Contains("post 104857600000001_3 (reactions_like", state.LastFailure, StringComparison.Ordinal);
        Assert.Contains("debug_token (data_access_expires_at", state.LastFailure, StringComparison.Ordinal);
        Assert.Contains("and 1 more", state.LastFailure, StringComparison.Ordinal);
        var lines = s.App.Logs!.GetSnapshot().Where(r => r.Message.StartsWith("Skipped a malformed item", StringComparison.Ordinal)).Select(r => r.Message).ToList();
        Assert.Equal(4, lines.Count);
        Assert.Contains(lines, l => l.Contains("post 104857600000001_4, field shares", StringComparison.Ordinal));
        var health = await s.App.Get<HealthReporter>().ReportAsync(CancellationToken.None);
        Assert.NotNull(health.Pages[0].LastFailure);
        Assert.False(health.Pages[0].Stalled);

        // The snapshot of the good post reached the queue: the Page flows.
        Assert.True(await s.App.DeliverAsync(s.App.Options.Queues.Snapshots, m => s.App.Get<AggregateSnapshot>().Run(m, CancellationToken.None)) >= 1);
    }

    [Fact]
    public async Task A_repeating_paging_link_is_followed_once_and_noted_in_health()
    {
        await using var s = await GraphScenario.StartAsync();
        for (var i = 1; i <= 5; i++)
        {
            s.AddPost(i, TimeSpan.FromHours(i));
        }

        s.Graph.RepeatNextLinkTimes = 500;

        var pulled = await s.PullAsync();

        Assert.Equal(PullStatus.Pulled, pulled.Status);
        Assert.Equal(2, s.Graph.Requests.Count); // the batch and the second page; the repeated link is not asked again
        Assert.Equal(4, pulled.Capture!.Posts.Count);
        var health = await s.App.Get<HealthReporter>().ReportAsync(CancellationToken.None);
        Assert.Contains("repeated a link after 2 page(s)", health.Pages[0].PagingStopped, StringComparison.Ordinal);
        Assert.Contains(s.App.Logs!.GetSnapshot(), r => r.Message.StartsWith("Paging of the posts of page 104857600000001 repeated a link", StringComparison.Ordinal));

        // A later cycle that reads to the end clears the note.
        s.Graph.RepeatNextLinkTimes = 0;
        s.App.Time.Advance(TimeSpan.FromMinutes(15));
        Assert.Equal(PullStatus.Pulled, (await s.PullAsync()).Status);
        Assert.Null((await StateAsync(s)).PagingStopped);
    }

    [Fact]
    public async Task Paging_stops_at_MaxPostPagesPerCycle_with_a_log_line_and_a_health_note()
    {
        await using var s = await GraphScenario.StartAsync(settings: new Dictionary<string, string?> { ["Listening:Facebook:MaxPostPagesPerCycle"] = "3" });
        for (var i = 1; i <= 30; i++)
        {
            s.AddPost(i, TimeSpan.FromHours(i));
        }

        var pulled = await s.PullAsync();

        Assert.Equal(PullStatus.Pulled, pulled.Status);
        Assert.Equal(3, s.Graph.Requests.Count); // the batch and two paging GETs: 3 pages of 2 posts here
        Assert.Equal(6, pulled.Capture!.Posts.Count);
        var health = await s.App.Get<HealthReporter>().ReportAsync(CancellationToken.None);
        Assert.Contains("limit of 3 page(s) (Listening:Facebook:MaxPostPagesPerCycle)", health.Pages[0].PagingStopped, StringComparison.Ordinal);
        Assert.Contains(s.App.Logs!.GetSnapshot(), r => r.Message.Contains("stopped at the limit of 3 pages", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("2026-11-27T11:59:59.998Z")]
    [InlineData("2026-11-27T12:00:00.002Z")]
    public async Task The_quarter_hour_timer_pulls_every_Page_when_it_fires_a_little_early_or_late(string firedAt)
    {
        await using var s = await GraphScenario.StartAsync(DateTimeOffset.Parse(firedAt, System.Globalization.CultureInfo.InvariantCulture));

        await s.App.Get<SchedulePulls>().Run(new TimerInfo(), CancellationToken.None);

        var pulls = s.App.Queue(s.App.Options.Queues.Pulls);
        Assert.True((await pulls.ExistsAsync()).Value);
        var message = Assert.Single((await pulls.PeekMessagesAsync(32)).Value);
        Assert.Equal(s.Page.Id, MessageCodec.DecodePull(message.Body.ToString(), DateTimeOffset.Parse(firedAt, System.Globalization.CultureInfo.InvariantCulture)).PageId);
    }

    [Fact]
    public async Task An_answer_the_parser_cannot_read_fails_the_pull_with_our_sentence_instead_of_failing_the_message()
    {
        await using var app = await TestApp.StartAsync(GraphScenario.Winter, new Dictionary<string, string?>
        {
            ["Listening:Pages:0:Id"] = "104857600000001",
            ["Listening:Pages:0:AccessToken"] = GraphScenario.Token,
        }, services => services.AddTransient<IPageSource, UnreadableSource>());

        var outcome = await app.Get<PagePuller>().PullAsync(
            new PullRequest { PageId = "104857600000001", Kind = PullKind.Posts, RequestedAt = app.Time.GetUtcNow() }, CancellationToken.None);

        Assert.Equal(PullStatus.Failed, outcome.Status);
        var state = await app.Get<PageStateStore>().GetAsync("104857600000001", CancellationToken.None);
        Assert.Equal("Meta's answer had a shape Listening cannot read; the next cycle tries again", state!.LastFailure);
    }

    private sealed class UnreadableSource : IPageSource
    {
        public Task<PullResult> CaptureAsync(Listening.Core.Configuration.PageOptions page, PullPlan plan, CancellationToken cancellationToken) =>
            throw new InvalidOperationException("The requested operation requires an element of type 'Object', but the target element has type 'Array'.");
    }
}
