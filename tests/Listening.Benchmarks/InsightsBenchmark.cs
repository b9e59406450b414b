using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using Azure.Core;
using Azure.Core.Pipeline;
using Azure.Data.Tables;
using Listening.Cli;
using Listening.Core.Contracts;
using Listening.Core.Pipeline;
using Listening.Core.Storage;
using Listening.Functions;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Time.Testing;

namespace Listening.Benchmarks;

/// <summary>
/// What the insights report over 366 days costs (issue 15): storage round trips for one Page, and the latency of the
/// function in process against Azurite beside a raw partition query of the same rows, interleaved in the same run.
/// <c>dotnet run -c Release --project tests/Listening.Benchmarks -- insights [iterations]</c>
/// </summary>
internal static class InsightsBenchmark
{
    private const string PageId = "104857600000001";
    private const int PostsPerDay = 3;

    /// <summary>Each post has a row on its creation day and the 7 days after it (the default look-back).</summary>
    private const int DaysObserved = 8;

    public static async Task RunAsync(string[] args)
    {
        var iterations = args.Length > 0 && int.TryParse(args[0], CultureInfo.InvariantCulture, out var n) ? n : 50;
        await using var azurite = await AzuriteProcess.StartAsync(CancellationToken.None);
        var counter = new RequestCounter();
        var today = new DateOnly(2026, 12, 3);
        var prefix = "bench" + Guid.NewGuid().ToString("N")[..8];
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { Args = [], DisableDefaults = true });
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["AzureWebJobsStorage"] = azurite.ConnectionString,
            ["Listening:Tables:Prefix"] = prefix,
            ["Listening:Pages:0:Id"] = PageId,
            ["Listening:Pages:0:Name"] = "Kreis Soest",
            ["Listening:Pages:0:AccessToken"] = "benchmark-token",
            ["Listening:Access:RequireSignIn"] = "false",
        });
        builder.Logging.ClearProviders();
        builder.Services.AddSingleton<TimeProvider>(new FakeTimeProvider(new DateTimeOffset(2026, 12, 3, 9, 0, 0, TimeSpan.Zero)));
        builder.AddListeningFunctions();
        builder.Services.AddSingleton(_ =>
        {
            var options = new TableClientOptions();
            options.AddPolicy(counter, HttpPipelinePosition.PerRetry);
            return new TableServiceClient(azurite.ConnectionString, options);
        });
        using var host = builder.Build();
        await host.Services.GetRequiredService<ListeningStorage>().EnsureCreatedAsync(CancellationToken.None);
        var table = host.Services.GetRequiredService<TableServiceClient>().GetTableClient(prefix + "pagedays");
        var from = today.AddDays(-365);
        var seedWatch = Stopwatch.StartNew();
        var rows = await SeedAsync(table, from.AddDays(-1), today);
        seedWatch.Stop();

        var insights = host.Services.GetRequiredService<GetInsights>();
        var range = string.Create(CultureInfo.InvariantCulture, $"from={from:yyyy-MM-dd}&to={today:yyyy-MM-dd}");
        counter.Reset();
        await CallAsync(insights, range + "&format=json");
        var trips = counter.Count;
        var pages = counter.Requests.Count(r => r.Contains("pagedays()", StringComparison.Ordinal));

        var runs = new (string Name, Func<Task> Call)[]
        {
            ("Raw partition query of the same rows (Azure.Data.Tables)", () => QueryAsync(table, from.AddDays(-1), today)),
            ("GetInsights, 366 days, JSON", () => CallAsync(insights, range + "&format=json")),
            ("GetInsights, 366 days, HTML", () => CallAsync(insights, range + "&format=html")),
        };
        var samples = runs.Select(_ => new List<double>(iterations)).ToArray();
        for (var i = 0; i < 5; i++)
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
        Console.WriteLine("### Insights: 366 days for one Page");
        Console.WriteLine();
        Console.WriteLine($"Command: `dotnet run -c Release --project tests/Listening.Benchmarks -- insights {iterations}`. Azurite (npm, in memory) on 127.0.0.1; "
            + $"one Page, {PostsPerDay} posts a day, each with a row on {DaysObserved} days: {rows} observation rows from the day before the period to today (seeded in {seedWatch.Elapsed.TotalSeconds:0.0} s).");
        Console.WriteLine();
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"Storage round trips of one report: {trips} ({pages} pages of one partition query over `observations`, 1,000 rows each)."));
        Console.WriteLine();
        Console.WriteLine($"Latency in process, {iterations} interleaved iterations after 5 warm-up rounds:");
        Console.WriteLine();
        Console.WriteLine("| Call | p50 ms | p95 ms | p50 / raw query |");
        Console.WriteLine("| --- | ---: | ---: | ---: |");
        var rawP50 = Percentile(samples[0], 0.5);
        for (var r = 0; r < runs.Length; r++)
        {
            var p50 = Percentile(samples[r], 0.5);
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"| {runs[r].Name} | {p50:0.0} | {Percentile(samples[r], 0.95):0.0} | {p50 / rawP50:0.00} |"));
        }
    }

    private static async Task<int> SeedAsync(TableClient table, DateOnly first, DateOnly today)
    {
        var calendar = new Listening.Core.Configuration.LocalCalendar("Europe/Berlin");
        var byDay = new SortedDictionary<DateOnly, List<ITableEntity>>();
        for (var created = first.AddDays(-DaysObserved); created <= today; created = created.AddDays(1))
        {
            for (var p = 0; p < PostsPerDay; p++)
            {
                var id = PageId + "_" + (created.DayNumber * 10 + p).ToString(CultureInfo.InvariantCulture);
                var createdAt = calendar.StartOf(created).AddHours(8 + (4 * p));
                var format = PostFormats.All[(created.DayNumber + p) % PostFormats.All.Count];
                for (var age = 0; age < DaysObserved && created.AddDays(age) <= today; age++)
                {
                    var day = created.AddDays(age);
                    if (day < first)
                    {
                        continue;
                    }

                    var observedAt = age == 0 ? createdAt.AddHours(2) : calendar.StartOf(day).AddHours(23);
                    var reach = (long)(1000 * (p + 1) * (1 - Math.Exp(-(age + 1) / 2.0)));
                    var post = new PostObservation
                    {
                        Id = id, CreatedTime = createdAt, Message = "Ausbildung beim Kreis: Jetzt bewerben für 2027!", Format = format,
                        Reactions = new ReactionCounts { Like = reach / 40, Love = reach / 200 }, Comments = reach / 300, Shares = reach / 500,
                        Metrics = new Dictionary<string, long> { [MetricNames.PostReach] = reach, [MetricNames.PostViews] = reach * 3 / 2 },
                        Accessibility = format == PostFormats.Photo ? new PostAccessibility { Images = 1, ImagesWithAltText = p % 2 } : null,
                    };
                    (byDay.TryGetValue(day, out var list) ? list : byDay[day] = []).Add(
                        PostDayEntity.From(PageId, day, observedAt, post, [p == 0 ? "Ausbildung/Bewerbung" : "Umwelt"], false));
                }
            }
        }

        var count = 0;
        foreach (var (day, posts) in byDay)
        {
            posts.Add(new PageDayEntity { PartitionKey = PageId, RowKey = ObservationKeys.Page(day), ObservedAt = calendar.StartOf(day).AddHours(23), Followers = 50_000 + day.DayNumber % 1000 });
            await table.SubmitTransactionAsync(posts.Select(e => new TableTransactionAction(TableTransactionActionType.UpsertReplace, e)));
            count += posts.Count;
        }

        return count;
    }

    private static async Task QueryAsync(TableClient table, DateOnly first, DateOnly last)
    {
        var filter = TableClient.CreateQueryFilter($"PartitionKey eq {PageId} and RowKey ge {ObservationKeys.DayPrefix(first)} and RowKey lt {ObservationKeys.DayEnd(last)}");
        await foreach (var _ in table.QueryAsync<TableEntity>(filter, maxPerPage: 1000))
        {
        }
    }

    private static async Task CallAsync(GetInsights function, string query)
    {
        var context = new DefaultHttpContext();
        context.Request.QueryString = new QueryString("?" + query);
        await function.Run(context.Request, CancellationToken.None);
    }

    private static double Percentile(List<double> samples, double p)
    {
        var sorted = samples.Order().ToList();
        return sorted[Math.Clamp((int)Math.Ceiling(p * sorted.Count) - 1, 0, sorted.Count - 1)];
    }

    private sealed class RequestCounter : HttpPipelineSynchronousPolicy
    {
        public ConcurrentQueue<string> Requests { get; } = new();

        public int Count => Requests.Count;

        public void Reset() => Requests.Clear();

        public override void OnSendingRequest(HttpMessage message) => Requests.Enqueue(message.Request.Uri.ToString());
    }
}
