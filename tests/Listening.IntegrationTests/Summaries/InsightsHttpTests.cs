using Listening.Core.Configuration;
using Listening.Core.Ingestion;
using Listening.Core.Meta.Sample;
using Listening.Core.Pipeline;
using Listening.IntegrationTests.Infrastructure;

namespace Listening.IntegrationTests.Summaries;

/// <summary>
/// GET /api/insights through the real function and Azurite, on the demo Page's first days run through the pipeline:
/// one partition query per Page, the formats read with the posts, caching, and the refusals.
/// </summary>
public sealed class InsightsHttpTests : IAsyncLifetime
{
    private static readonly DateOnly FirstDay = new(2026, 11, 2);
    private static readonly LocalCalendar Calendar = new("Europe/Berlin");
    private readonly StorageRequestCounter _requests = new();
    private TestApp _app = null!;

    public async Task InitializeAsync()
    {
        _app = await TestApp.StartAsync(Calendar.StartOf(FirstDay), new Dictionary<string, string?>
        {
            ["Listening:Demo:StartDate"] = "2026-11-02",
            ["Listening:Access:RequireSignIn"] = "false",
        }, StoredSummaries.CountTableRequests(_requests));
        var scheduler = _app.Get<PullScheduler>();
        var drain = _app.Get<QueueDrain>();
        for (var at = Calendar.StartOf(FirstDay).AddMinutes(45); at < Calendar.EndOf(FirstDay.AddDays(7)); at = at.AddHours(2))
        {
            _app.Time.SetUtcNow(at);
            await scheduler.ScheduleAsync(CancellationToken.None);
            var result = await drain.RunAsync(CancellationToken.None);
            Assert.Empty(result.Failures);
        }

        _app.Time.SetUtcNow(Calendar.StartOf(FirstDay.AddDays(8)).AddHours(9));
    }

    public async Task DisposeAsync() => await _app.DisposeAsync();

    [Fact]
    public async Task The_report_costs_one_partition_query_and_groups_the_demo_posts_by_topic_and_format()
    {
        _requests.Reset();

        var answer = await HttpCall.InsightsAsync(_app.Services, "from=2026-11-02&to=2026-11-09&format=json");

        Assert.Equal(200, answer.Status);
        // Besides the one partition query, the Page registry is read at most once a minute per instance (issue 16).
        Assert.All(_requests.Requests.Where(r => !r.Contains("pagedays()", StringComparison.Ordinal)), r => Assert.Contains("pages()", r, StringComparison.Ordinal));
        Assert.InRange(_requests.Requests.Count(r => r.Contains("pages()", StringComparison.Ordinal)), 0, 1);
        var request = Assert.Single(_requests.Requests, r => r.Contains("pagedays()", StringComparison.Ordinal));
        Assert.StartsWith("GET ", request, StringComparison.Ordinal);
        Assert.Contains("pagedays()", request, StringComparison.Ordinal);
        Assert.Contains("RowKey ge 'o_", request, StringComparison.Ordinal);
        Assert.Contains("PartitionKey eq '" + DemoPage.PageId + "'", request, StringComparison.Ordinal);
        var page = answer.Json["pages"]![0]!;
        Assert.True(answer.Json["demo"]!.GetValue<bool>());
        Assert.True(page["page"]!["posts"]!.GetValue<int>() >= 8);
        var formats = page["formats"]!.AsArray().Select(f => f!["name"]!.GetValue<string>()).ToList();
        Assert.Contains("reel", formats);
        Assert.Contains("link", formats);
        Assert.Contains(page["topics"]!.AsArray(), t => t!["name"]?.GetValue<string>() == "Ausbildung/Bewerbung" && t["figures"]!["posts"]!.GetValue<int>() >= 2);
        Assert.All(page["postingTime"]!["cells"]!.AsArray(), c => Assert.True(c!["posts"]!.GetValue<int>() > 0));
    }

    [Fact]
    public async Task Html_is_cached_like_the_summaries_and_a_repeat_with_its_ETag_is_a_304()
    {
        var first = await HttpCall.InsightsAsync(_app.Services, "from=2026-11-02&to=2026-11-09", new Dictionary<string, string> { ["Accept"] = "text/html" });
        var again = await HttpCall.InsightsAsync(_app.Services, "from=2026-11-02&to=2026-11-09",
            new Dictionary<string, string> { ["Accept"] = "text/html", ["If-None-Match"] = first.Header("ETag") });

        Assert.Equal(200, first.Status);
        Assert.Contains("Was wirkt", first.Text, StringComparison.Ordinal);
        Assert.Equal("private, max-age=300, must-revalidate", first.Header("Cache-Control"));
        Assert.Equal(304, again.Status);
    }

    [Fact]
    public async Task A_bad_request_is_a_problem_in_plain_German_without_a_storage_request()
    {
        _requests.Reset();

        var answer = await HttpCall.InsightsAsync(_app.Services, "from=2026-11-02");

        Assert.Equal(400, answer.Status);
        Assert.StartsWith("application/problem+json", answer.ContentType, StringComparison.Ordinal);
        Assert.Contains("from und to zusammen", answer.Json["detail"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Equal(0, _requests.Count);
    }
}
