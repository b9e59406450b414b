using Listening.Core.Pipeline;
using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Security.Cryptography;
using Azure.Core;
using Azure.Core.Pipeline;
using Azure.Data.Tables;
using Listening.Cli;
using Listening.Core.Contracts;
using Listening.Core.Summaries;
using Listening.Functions;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Time.Testing;
using Listening.Core.Storage;

namespace Listening.Benchmarks;

/// <summary>
/// What serving a summary costs (issue 5): storage round trips per day summary and per N-day period, and the
/// latency of the summary function in process against Azurite beside a raw point read of the same row, measured
/// interleaved in the same run. <c>dotnet run -c Release --project tests/Listening.Benchmarks -- summaries [iterations]</c>
/// </summary>
internal static class SummaryServingBenchmark
{
    private const string PageId = "104857600000001";
    private const int StoredDays = 800;
    private const int PostsPerDay = 6;

    public static async Task RunAsync(string[] args)
    {
        var iterations = args.Length > 0 && int.TryParse(args[0], CultureInfo.InvariantCulture, out var n) ? n : 1000;
        await using var azurite = await AzuriteProcess.StartAsync(CancellationToken.None);
        var counter = new RequestCounter();
        var today = new DateOnly(2026, 11, 28);
        var prefix = "bench" + Guid.NewGuid().ToString("N")[..8];
        using var host = BuildHost(azurite.ConnectionString, prefix, counter, new DateTimeOffset(2026, 11, 28, 7, 0, 0, TimeSpan.Zero));
        await host.Services.GetRequiredService<ListeningStorage>().EnsureCreatedAsync(CancellationToken.None);
        // The baseline reads the app's summaries table with the SDK directly, beside the app's own read path.
        var summaries = host.Services.GetRequiredService<TableServiceClient>().GetTableClient(prefix + "pagedays");
        var seedWatch = Stopwatch.StartNew();
        await SeedAsync(summaries, today.AddDays(-StoredDays), today.AddDays(-1));
        seedWatch.Stop();

        var day = host.Services.GetRequiredService<GetDailySummary>();
        var period = host.Services.GetRequiredService<GetPeriodSummary>();
        var yesterday = today.AddDays(-1);
        var key = yesterday.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
        var rowKey = SummaryKeys.Day(yesterday);

        // Round trips: every request the table client sends, retries included.
        var trips = new List<(string What, int Requests)>();
        counter.Reset();
        await CallDayAsync(day, key, "json");
        trips.Add(("Day summary, 1 Page (JSON)", counter.Count));
        foreach (var length in new[] { 7, 30, 366 })
        {
            counter.Reset();
            await CallPeriodAsync(period, yesterday.AddDays(1 - length), yesterday, "json");
            trips.Add(($"Period of {length} days, 1 Page (JSON; reads {2 * length} days with the period before)", counter.Count));
        }

        // Latency, interleaved so that both sides see the same machine load.
        var runs = new (string Name, Func<Task> Call)[]
        {
            ("Raw point read of the stored row (Azure.Data.Tables)", () => summaries.GetEntityAsync<TableEntity>(PageId, rowKey)),
            ("Raw range query of the day and the day before", () => QueryAsync(summaries, yesterday.AddDays(-1), yesterday)),
            ("GetDailySummary, JSON", () => CallDayAsync(day, key, "json")),
            ("GetDailySummary, HTML", () => CallDayAsync(day, key, "html")),
            ("GetDailySummary, If-None-Match hit (304)", () => CallDayAsync(day, key, "json", ifNoneMatch: true)),
            ("Raw partition query of 60 days", () => QueryAsync(summaries, yesterday.AddDays(-59), yesterday)),
            ("GetPeriodSummary, 30 days, JSON", () => CallPeriodAsync(period, yesterday.AddDays(-29), yesterday, "json")),
            ("GetPeriodSummary, 30 days, HTML", () => CallPeriodAsync(period, yesterday.AddDays(-29), yesterday, "html")),
        };
        var samples = runs.Select(_ => new List<double>(iterations)).ToArray();
        for (var i = 0; i < Math.Max(50, iterations / 10); i++)
        {
            foreach (var run in runs)
            {
                await run.Call();
            }
        }

        for (var i = 0; i < iterations; i++)
        {
            for (var r = 0; r < runs.Length; r++)
            {
                var watch = Stopwatch.StartNew();
                await runs[r].Call();
                samples[r].Add(watch.Elapsed.TotalMilliseconds);
            }
        }

        Console.WriteLine();
        Console.WriteLine("### Summaries: storage round trips and serving latency");
        Console.WriteLine();
        Console.WriteLine($"Command: `dotnet run -c Release --project tests/Listening.Benchmarks -- summaries {iterations}`. "
            + $"Azurite (npm, in memory) on 127.0.0.1; one Page with {StoredDays} stored days of {PostsPerDay} posts each (seeded in {seedWatch.Elapsed.TotalSeconds:0.0} s).");
        Console.WriteLine();
        Console.WriteLine("| Request | Storage round trips |");
        Console.WriteLine("| --- | ---: |");
        foreach (var (what, requests) in trips)
        {
            Console.WriteLine($"| {what} | {requests} |");
        }

        Console.WriteLine();
        Console.WriteLine($"Latency in process, {iterations} interleaved iterations after {Math.Max(50, iterations / 10)} warm-up rounds:");
        Console.WriteLine();
        Console.WriteLine("| Call | p50 ms | p95 ms | p50 / raw point read |");
        Console.WriteLine("| --- | ---: | ---: | ---: |");
        var rawP50 = Percentile(samples[0], 0.5);
        for (var r = 0; r < runs.Length; r++)
        {
            var p50 = Percentile(samples[r], 0.5);
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"| {runs[r].Name} | {p50:0.000} | {Percentile(samples[r], 0.95):0.000} | {p50 / rawP50:0.00} |"));
        }
    }

    private static IHost BuildHost(string connectionString, string prefix, RequestCounter counter, DateTimeOffset now)
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { Args = [], DisableDefaults = true });
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["AzureWebJobsStorage"] = connectionString,
            ["Listening:Tables:Prefix"] = prefix,
            ["Listening:Pages:0:Id"] = PageId,
            ["Listening:Pages:0:Name"] = "Kreis Soest",
            ["Listening:Pages:0:AccessToken"] = "benchmark-token",
            ["Listening:Access:RequireSignIn"] = "false",
        });
        builder.Logging.ClearProviders();
        builder.Services.AddSingleton<TimeProvider>(new FakeTimeProvider(now));
        builder.AddListeningFunctions();
        builder.Services.AddSingleton(_ =>
        {
            var options = new TableClientOptions();
            options.AddPolicy(counter, HttpPipelinePosition.PerRetry);
            return new TableServiceClient(connectionString, options);
        });
        return builder.Build();
    }

    private static async Task SeedAsync(TableClient table, DateOnly first, DateOnly last)
    {
        var actions = new List<TableTransactionAction>();
        for (var date = first; date <= last; date = date.AddDays(1))
        {
            var json = SummaryEntity.Compress(Day(date));
            actions.Add(new TableTransactionAction(TableTransactionActionType.UpsertReplace, new SummaryEntity
            {
                PartitionKey = PageId,
                RowKey = SummaryKeys.Day(date),
                Json = json,
                Hash = Convert.ToHexStringLower(SHA256.HashData(json))[..32],
            }));
            if (actions.Count == 100)
            {
                await table.SubmitTransactionAsync(actions);
                actions.Clear();
            }
        }

        if (actions.Count > 0)
        {
            await table.SubmitTransactionAsync(actions);
        }
    }

    private static PageDaySummary Day(DateOnly date)
    {
        var index = date.DayNumber;
        var posts = Enumerable.Range(0, PostsPerDay).Select(p => new PostDaySummary
        {
            Id = PageId + "_" + (index * 10 + p).ToString(CultureInfo.InvariantCulture),
            CreatedTime = new DateTimeOffset(date.ToDateTime(new TimeOnly(8 + p, 15)), TimeSpan.FromHours(1)),
            Permalink = "https://www.facebook.com/" + PageId + "/posts/" + (index * 10 + p).ToString(CultureInfo.InvariantCulture),
            Excerpt = "Ausbildung beim Kreis: Jetzt bewerben für 2027! Alle Infos zu Fristen, Unterlagen und Ansprechpartnern findet ihr auf unserer Webseite …",
            Reactions = new ReactionCounts { Like = 40 + p, Love = 8, Care = 1, Wow = 2 },
            ReactionsTotal = new ReactionCounts { Like = 400 + p, Love = 80, Care = 10, Wow = 20 },
            Comments = 5,
            CommentsTotal = 50,
            Shares = 3,
            SharesTotal = 30,
            New = p < 2,
        }).ToList();
        return new PageDaySummary
        {
            PageId = PageId,
            Name = "Kreis Soest",
            Date = date,
            GeneratedAt = new DateTimeOffset(date.ToDateTime(new TimeOnly(22, 45)), TimeSpan.Zero),
            Followers = new CounterChange(50_000 + (index % 1000), 3),
            Likes = new CounterChange(48_000 + (index % 1000), 2),
            Reactions = posts.Aggregate(ReactionCounts.Zero, (sum, p) => sum + p.Reactions),
            Comments = posts.Sum(p => p.Comments),
            Shares = posts.Sum(p => p.Shares),
            Posts = posts,
            Observations = 96,
        };
    }

    private static async Task QueryAsync(TableClient table, DateOnly first, DateOnly last)
    {
        var filter = TableClient.CreateQueryFilter(
            $"PartitionKey eq {PageId} and RowKey ge {SummaryKeys.Day(first)} and RowKey le {SummaryKeys.Day(last)}");
        await foreach (var _ in table.QueryAsync<TableEntity>(filter, maxPerPage: 1000))
        {
        }
    }

    private static string? _lastEtag;

    private static async Task CallDayAsync(GetDailySummary function, string date, string format, bool ifNoneMatch = false)
    {
        var context = new DefaultHttpContext();
        context.Request.QueryString = new QueryString("?format=" + format);
        if (ifNoneMatch && _lastEtag is not null)
        {
            context.Request.Headers.IfNoneMatch = _lastEtag;
        }

        await function.Run(context.Request, date, CancellationToken.None);
        if (!ifNoneMatch && format == "json")
        {
            _lastEtag = context.Response.Headers.ETag.ToString();
        }
    }

    private static async Task CallPeriodAsync(GetPeriodSummary function, DateOnly from, DateOnly to, string format)
    {
        var context = new DefaultHttpContext();
        context.Request.QueryString = new QueryString(string.Create(CultureInfo.InvariantCulture, $"?from={from:yyyy-MM-dd}&to={to:yyyy-MM-dd}&format={format}"));
        await function.Run(context.Request, CancellationToken.None);
    }

    private static double Percentile(List<double> samples, double p)
    {
        var sorted = samples.Order().ToList();
        return sorted[Math.Clamp((int)Math.Ceiling(p * sorted.Count) - 1, 0, sorted.Count - 1)];
    }

    private sealed class RequestCounter : HttpPipelineSynchronousPolicy
    {
        private readonly ConcurrentQueue<string> _requests = new();

        public int Count => _requests.Count;

        public void Reset() => _requests.Clear();

        public override void OnSendingRequest(HttpMessage message) => _requests.Enqueue(message.Request.Uri.ToString());
    }
}
