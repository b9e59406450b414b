using System.Globalization;
using Listening.Cli;
using Listening.Core.Storage;
using Listening.Core.Summaries;
using Listening.IntegrationTests.Infrastructure;

namespace Listening.IntegrationTests.Facebook;

/// <summary><c>listening check</c> and <c>listening sync --since/--until</c> against the fake Graph API and Azurite.</summary>
public sealed class CliCommandTests
{
    private static async Task<(int Exit, string Output)> CheckAsync(GraphScenario s)
    {
        using var output = new StringWriter(CultureInfo.InvariantCulture);
        var exit = await CheckCommand.RunAsync(s.App.Services, output, CancellationToken.None);
        return (exit, output.ToString());
    }

    private static async Task<(int Exit, string Output, string Error)> BackfillAsync(GraphScenario s, DateOnly since, DateOnly? until)
    {
        using var output = new StringWriter(CultureInfo.InvariantCulture);
        using var error = new StringWriter(CultureInfo.InvariantCulture);
        var exit = await BackfillCommand.RunAsync(s.App.Services, since, until, output, error, CancellationToken.None);
        return (exit, output.ToString(), error.ToString());
    }

    [Fact]
    public async Task Check_prints_token_state_expiries_scopes_and_accepted_metrics_and_exits_0_for_a_usable_Page()
    {
        await using var s = await GraphScenario.StartAsync();
        s.Graph.RetiredMetrics.Add("page_video_views");

        var (exit, output) = await CheckAsync(s);

        Assert.Equal(0, exit);
        Assert.Contains("Page 104857600000001 – Kreis Soest (998 followers)", output, StringComparison.Ordinal);
        Assert.Contains("Token:        valid (PAGE token)", output, StringComparison.Ordinal);
        Assert.Contains("Expires:      never", output, StringComparison.Ordinal);
        Assert.Contains("Data access:  until 2027-01-15 08:00 UTC (in 48 days)", output, StringComparison.Ordinal);
        Assert.Contains("Scopes:       pages_show_list, pages_read_engagement, read_insights", output, StringComparison.Ordinal);
        Assert.Contains("Page metrics: 8 of 9 accepted", output, StringComparison.Ordinal);
        Assert.Contains("rejected: page_video_views (code 100 (HTTP 400): (#100) The value must be a valid insights metric)", output, StringComparison.Ordinal);
        Assert.Contains("Post metrics: 2 of 2 accepted", output, StringComparison.Ordinal);
        Assert.Contains("accepted: post_media_view (views), post_total_media_view_unique (reach)", output, StringComparison.Ordinal);
        Assert.DoesNotContain("no accepted post metric delivers reach", output, StringComparison.Ordinal);
        Assert.Contains("Result:       usable", output, StringComparison.Ordinal);
        Assert.Single(s.Graph.Requests);
        Assert.DoesNotContain(GraphScenario.Token, output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Check_names_the_post_metric_that_continues_reach_under_a_new_name_and_warns_when_none_does()
    {
        await using var s = await GraphScenario.StartAsync(settings: new Dictionary<string, string?>
        {
            ["Listening:Facebook:PostMetrics"] = "post_media_view,post_total_media_viewers",
            ["Listening:Facebook:MetricAliases:post_total_media_viewers"] = "post_total_media_view_unique",
        });

        var (exit, output) = await CheckAsync(s);

        Assert.Equal(0, exit);
        Assert.Contains("accepted: post_media_view (views), post_total_media_viewers (reach, as post_total_media_view_unique)", output, StringComparison.Ordinal);

        await using var retired = await GraphScenario.StartAsync();
        retired.Graph.RetiredMetrics.Add("post_total_media_view_unique");
        var (_, warned) = await CheckAsync(retired);
        Assert.Contains("Post metrics: 1 of 2 accepted", warned, StringComparison.Ordinal);
        Assert.Contains("no accepted post metric delivers reach", warned, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Check_exits_1_for_an_expired_token()
    {
        await using var s = await GraphScenario.StartAsync();
        s.Graph.Error = (400, 190, 463, "Error validating access token: Session has expired on Thursday, 26-Nov-26 09:00:00 PST.");

        var (exit, output) = await CheckAsync(s);

        Assert.Equal(1, exit);
        Assert.Contains("UNUSABLE: the token could not be inspected: code 190/463", output, StringComparison.Ordinal);
        Assert.Contains("1 Page(s) unusable", output, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("scopes", "the token lacks read_insights")]
    [InlineData("data_access_expires_at", "its data access has lapsed")]
    [InlineData("is_valid", "the token is not valid")]
    public async Task Check_exits_1_when_the_token_cannot_read_what_Listening_needs(string field, string problem)
    {
        await using var s = await GraphScenario.StartAsync();
        s.Graph.TokenData[field] = field switch
        {
            "scopes" => new System.Text.Json.Nodes.JsonArray("pages_show_list", "pages_read_engagement"),
            "data_access_expires_at" => GraphScenario.Winter.AddDays(-1).ToUnixTimeSeconds(),
            _ => false,
        };

        var (exit, output) = await CheckAsync(s);

        Assert.Equal(1, exit);
        Assert.Contains(problem, output, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(503, 1, "Meta is temporarily unavailable (code 1); try again in a few minutes")]
    [InlineData(503, 2, "Meta is temporarily unavailable (code 2); try again in a few minutes")]
    [InlineData(400, 4, "throttled by Meta (code 4), try again after 2026-11-27 10:")]
    [InlineData(400, 17, "throttled by Meta (code 17), try again after 2026-11-27 10:")]
    [InlineData(400, 32, "throttled by Meta (code 32), try again after 2026-11-27 10:")]
    [InlineData(400, 613, "throttled by Meta (code 613), try again after 2026-11-27 10:")]
    public async Task Check_calls_Meta_being_down_or_throttling_what_it_is_not_an_unusable_Page(int status, int code, string sentence)
    {
        await using var s = await GraphScenario.StartAsync();
        s.Graph.Error = (status, code, null, $"(#{code}) Something Meta says in its own words");

        var (exit, output) = await s.WithClockRunningAsync(() => CheckAsync(s));

        Assert.Equal(3, exit);
        Assert.Contains("Result:       not checked: " + sentence, output, StringComparison.Ordinal);
        Assert.Contains("could not be checked because Meta was unavailable or throttled", output, StringComparison.Ordinal);
        Assert.DoesNotContain("UNUSABLE", output, StringComparison.Ordinal);
        Assert.DoesNotContain("rejected:", output, StringComparison.Ordinal);
        Assert.DoesNotContain("in its own words", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Check_reads_a_token_time_out_of_range_as_unknown_instead_of_crashing()
    {
        await using var s = await GraphScenario.StartAsync();
        s.Graph.TokenData["data_access_expires_at"] = 99999999999999;

        var (exit, output) = await CheckAsync(s);

        Assert.Equal(0, exit);
        Assert.Contains("Data access:  no limit reported", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Check_says_when_to_try_again_after_throttling_from_Metas_estimate()
    {
        await using var s = await GraphScenario.StartAsync();
        var fault = FakeGraphApi.GraphError(400, 32, null, "(#32) Page request limit reached");
        fault.Headers["X-Business-Use-Case-Usage"] =
            """{"104857600000001":[{"type":"pages","call_count":100,"total_cputime":20,"total_time":30,"estimated_time_to_regain_access":42}]}""";
        s.Graph.Faults.Enqueue(fault);

        var (exit, output) = await CheckAsync(s);

        Assert.Equal(3, exit);
        Assert.Contains("Result:       not checked: throttled by Meta (code 32), try again after 2026-11-27 10:42 UTC", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Check_without_a_configured_Page_says_so_and_exits_2()
    {
        await using var app = await TestApp.StartAsync(GraphScenario.Winter);
        using var output = new StringWriter(CultureInfo.InvariantCulture);

        Assert.Equal(2, await CheckCommand.RunAsync(app.Services, output, CancellationToken.None));
        Assert.Contains("demo Page", output.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Sync_since_backfills_insights_in_windows_of_at_most_90_days_and_the_posts_of_the_range()
    {
        await using var s = await GraphScenario.StartAsync();
        s.App.Time.AutoAdvanceAmount = TimeSpan.FromMilliseconds(1);
        s.Graph.PageSize = 100;
        s.AddPost(1, TimeSpan.FromDays(100), like: 40, shares: 2);
        s.AddPost(2, TimeSpan.FromDays(200), like: 12);
        s.AddPost(3, TimeSpan.FromDays(250), like: 99); // before the range
        s.AddPost(4, TimeSpan.FromHours(30), like: 5);

        var (exit, output, error) = await BackfillAsync(s, new DateOnly(2026, 5, 1), null);

        Assert.True(exit == 0, error);
        Assert.Contains("insights [1/3] 2026-05-01 to 2026-07-29: 810 values", output, StringComparison.Ordinal);
        Assert.Contains("insights [2/3] 2026-07-30 to 2026-10-27: 810 values", output, StringComparison.Ordinal);
        Assert.Contains("insights [3/3] 2026-10-28 to 2026-11-26: 270 values", output, StringComparison.Ordinal);
        Assert.Contains("posts created 2026-05-01 to 2026-11-27: 3 posts, totals as of 2026-11-27 11:00", output, StringComparison.Ordinal);
        Assert.Contains(BackfillCommand.NoHistoryNote, output, StringComparison.Ordinal);

        var insightCalls = s.Graph.Calls.Where(c => c.Contains("/insights?", StringComparison.Ordinal)).ToList();
        Assert.Equal(3, insightCalls.Count);
        Assert.All(insightCalls, c =>
        {
            var query = System.Web.HttpUtility.ParseQueryString(c.Split('?')[1]);
            var span = long.Parse(query["until"]!, CultureInfo.InvariantCulture) - long.Parse(query["since"]!, CultureInfo.InvariantCulture);
            Assert.InRange(span, 1, 90 * 86400);
        });

        // Meta's values of an old day reach that day's summary, labelled with Meta's date.
        var june = await s.App.Get<SummaryReader>().ReadDayAsync(new DateOnly(2026, 6, 15), s.Page.Id, CancellationToken.None);
        var metaDay = june!.Summary.Pages[0].MetaDay!;
        Assert.Equal(new DateOnly(2026, 6, 15), metaDay.Date);
        Assert.Equal(s.Graph.InsightValue("page_media_view", new DateOnly(2026, 6, 15)), metaDay.Metrics["page_media_view"]);

        // The posts were stored with the capture time as their label, and the snapshots say they are a backfill.
        var archive = s.App.Get<RawArchive>();
        var archived = new List<Listening.Core.Contracts.PageSnapshot>();
        await foreach (var snapshot in archive.ReadAsync(s.Page.Id, GraphScenario.Winter.AddHours(-1), GraphScenario.Winter.AddHours(1), GraphScenario.Winter.AddHours(2), CancellationToken.None))
        {
            archived.Add(snapshot);
        }

        Assert.All(archived, a => Assert.True(a.Backfill));
        Assert.Equal(["104857600000001_1", "104857600000001_2", "104857600000001_4"], archived.SelectMany(a => a.Posts).Select(p => p.Id).Order());
        Assert.Equal(810 + 810 + 270, archived.Sum(a => a.Insights.Count));

        // Their lifetime totals are not today's gain: the posts existed before anything of the Page was observed.
        var today = (await s.App.Get<SummaryReader>().ReadDayAsync(new DateOnly(2026, 11, 27), s.Page.Id, CancellationToken.None))!.Summary.Pages[0];
        Assert.Equal((0L, 0L, 0L), (today.Reactions.Total, today.Comments, today.Shares));
        Assert.Empty(today.Posts);
    }

    [Theory]
    [InlineData("2026-06-01", "2026-05-01", "lies before --since")]
    [InlineData("2026-06-01", "2026-12-01", "lies in the future")]
    [InlineData("2024-01-01", "2024-02-01", "more than two years back")]
    public async Task Sync_since_refuses_impossible_ranges_with_exit_code_2(string since, string until, string message)
    {
        await using var s = await GraphScenario.StartAsync();

        var (exit, _, error) = await BackfillAsync(s, DateOnly.Parse(since, CultureInfo.InvariantCulture), DateOnly.Parse(until, CultureInfo.InvariantCulture));

        Assert.Equal(2, exit);
        Assert.Contains(message, error, StringComparison.Ordinal);
        Assert.Empty(s.Graph.Requests);
    }

    [Fact]
    public async Task Sync_since_stops_a_throttled_Page_keeps_what_was_read_and_says_to_run_again()
    {
        await using var s = await GraphScenario.StartAsync();
        s.App.Time.AutoAdvanceAmount = TimeSpan.FromMilliseconds(1);
        s.Graph.CallFaults.Enqueue(("/insights", FakeGraphApi.GraphError(400, 80001, null, "(#80001) There have been too many calls to this Page account.")));

        var (exit, output, error) = await BackfillAsync(s, new DateOnly(2026, 11, 20), null);

        Assert.Equal(1, exit);
        Assert.Contains("Throttled", output, StringComparison.Ordinal);
        Assert.Contains("run the same command again later", error, StringComparison.Ordinal);
        var state = await s.App.Get<PageStateStore>().GetAsync(s.Page.Id, CancellationToken.None);
        Assert.NotNull(state!.ResumeAfter);
    }

    [Theory]
    [InlineData("sync --until 2026-01-01", "--until needs --since")]
    [InlineData("sync --since 01.05.2026", "must be a date like 2026-01-31")]
    [InlineData("sync --since 2026-05-01 --until tomorrow", "must be a date like 2026-01-31")]
    public void Sync_options_are_validated_before_anything_runs(string line, string message)
    {
        var parse = ListeningCli.Build().Parse(line.Split(' '));

        Assert.Contains(parse.Errors, e => e.Message.Contains(message, StringComparison.Ordinal));
    }

    [Fact]
    public void Check_and_sync_since_are_commands_of_the_CLI()
    {
        Assert.Empty(ListeningCli.Build().Parse(["check"]).Errors);
        Assert.Empty(ListeningCli.Build().Parse(["sync", "--since", "2026-05-01", "--until", "2026-05-31"]).Errors);
        Assert.Empty(ListeningCli.Build().Parse(["sync"]).Errors);
    }
}
