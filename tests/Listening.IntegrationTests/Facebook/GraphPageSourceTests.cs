using Listening.Core.Meta;
using Listening.Core.Ingestion;
using Listening.IntegrationTests.Infrastructure;
using Listening.Core.Configuration;
using Listening.Core.Contracts;

namespace Listening.IntegrationTests.Facebook;

/// <summary>
/// The Graph source against a server on 127.0.0.1 that answers like Meta: batches, paging, insights with Meta's
/// days, every error code the issue names, through the app's real HttpClient with its resilience handler.
/// </summary>
public sealed class GraphPageSourceTests
{
    private static readonly (DateOnly, DateOnly) ThreeDays = (new DateOnly(2026, 11, 24), new DateOnly(2026, 11, 26));

    private static readonly string BucThrottled =
        """{"104857600000001":[{"type":"pages","call_count":100,"total_cputime":12,"total_time":30,"estimated_time_to_regain_access":17}]}""";

    [Fact]
    public async Task Regular_cycle_asks_fields_insights_posts_and_token_in_one_batch_and_pages_to_the_end()
    {
        await using var s = await GraphScenario.StartAsync();
        for (var i = 1; i <= 5; i++)
        {
            s.AddPost(i, TimeSpan.FromHours(i * 20), like: i * 10, shares: i == 1 ? 0 : i);
        }

        var capture = await s.CaptureAsync(new PullPlan { Insights = ThreeDays, CheckToken = true });

        // One batch (fields, insights, first posts page, debug_token), then paging.next twice (2 posts per page here).
        Assert.Equal(3, capture.HttpRequests);
        Assert.Equal(6, capture.GraphCalls);
        Assert.Equal(3, s.Graph.Requests.Count);
        Assert.Equal(6, s.Graph.GraphCalls);
        var batch = s.Graph.Requests.First();
        Assert.Equal("POST", batch.Method);
        Assert.Equal("/", batch.Path);
        Assert.All(s.Graph.Calls.Take(4), c => Assert.StartsWith("v24.0/", c, StringComparison.Ordinal));

        Assert.Equal(5, capture.Posts.Count);
        Assert.Equal(0, capture.Posts.Single(p => p.Id.EndsWith("_1", StringComparison.Ordinal)).Shares); // "shares" absent when zero
        Assert.Equal(3, capture.Posts.Single(p => p.Id.EndsWith("_3", StringComparison.Ordinal)).Shares);
        Assert.Equal(300, capture.Posts.Single(p => p.Id.EndsWith("_3", StringComparison.Ordinal)).Metrics!["post_media_view"]);
        Assert.Equal(998, capture.Followers);
        Assert.Equal(950, capture.Fans);

        Assert.Equal(3 * MetricNames.DefaultPageMetrics.Count, capture.Insights.Count);
        Assert.Equal(new DateOnly(2026, 11, 26), capture.InsightsThrough);
        Assert.Equal(s.Graph.InsightValue("page_media_view", new DateOnly(2026, 11, 25)),
            capture.Insights.Single(v => v.Metric == "page_media_view" && MetaCalendar.DateOfEndTime(v.EndTime) == new DateOnly(2026, 11, 25)).Value);

        Assert.True(capture.Token!.IsValid);
        Assert.Null(capture.Token.ExpiresAt);
        Assert.Equal(new DateTimeOffset(2027, 1, 15, 8, 0, 0, TimeSpan.Zero), capture.Token.DataAccessExpiresAt);
        Assert.Empty(capture.Token.MissingScopes);

        // The token travels in the header only: never in a request URL, and paging.next lost its access_token.
        Assert.All(s.Graph.Requests, r => Assert.Equal("Bearer " + GraphScenario.Token, r.Authorization));
        Assert.DoesNotContain(s.Graph.Requests, r => (r.Path + r.Query).Contains(GraphScenario.Token, StringComparison.Ordinal));
        Assert.DoesNotContain(s.Graph.Requests, r => r.Query.Contains("access_token", StringComparison.Ordinal));
        Assert.Contains(s.Graph.Requests, r => r.Method == "GET" && r.Query.Contains("after=4", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("2026-11-27T10:00:00Z", 8)] // winter: Meta's day ends 08:00 UTC
    [InlineData("2026-07-15T10:00:00Z", 7)] // summer: 07:00 UTC
    public async Task Insight_values_are_labelled_with_Metas_day_ending_at_Pacific_midnight(string now, int endHourUtc)
    {
        var at = DateTimeOffset.Parse(now, System.Globalization.CultureInfo.InvariantCulture);
        await using var s = await GraphScenario.StartAsync(at);
        var lastComplete = MetaCalendar.LastCompleteDay(at);

        var capture = await s.CaptureAsync(new PullPlan { Posts = false, PageFields = false, Insights = (lastComplete.AddDays(-1), lastComplete) });

        Assert.Equal(2 * MetricNames.DefaultPageMetrics.Count, capture.Insights.Count);
        Assert.All(capture.Insights, v => Assert.Equal(endHourUtc, v.EndTime.UtcDateTime.Hour));
        Assert.Equal([lastComplete.AddDays(-1), lastComplete], capture.Insights.Select(v => MetaCalendar.DateOfEndTime(v.EndTime)).Distinct().Order());
        Assert.Equal(1, capture.HttpRequests);
    }

    [Fact]
    public async Task Batch_items_that_fail_transiently_or_come_back_null_are_asked_once_more()
    {
        await using var s = await GraphScenario.StartAsync();
        s.AddPost(1, TimeSpan.FromHours(3), like: 4);
        s.Graph.CallFaults.Enqueue(("/insights", FakeGraphApi.GraphError(503, 2, null, "(#2) Service temporarily unavailable")));
        s.Graph.CallFaults.Enqueue(("/published_posts", new FakeFault { IsNull = true }));

        var capture = await s.CaptureAsync(new PullPlan { Insights = ThreeDays });

        Assert.Equal(2, capture.HttpRequests); // the batch and one follow-up batch with the two calls
        Assert.Equal(5, capture.GraphCalls);
        Assert.Single(capture.Posts);
        Assert.Equal(3 * MetricNames.DefaultPageMetrics.Count, capture.Insights.Count);
    }

    [Fact]
    public async Task More_than_50_calls_go_out_in_batches_of_at_most_50()
    {
        await using var s = await GraphScenario.StartAsync();
        var graph = s.App.Get<GraphClient>();
        var calls = Enumerable.Range(0, 120).Select(_ => graph.Versioned(s.Graph.PageId + "?fields=name")).ToList();
        var session = new GraphSession(GraphScenario.Token);

        var results = await graph.BatchAsync(session, calls, CancellationToken.None);

        Assert.Equal(120, results.Count);
        Assert.All(results, r => Assert.True(r.Ok));
        Assert.Equal(3, session.HttpRequests);
        Assert.Equal(120, session.GraphCalls);
    }

    [Theory]
    [InlineData(500, 1, "(#1) An unknown error occurred")]
    [InlineData(503, 2, "(#2) Service temporarily unavailable")]
    [InlineData(502, 0, null)]
    public async Task Transient_faults_of_a_whole_request_are_retried_by_the_resilience_handler(int status, int code, string? message)
    {
        await using var s = await GraphScenario.StartAsync();
        s.Graph.Faults.Enqueue(message is null
            ? new FakeFault { Status = status, RawBody = "<html><body>Bad Gateway</body></html>" }
            : FakeGraphApi.GraphError(status, code, null, message));

        var capture = await s.WithClockRunningAsync(() => s.CaptureAsync(new PullPlan { Posts = false, Insights = ThreeDays }));

        Assert.Equal(2, s.Graph.Requests.Count);
        Assert.Equal(27, capture.Insights.Count);
    }

    [Fact]
    public async Task A_request_that_times_out_is_retried()
    {
        await using var s = await GraphScenario.StartAsync(settings: new Dictionary<string, string?> { ["Listening:Facebook:TimeoutSeconds"] = "1" });
        s.Graph.Faults.Enqueue(new FakeFault { Delay = TimeSpan.FromSeconds(20) });

        // The clock runs until the retry reaches the fake (the first attempt's timeout and the back-off elapse), then
        // stands still, so that the retry's own answer is never timed out by a loaded machine.
        var capture = await s.WithClockRunningAsync(
            () => s.CaptureAsync(new PullPlan { Posts = false, Insights = ThreeDays }),
            advanceWhile: () => s.Graph.Requests.Count < 2);

        Assert.Equal(2, s.Graph.Requests.Count);
        Assert.Equal(27, capture.Insights.Count);
    }

    [Fact]
    public async Task Retries_are_bounded_and_then_the_fault_comes_back()
    {
        await using var s = await GraphScenario.StartAsync();
        for (var i = 0; i < 5; i++)
        {
            s.Graph.Faults.Enqueue(FakeGraphApi.GraphError(503, 2, null, "(#2) Service temporarily unavailable"));
        }

        var failed = Assert.IsType<PullResult.Failed>(await s.WithClockRunningAsync(() => s.TryCaptureAsync(new PullPlan { Posts = false, Insights = ThreeDays })));

        Assert.True(failed.Error.Transient);
        Assert.Equal(1 + GraphResilience.MaxRetries, s.Graph.Requests.Count);
    }

    [Theory]
    [InlineData(400, 4, "(#4) Application request limit reached")]
    [InlineData(400, 17, "(#17) User request limit reached")]
    [InlineData(400, 32, "(#32) Page request limit reached")]
    [InlineData(400, 613, "(#613) Calls to this api have exceeded the rate limit.")]
    [InlineData(400, 80001, "(#80001) There have been too many calls to this Page account. Wait a bit and try again.")]
    [InlineData(429, 0, null)]
    public async Task Throttling_is_not_retried_and_carries_Metas_time_to_regain_access(int status, int code, string? message)
    {
        await using var s = await GraphScenario.StartAsync();
        var fault = message is null
            ? new FakeFault { Status = 429, RawBody = "Too Many Requests" }
            : FakeGraphApi.GraphError(status, code, null, message);
        fault.Headers["X-Business-Use-Case-Usage"] = BucThrottled;
        s.Graph.Faults.Enqueue(fault);

        var throttled = Assert.IsType<PullResult.Throttled>(await s.TryCaptureAsync(new PullPlan { Insights = ThreeDays }));

        Assert.Equal(TimeSpan.FromMinutes(17), throttled.Usage!.RegainAccessIn);
        Assert.Equal(TimeSpan.FromMinutes(17), throttled.Wait);
        Assert.Single(s.Graph.Requests);
    }

    [Fact]
    public async Task Throttling_of_one_call_in_a_batch_ends_the_pull()
    {
        await using var s = await GraphScenario.StartAsync();
        s.Graph.CallFaults.Enqueue(("/published_posts", FakeGraphApi.GraphError(400, 80001, null, "(#80001) There have been too many calls to this Page account.")));

        var throttled = Assert.IsType<PullResult.Throttled>(await s.TryCaptureAsync(new PullPlan { Insights = ThreeDays }));

        Assert.Equal(80001, throttled.Error.Code);
        Assert.Single(s.Graph.Requests);
    }

    [Fact]
    public async Task A_rejected_metric_is_found_by_bisection_and_the_other_metrics_flow()
    {
        await using var s = await GraphScenario.StartAsync();
        s.Graph.RetiredMetrics.Add("page_total_actions");

        var capture = await s.CaptureAsync(new PullPlan { Posts = false, PageFields = false, Insights = ThreeDays });

        Assert.Equal(["page_total_actions"], capture.RejectedMetrics);
        Assert.Equal(3 * 8, capture.Insights.Count);
        Assert.DoesNotContain(capture.Insights, v => v.Metric == "page_total_actions");
        // One call, then one batch per bisection round: far fewer requests than one per metric.
        Assert.InRange(capture.HttpRequests, 2, 1 + (int)Math.Ceiling(Math.Log2(9)) + 1);
    }

    [Fact]
    public async Task A_metric_Meta_names_in_its_message_is_dropped_at_once()
    {
        await using var s = await GraphScenario.StartAsync();
        s.Graph.RetiredMetrics.Add("page_views_total");
        s.Graph.NameRetiredMetric = true;

        var capture = await s.CaptureAsync(new PullPlan { Posts = false, PageFields = false, Insights = ThreeDays });

        Assert.Equal(["page_views_total"], capture.RejectedMetrics);
        Assert.Equal(2, capture.HttpRequests);
        Assert.Equal(3 * 8, capture.Insights.Count);
    }

    [Fact]
    public async Task A_renamed_metric_continues_under_its_new_name()
    {
        await using var s = await GraphScenario.StartAsync(settings: new Dictionary<string, string?>
        {
            ["Listening:Facebook:PageMetrics"] = "page_impressions,page_fans,page_views_total",
        });
        s.Graph.RetiredMetrics.UnionWith(["page_impressions", "page_fans"]);

        var capture = await s.CaptureAsync(new PullPlan { Posts = false, PageFields = false, Insights = ThreeDays });

        Assert.Equal(["page_fans", "page_impressions"], capture.RejectedMetrics.Order());
        Assert.Equal(["page_follows", "page_media_view", "page_views_total"], capture.Insights.Select(v => v.Metric).Distinct().Order());
    }

    [Fact]
    public async Task Later_cycles_do_not_ask_for_a_rejected_metric_again_but_for_its_successor()
    {
        await using var s = await GraphScenario.StartAsync(settings: new Dictionary<string, string?> { ["Listening:Facebook:PageMetrics"] = "page_impressions,page_views_total" });
        s.Graph.RetiredMetrics.Add("page_impressions");

        var capture = await s.CaptureAsync(new PullPlan { Posts = false, PageFields = false, Insights = ThreeDays, RejectedMetrics = ["page_impressions"] });

        Assert.Equal(1, capture.HttpRequests);
        Assert.Empty(capture.RejectedMetrics);
        Assert.Contains("metric=page_media_view,page_views_total&", Assert.Single(s.Graph.Calls), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_rejected_post_metric_fails_the_posts_call_and_the_posts_still_come_with_the_rest()
    {
        await using var s = await GraphScenario.StartAsync(settings: new Dictionary<string, string?>
        {
            ["Listening:Facebook:PostMetrics"] = "post_impressions,post_total_media_view_unique",
        });
        s.Graph.RetiredMetrics.Add("post_impressions");
        s.AddPost(1, TimeSpan.FromHours(5), like: 3);
        s.AddPost(2, TimeSpan.FromHours(6), like: 7);

        var capture = await s.CaptureAsync(new PullPlan { Insights = ThreeDays });

        Assert.Equal(["post_impressions"], capture.RejectedMetrics);
        Assert.Equal(2, capture.Posts.Count);
        var metrics = capture.Posts.Single(p => p.Id.EndsWith("_2", StringComparison.Ordinal)).Metrics!;
        Assert.Equal(200, metrics["post_media_view"]); // the successor of post_impressions
        Assert.Equal(120, metrics["post_total_media_view_unique"]);
        Assert.Equal(27, capture.Insights.Count);
    }

    [Fact]
    public async Task Too_much_data_halves_the_insights_window_and_the_posts_page()
    {
        await using var s = await GraphScenario.StartAsync();
        s.Graph.TooMuchDataAboveDays = 2;
        s.Graph.TooMuchDataAbovePostLimit = 50;
        s.Graph.PageSize = 100;
        for (var i = 1; i <= 3; i++)
        {
            s.AddPost(i, TimeSpan.FromHours(i));
        }

        var capture = await s.CaptureAsync(new PullPlan { Insights = (new DateOnly(2026, 11, 22), new DateOnly(2026, 11, 26)) });

        Assert.Equal(5 * 9, capture.Insights.Count);
        Assert.Equal(5, capture.Insights.Select(v => v.EndTime).Distinct().Count());
        Assert.Equal(3, capture.Posts.Count);
        Assert.Contains(s.Graph.Calls, c => c.Contains("published_posts?limit=50&", StringComparison.Ordinal));
        Assert.Empty(capture.RejectedMetrics);
    }

    [Fact]
    public async Task An_expired_token_ends_the_pull_with_code_190()
    {
        await using var s = await GraphScenario.StartAsync();
        s.Graph.Error = (400, 190, 463, "Error validating access token: Session has expired on Thursday, 26-Nov-26 09:00:00 PST.");

        var token = Assert.IsType<PullResult.TokenInvalid>(await s.TryCaptureAsync(new PullPlan { Insights = ThreeDays, CheckToken = true }));

        Assert.Equal(190, token.Error.Code);
        Assert.Equal(463, token.Error.Subcode);
        Assert.Equal("expired", token.Problem);
        Assert.Single(s.Graph.Requests);
    }

    [Fact]
    public async Task Debug_token_saying_invalid_ends_the_pull_as_a_token_error()
    {
        await using var s = await GraphScenario.StartAsync();
        s.Graph.TokenData["is_valid"] = false;
        s.Graph.TokenData["error"] = new System.Text.Json.Nodes.JsonObject { ["code"] = 190, ["subcode"] = 460, ["message"] = "The session has been invalidated because the user changed their password." };

        var token = Assert.IsType<PullResult.TokenInvalid>(await s.TryCaptureAsync(new PullPlan { CheckToken = true }));

        Assert.Equal(190, token.Error.Code);
        Assert.Contains("changed their password", token.Error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Every_request_carries_appsecret_proof_when_the_app_secret_is_set()
    {
        await using var s = await GraphScenario.StartAsync(settings: new Dictionary<string, string?> { ["Listening:Facebook:AppSecret"] = "app-secret-for-tests" });
        s.Graph.AppSecret = "app-secret-for-tests";
        s.AddPost(1, TimeSpan.FromHours(1));
        s.AddPost(2, TimeSpan.FromHours(2));
        s.AddPost(3, TimeSpan.FromHours(3));

        var capture = await s.CaptureAsync(new PullPlan { Insights = ThreeDays });

        Assert.Equal(3, capture.Posts.Count); // the fake refuses any request without the right proof
        Assert.Contains(s.Graph.Requests, r => r.Method == "GET" && r.Query.Contains("appsecret_proof=" + GraphClient.Proof(GraphScenario.Token, "app-secret-for-tests"), StringComparison.Ordinal));
        Assert.DoesNotContain(s.Graph.Requests, r => (r.Query + r.Body).Contains("app-secret-for-tests", StringComparison.Ordinal));

        s.Graph.AppSecret = "another-secret";
        var failed = Assert.IsType<PullResult.Failed>(await s.TryCaptureAsync(new PullPlan { Insights = ThreeDays }));
        Assert.Contains("appsecret_proof", failed.Error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_paging_link_to_another_host_is_not_followed()
    {
        await using var s = await GraphScenario.StartAsync();
        var graph = s.App.Get<GraphClient>();

        var result = await graph.NextPageAsync(new GraphSession(GraphScenario.Token), "https://attacker.example/v24.0/1/published_posts?access_token=x&after=2", CancellationToken.None);

        Assert.False(result.Ok);
        Assert.Empty(s.Graph.Requests);
    }

    [Fact]
    public async Task Check_asks_everything_in_one_request_and_names_each_rejected_metric()
    {
        await using var s = await GraphScenario.StartAsync();
        s.Graph.RetiredMetrics.UnionWith(["page_video_views", "post_total_media_view_unique"]);

        var result = await s.App.Get<PageCheck>().CheckAsync(s.Page, CancellationToken.None);

        Assert.Equal(1, result.HttpRequests);
        Assert.Equal(2 + 9 + 2, result.GraphCalls);
        Assert.True(result.Token!.IsValid);
        Assert.Equal(["page_video_views", "post_total_media_view_unique"], result.Metrics.Where(m => m.Problem is not null).Select(m => m.Metric));
    }
}
