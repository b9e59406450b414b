using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using Azure.Core;
using Azure.Core.Pipeline;
using Azure.Data.Tables;
using Listening.Cli;
using Listening.Core.Pipeline;
using Listening.Core.Aggregation;
using Listening.Core.Contracts;
using Microsoft.Extensions.Azure;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Time.Testing;

namespace Listening.Benchmarks;

/// <summary>
/// Aggregation throughput on Azurite (snapshots/s, entity writes/s) beside the raw batch-write throughput of the same
/// Azurite in the same run, and what one snapshot costs in transactions and requests for 10 and 100 posts.
/// Rounds alternate aggregation and raw writes, so both see the same machine load; the median round is reported.
/// The clock stands at the end of the pulls, as in live operation (the day being aggregated is today).
/// Arguments: [lanes] [snapshots per lane and round] [rounds] (default 4 40 7).
/// </summary>
internal static class AggregationBenchmark
{
    public static async Task RunAsync(string[] args)
    {
        var lanes = args.Length > 0 ? int.Parse(args[0], CultureInfo.InvariantCulture) : 4;
        var perLane = args.Length > 1 ? int.Parse(args[1], CultureInfo.InvariantCulture) : 40;
        var rounds = args.Length > 2 ? int.Parse(args[2], CultureInfo.InvariantCulture) : 7;
        await using var azurite = await AzuriteProcess.StartAsync(CancellationToken.None);
        var requests = new ConcurrentQueue<string>();
        var clock = new FakeTimeProvider(new DateTimeOffset(2026, 11, 27, 7, 0, 0, TimeSpan.Zero));
        using var host = BuildHost(azurite.ConnectionString, requests, clock);
        var aggregator = host.Services.GetRequiredService<SnapshotAggregator>();
        await host.Services.GetRequiredService<Core.Storage.ListeningStorage>().EnsureCreatedAsync(CancellationToken.None);
        var raw = host.Services.GetRequiredService<TableServiceClient>();

        // Cost of one snapshot in steady state (the day already has rows and a summary, the day before too).
        var costs = new List<string>();
        foreach (var size in new[] { 10, 99, 100 })
        {
            var page = $"9{size:D14}";
            var start = new DateTimeOffset(2026, 11, 27, 6, 0, 0, TimeSpan.Zero);
            await aggregator.ApplyAsync(Snapshot(page, start.AddDays(-1), size), CancellationToken.None);
            await aggregator.ApplyAsync(Snapshot(page, start, size), CancellationToken.None);
            requests.Clear();
            var result = await aggregator.ApplyAsync(Snapshot(page, start.AddMinutes(15), size), CancellationToken.None);
            costs.Add(string.Create(CultureInfo.InvariantCulture,
                $"| {size} | {result.Transactions} | {result.EntityWrites} | {requests.Count} ({requests.Count(r => r.StartsWith("GET", StringComparison.Ordinal))} small reads) |"));
        }

        // Rounds pull a morning of 4 December, every 15 minutes; the clock stands at noon of that day.
        clock.SetUtcNow(new DateTimeOffset(2026, 12, 4, 11, 0, 0, TimeSpan.Zero));
        await RoundAsync(azurite.ProcessId, aggregator, raw, lanes, perLane, 50, round: 0); // warm-up, not reported

        Console.WriteLine();
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"### Aggregation on Azurite: {lanes} Pages side by side, {perLane} snapshots each per round (every 15 minutes of one day), median of {rounds} rounds"));
        Console.WriteLine();
        Console.WriteLine("| Posts per snapshot | Snapshots/s | Entity writes/s (aggregation) | Entity writes/s (raw batches of 100) | **Ratio** (lowest–highest round) | Azurite CPU per entity write, aggregation / raw | Client CPU per entity write, aggregation / raw |");
        Console.WriteLine("|---|---|---|---|---|---|---|");
        var round = 0;
        foreach (var posts in new[] { 99, 100, 30 })
        {
            var results = new List<Round>();
            for (var r = 0; r < rounds; r++)
            {
                round++;
                results.Add(await RoundAsync(azurite.ProcessId, aggregator, raw, lanes, perLane, posts, round));
            }

            var median = results.OrderBy(x => x.Ratio).ElementAt(results.Count / 2);
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"| {posts} | {median.SnapshotsPerSecond:F1} | {median.AggregationWrites:F0} | {median.RawWrites:F0} | **{median.Ratio:F2}** ({results.Min(x => x.Ratio):F2}–{results.Max(x => x.Ratio):F2}) | {median.AzuriteCpuAggregation:F2} ms / {median.AzuriteCpuRaw:F2} ms | {median.ClientCpuAggregation:F2} ms / {median.ClientCpuRaw:F2} ms |"));
        }

        Console.WriteLine();
        Console.WriteLine("| Posts per snapshot | Table transactions | Observation rows written | Storage requests |");
        Console.WriteLine("|---|---|---|---|");
        costs.ForEach(Console.WriteLine);
    }

    private static async Task<Round> RoundAsync(int azuritePid, SnapshotAggregator aggregator, TableServiceClient rawService, int lanes, int perLane, int posts, int round)
    {
        var writes = 0L;
        var cpu = AzuriteCpu(azuritePid);
        var client = Process.GetCurrentProcess().TotalProcessorTime;
        var stopwatch = Stopwatch.StartNew();
        await Task.WhenAll(Enumerable.Range(0, lanes).Select(lane => Task.Run(async () =>
        {
            // Each lane is one Page, pulled every 15 minutes; lanes run side by side like Functions instances.
            var page = $"8{round:D4}{lane:D10}";
            var start = new DateTimeOffset(2026, 12, 4, 0, 0, 0, TimeSpan.Zero);
            for (var i = 0; i < perLane; i++)
            {
                var result = await aggregator.ApplyAsync(Snapshot(page, start.AddMinutes(15 * i), posts), CancellationToken.None);
                // Observation rows, the archived snapshot, and the summaries rebuilt.
                Interlocked.Add(ref writes, result.EntityWrites + 1 + result.RebuiltDays.Count);
            }
        })));
        var aggregationSeconds = stopwatch.Elapsed.TotalSeconds;
        var aggregationCpu = AzuriteCpu(azuritePid) - cpu;
        var aggregationClient = (Process.GetCurrentProcess().TotalProcessorTime - client).TotalMilliseconds;

        // The same Azurite, the same number of entities, the same lanes: plain entity group transactions of 100, into a
        // table of its own per round (a table that grew over all rounds would slow the raw writes down).
        var perRawLane = (int)(writes / lanes);
        var raw = rawService.GetTableClient($"benchraw{round}");
        await raw.CreateIfNotExistsAsync();
        cpu = AzuriteCpu(azuritePid);
        client = Process.GetCurrentProcess().TotalProcessorTime;
        stopwatch.Restart();
        await Task.WhenAll(Enumerable.Range(0, lanes).Select(lane => Task.Run(async () =>
        {
            var entities = Enumerable.Range(0, perRawLane).Select(i => RawEntity($"r{round}_{lane}", i)).ToList();
            foreach (var chunk in entities.Chunk(100))
            {
                await raw.SubmitTransactionAsync(chunk.Select(e => new TableTransactionAction(TableTransactionActionType.UpsertReplace, e)), CancellationToken.None);
            }
        })));
        var rawSeconds = stopwatch.Elapsed.TotalSeconds;
        var rawCpu = AzuriteCpu(azuritePid) - cpu;
        var rawClient = (Process.GetCurrentProcess().TotalProcessorTime - client).TotalMilliseconds;
        var rawEntities = perRawLane * lanes;
        await raw.DeleteAsync();
        return new Round(
            lanes * perLane / aggregationSeconds,
            writes / aggregationSeconds,
            rawEntities / rawSeconds,
            aggregationCpu / writes,
            rawCpu / rawEntities,
            aggregationClient / writes,
            rawClient / rawEntities);
    }

    /// <summary>CPU milliseconds the Azurite (Node.js) process has used so far, from /proc (Linux).</summary>
    private static double AzuriteCpu(int pid)
    {
        var stat = $"/proc/{pid}/stat";
        if (!File.Exists(stat))
        {
            return double.NaN;
        }

        var fields = File.ReadAllText(stat).Split(')')[1].Split(' ', StringSplitOptions.RemoveEmptyEntries);
        // After the command: state is field 3, utime field 14, stime field 15 (1-based, see proc(5)).
        var ticks = long.Parse(fields[11], CultureInfo.InvariantCulture) + long.Parse(fields[12], CultureInfo.InvariantCulture);
        return ticks * 10.0; // USER_HZ is 100 on Linux
    }

    private static IHost BuildHost(string connectionString, ConcurrentQueue<string> requests, TimeProvider clock)
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { Args = [], DisableDefaults = true });
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["AzureWebJobsStorage"] = connectionString,
            ["Listening:Tables:Prefix"] = "bench",
        });
        builder.Logging.SetMinimumLevel(LogLevel.Warning);
        builder.Services.AddSingleton(clock);
        builder.AddListening();
        builder.Services.AddAzureClients(clients => clients.ConfigureDefaults(o => o.AddPolicy(new RecordingPolicy(requests), HttpPipelinePosition.PerCall)));
        return builder.Build();
    }

    private static PageSnapshot Snapshot(string page, DateTimeOffset at, int posts) => new()
    {
        PageId = page,
        PageName = "Kreis Benchmark",
        CapturedAt = at,
        Followers = 50_000 + ((long)(at - DateTimeOffset.UnixEpoch).TotalMinutes % 1000),
        Fans = 48_000,
        Posts =
        [
            .. Enumerable.Range(1, posts).Select(n => new PostObservation
            {
                Id = $"{page}_{n}",
                CreatedTime = at.AddHours(-3 * n),
                Permalink = $"https://www.facebook.com/{page}/posts/{n}",
                Message = "Ausbildung beim Kreis: jetzt bewerben! Schüler-BAföG, Reitkennzeichen und mehr. #Ausbildung " + n,
                Reactions = new ReactionCounts { Like = (n * 10) + at.Minute, Love = n, Wow = n / 3 },
                Comments = n + at.Hour,
                Shares = n / 2,
            }),
        ],
    };

    /// <summary>An entity shaped like a post row (the same properties and sizes).</summary>
    private static TableEntity RawEntity(string partition, int i) => new(partition, i.ToString("D8", CultureInfo.InvariantCulture))
    {
        ["PostId"] = $"{partition}_{i}",
        ["ObservedAt"] = DateTimeOffset.UnixEpoch.AddMinutes(i),
        ["CreatedTime"] = DateTimeOffset.UnixEpoch,
        ["Permalink"] = $"https://www.facebook.com/{partition}/posts/{i}",
        ["Message"] = "Ausbildung beim Kreis: jetzt bewerben! Schüler-BAföG, Reitkennzeichen und mehr. #Ausbildung " + i,
        ["Like"] = (long)i,
        ["Love"] = 1L,
        ["Care"] = 0L,
        ["Haha"] = 0L,
        ["Wow"] = 2L,
        ["Sad"] = 0L,
        ["Angry"] = 0L,
        ["Comments"] = 3L,
        ["Shares"] = 1L,
        ["Topics"] = "Ausbildung/Bewerbung",
        ["Giveaway"] = false,
    };

    private sealed record Round(
        double SnapshotsPerSecond, double AggregationWrites, double RawWrites,
        double AzuriteCpuAggregation, double AzuriteCpuRaw, double ClientCpuAggregation, double ClientCpuRaw)
    {
        public double Ratio => AggregationWrites / RawWrites;
    }

    private sealed class RecordingPolicy(ConcurrentQueue<string> requests) : HttpPipelineSynchronousPolicy
    {
        public override void OnSendingRequest(HttpMessage message) =>
            requests.Enqueue(message.Request.Method.Method + " " + message.Request.Uri.Path);
    }
}
