using System.Diagnostics;
using System.Globalization;
using Listening.Core.Pipeline;
using Listening.Core.Configuration;
using Listening.Core.Meta;
using Listening.Core.Ingestion;
using Listening.IntegrationTests.Infrastructure;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Listening.Benchmarks;

/// <summary>
/// One regular pull cycle of one Page against the fake Graph API on 127.0.0.1 (the integration tests' fake, pages of
/// 100 posts as Meta serves them), through the app's real composition (HttpClient, resilience handler, batching):
/// HTTP requests and Graph calls per cycle (batch calls counted one by one), and the time a cycle takes.
/// </summary>
internal static class GraphCycleBenchmark
{
    public static async Task RunAsync(string[] args)
    {
        var iterations = args.Length > 0 && int.TryParse(args[0], CultureInfo.InvariantCulture, out var n) ? n : 200;
        Console.WriteLine();
        Console.WriteLine($"## graph-cycle: Graph calls and HTTP requests per Page per cycle ({iterations} cycles each, after 5 warm-up cycles)");
        Console.WriteLine();
        Console.WriteLine("| Posts in the 7-day window | HTTP requests | Graph calls | of which per post | Cycle p50 | Cycle p95 |");
        Console.WriteLine("|---:|---:|---:|---:|---:|---:|");
        foreach (var posts in new[] { 10, 100, 250 })
        {
            await MeasureAsync(posts, iterations, checkToken: false);
        }

        Console.WriteLine();
        Console.WriteLine("Once a day the cycle's batch also carries debug_token (one Graph call more, no extra HTTP request):");
        Console.WriteLine();
        Console.WriteLine("| Posts in the 7-day window | HTTP requests | Graph calls | of which per post | Cycle p50 | Cycle p95 |");
        Console.WriteLine("|---:|---:|---:|---:|---:|---:|");
        await MeasureAsync(100, iterations, checkToken: true);

        Console.WriteLine();
        Console.WriteLine("With an Instagram account linked to the Page (issue 14: the account found in the Page's batch, its insights of 3 Meta days, media of the window and stories in one more batch):");
        Console.WriteLine();
        Console.WriteLine("| Posts / media in the 7-day window | HTTP requests | Graph calls | of which per post or media item | Cycle p50 | Cycle p95 |");
        Console.WriteLine("|---:|---:|---:|---:|---:|---:|");
        foreach (var media in new[] { 10, 100, 250 })
        {
            await MeasureAsync(media, iterations, checkToken: false, mediaCount: media);
        }
    }

    private static async Task MeasureAsync(int postCount, int iterations, bool checkToken, int mediaCount = -1)
    {
        await using var graph = await FakeGraphApi.StartAsync();
        graph.PageSize = 100;
        var now = DateTimeOffset.UtcNow;
        for (var i = 0; i < postCount; i++)
        {
            graph.Posts.Add(new FakePost
            {
                Id = $"{graph.PageId}_{i + 1}",
                CreatedTime = now.AddMinutes(-(i + 1) * (7 * 24 * 60 - 60) / postCount),
                Message = "Ausbildung beim Kreis: jetzt bewerben! #Ausbildung " + new string('x', 200),
                Like = i * 3, Love = i % 7, Wow = i % 3, Comments = i % 11, Shares = i % 5, Views = i * 40, Reach = i * 25,
            });
        }

        if (mediaCount >= 0)
        {
            var account = new FakeInstagramAccount();
            graph.Instagram = account;
            for (var i = 0; i < mediaCount; i++)
            {
                account.Media.Add(new FakeMedia
                {
                    Id = $"179000000{i + 1:D8}",
                    Timestamp = now.AddMinutes(-(i + 1) * (7 * 24 * 60 - 60) / mediaCount),
                    Caption = "Ausbildung beim Kreis #Ausbildung " + new string('x', 200),
                    ProductType = i % 2 == 0 ? "REELS" : "FEED",
                    MediaType = i % 2 == 0 ? "VIDEO" : "IMAGE",
                    Likes = i * 3, Comments = i % 5, Views = i * 90, Reach = i * 60, Saved = i % 7, Shares = i % 3,
                });
            }

            account.Media.Add(new FakeMedia { Id = "17900000099999999", Timestamp = now.AddHours(-2), ProductType = "STORY", Views = 300, Reach = 250 });
        }

        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { Args = [], DisableDefaults = true });
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["AzureWebJobsStorage"] = "UseDevelopmentStorage=true", // not touched: the cycle's Graph side only
            ["Listening:Facebook:GraphBaseUrl"] = graph.BaseUri.ToString(),
            ["Listening:Pages:0:Id"] = graph.PageId,
            ["Listening:Pages:0:AccessToken"] = "EAAGBenchmarkToken",
        });
        builder.Logging.ClearProviders();
        builder.AddListening();
        using var host = builder.Build();
        var source = host.Services.GetRequiredService<GraphPageSource>();
        var page = host.Services.GetRequiredService<IOptions<ListeningOptions>>().Value.Pages[0];
        var lastComplete = MetaCalendar.LastCompleteDay(now);
        var plan = new PullPlan { Insights = (lastComplete.AddDays(-2), lastComplete), CheckToken = checkToken, Instagram = mediaCount >= 0 };

        for (var i = 0; i < 5; i++)
        {
            await source.CaptureAsync(page, plan, CancellationToken.None);
        }

        var times = new List<double>(iterations);
        PageCapture? last = null;
        var requestsBefore = graph.Requests.Count;
        var callsBefore = graph.GraphCalls;
        var callLogBefore = graph.Calls.Count;
        for (var i = 0; i < iterations; i++)
        {
            var watch = Stopwatch.StartNew();
            last = await source.CaptureAsync(page, plan, CancellationToken.None) is PullResult.Ok ok ? ok.Capture : throw new InvalidOperationException("the cycle did not read the Page");
            times.Add(watch.Elapsed.TotalMilliseconds);
        }

        if (last!.Posts.Count != postCount)
        {
            throw new InvalidOperationException($"expected {postCount} posts, the cycle read {last.Posts.Count}");
        }

        if (mediaCount >= 0 && last.Instagram?.Media.Count != mediaCount + 1)
        {
            throw new InvalidOperationException($"expected {mediaCount} media and a story, the cycle read {last.Instagram?.Media.Count}");
        }

        var requests = (graph.Requests.Count - requestsBefore) / (double)iterations;
        var calls = (graph.GraphCalls - callsBefore) / (double)iterations;
        var perPost = graph.Calls.Skip(callLogBefore).Count(c => c.Contains(graph.PageId + "_", StringComparison.Ordinal) || c.Contains("/179000", StringComparison.Ordinal)) / (double)iterations;
        times.Sort();
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"| {postCount}{(mediaCount >= 0 ? " / " + mediaCount.ToString(CultureInfo.InvariantCulture) : "")} | {requests:0.##} | {calls:0.##} | {perPost:0.##} | {Percentile(times, 0.5):0.0} ms | {Percentile(times, 0.95):0.0} ms |"));
    }

    private static double Percentile(List<double> sorted, double p) => sorted[Math.Min(sorted.Count - 1, (int)Math.Ceiling(p * sorted.Count) - 1)];
}
