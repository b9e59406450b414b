using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using Azure.Core;
using Azure.Core.Pipeline;
using Azure.Data.Tables;
using Azure.Storage.Queues;
using Listening.Cli;
using Listening.Core.Aggregation;
using Listening.Core.Contracts;
using Listening.Core.Ingestion;
using Listening.Core.Notifications.Alerts;
using Listening.Core.Pipeline;
using Listening.Core.Summaries;
using Listening.IntegrationTests.Infrastructure;
using Microsoft.Extensions.Azure;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Time.Testing;
using OpenTelemetry;
using OpenTelemetry.Logs;
using OpenTelemetry.Trace;

namespace Listening.Benchmarks;

/// <summary>
/// A day at scale: N Pages (10 to 100 posts each) through the 15-minute cycles of one simulated day, with the real
/// scheduler, the real pull handler against the in-process fake Graph API, the queues and the aggregation (the calls
/// of the snapshot handler) on Azurite, and the day's summary of all Pages read at the end. The clock is simulated:
/// each cycle sets it forward 15 minutes, changes every post's counts (so every snapshot writes), runs the timer's
/// scheduling, and drains the pulls queue and then the snapshots queue with parallel workers, as Functions instances
/// would. After the day the same Azurite takes plain batch writes of as many entities as the last cycle wrote, with
/// the same workers: the aggregation's ratio to raw batch writes.
/// Arguments: [pages] [cycles] [workers] (default 1000 96 8).
/// </summary>
internal static class ScaleBenchmark
{
    public static async Task RunAsync(string[] args)
    {
        var pages = args.Length > 0 ? int.Parse(args[0], CultureInfo.InvariantCulture) : 1000;
        var cycles = args.Length > 1 ? int.Parse(args[1], CultureInfo.InvariantCulture) : 96;
        var workers = args.Length > 2 ? int.Parse(args[2], CultureInfo.InvariantCulture) : 8;
        var ids = Enumerable.Range(0, pages).Select(i => (105000000000000L + i).ToString(CultureInfo.InvariantCulture)).ToList();
        var postsOf = ids.ToDictionary(id => id, id => 10 + (int)(long.Parse(id, CultureInfo.InvariantCulture) * 37 % 91), StringComparer.Ordinal);

        await using var azurite = await AzuriteProcess.StartAsync(CancellationToken.None);
        await using var graph = await FakeGraphApi.StartAsync();
        graph.PageId = ids[0];
        graph.OtherPageIds.UnionWith(ids.Skip(1));
        graph.PageSize = 100;
        graph.PostCountFor = id => postsOf.GetValueOrDefault(id, 10);

        // Midnight in Berlin; posts of the last two days.
        var start = new DateTimeOffset(2026, 12, 3, 23, 0, 0, TimeSpan.Zero);
        var clock = new FakeTimeProvider(start);
        graph.Now = clock.GetUtcNow;
        for (var n = 1; n <= 100; n++)
        {
            graph.Posts.Add(new FakePost { Id = $"{ids[0]}_{n}", CreatedTime = start.AddMinutes(-25 * n), Message = "Beitrag " + n, Like = n, Comments = n % 5, Shares = n % 3 });
        }

        var tableRequests = 0L;
        var queueRequests = 0L;
        using var host = BuildHost(azurite.ConnectionString, graph.BaseUri, ids, clock, () => Interlocked.Increment(ref tableRequests), () => Interlocked.Increment(ref queueRequests));
        var services = host.Services;
        using var tracer = services.GetRequiredService<OpenTelemetry.Trace.TracerProvider>();
        using var loggerProvider = services.GetRequiredService<OpenTelemetry.Logs.LoggerProvider>();
        await services.GetRequiredService<Core.Storage.ListeningStorage>().EnsureCreatedAsync(CancellationToken.None);
        var queues = services.GetRequiredService<QueueServiceClient>();
        var options = services.GetRequiredService<Microsoft.Extensions.Options.IOptions<Core.Configuration.ListeningOptions>>().Value;
        var pullsQueue = queues.GetQueueClient(options.Queues.Pulls);
        var snapshotsQueue = queues.GetQueueClient(options.Queues.Snapshots);
        var notificationsQueue = queues.GetQueueClient(options.Queues.Notifications);
        foreach (var q in new[] { pullsQueue, snapshotsQueue, notificationsQueue })
        {
            await q.CreateIfNotExistsAsync();
        }

        Interlocked.Exchange(ref tableRequests, 0);
        Interlocked.Exchange(ref queueRequests, 0);
        CountingPolicy.ByTarget.Clear();
        TelemetryCount.Reset();
        var graphBefore = graph.Requests.Count;
        long pulls = 0, snapshots = 0, notifications = 0, entityWrites = 0, lastCycleWrites = 0;
        var scheduleTimes = new List<double>();
        var snapshotSeconds = 0.0;
        var wall = Stopwatch.StartNew();
        for (var cycle = 0; cycle < cycles; cycle++)
        {
            clock.SetUtcNow(start.AddMinutes(15 * cycle));
            lock (graph.Posts)
            {
                foreach (var post in graph.Posts)
                {
                    post.Like += 1 + (cycle % 3);
                    post.Comments += cycle % 2;
                }
            }

            var scheduling = Stopwatch.StartNew();
            var scheduled = await services.GetRequiredService<PullScheduler>().ScheduleAsync(CancellationToken.None);
            scheduleTimes.Add(scheduling.Elapsed.TotalSeconds);

            pulls += await DrainAsync(pullsQueue, workers, async (body, id) =>
            {
                using var scope = services.CreateScope();
                await scope.ServiceProvider.GetRequiredService<PullHandler>().HandleAsync(body, id, CancellationToken.None);
            });

            var cycleWrites = 0L;
            var aggregating = Stopwatch.StartNew();
            snapshots += await DrainAsync(snapshotsQueue, workers, async (body, id) =>
            {
                // The snapshot handler's calls, with the aggregation's count of entity writes.
                using var scope = services.CreateScope();
                var snapshot = MessageCodec.DecodeSnapshot(body, clock.GetUtcNow());
                var result = await scope.ServiceProvider.GetRequiredService<SnapshotAggregator>().ApplyAsync(snapshot, CancellationToken.None);
                Interlocked.Add(ref cycleWrites, result.EntityWrites + 1 + result.RebuiltDays.Count);
                await scope.ServiceProvider.GetRequiredService<SnapshotAlerts>().DetectAsync(snapshot, result, CancellationToken.None);
            });
            snapshotSeconds += aggregating.Elapsed.TotalSeconds;
            entityWrites += cycleWrites;
            lastCycleWrites = cycleWrites;

            // Teams is not configured: notifications are counted and taken off the queue, not sent.
            notifications += await DrainAsync(notificationsQueue, workers, (_, _) => Task.CompletedTask);
            if (cycles <= 16 || cycle % 8 == 7 || cycle == cycles - 1)
            {
                await Console.Error.WriteLineAsync(string.Create(CultureInfo.InvariantCulture,
                    $"cycle {cycle + 1}/{cycles}: {scheduled} scheduled, {wall.Elapsed.TotalSeconds:F0} s so far"));
            }
        }

        var dayWall = wall.Elapsed.TotalSeconds;
        var storage = Interlocked.Read(ref tableRequests) + Interlocked.Read(ref queueRequests);
        var tables = Interlocked.Read(ref tableRequests);
        var graphRequests = graph.Requests.Count - graphBefore;
        var byTarget = CountingPolicy.ByTarget.OrderByDescending(kv => kv.Value).ToList();
        tracer.ForceFlush();
        loggerProvider.ForceFlush();
        var telemetry = TelemetryCount.Snapshot();

        // The day's summary of all Pages, read as the morning digest and /api/summaries read it.
        var reading = Stopwatch.StartNew();
        var today = DateOnly.FromDateTime(start.AddHours(1).UtcDateTime);
        var summary = await services.GetRequiredService<SummaryReader>().ReadDayAsync(today, null, CancellationToken.None);
        var summarySeconds = reading.Elapsed.TotalSeconds;

        // Raw batch writes on the same Azurite, as many entities as the last cycle wrote, the same workers.
        var raw = services.GetRequiredService<TableServiceClient>().GetTableClient("scaleraw");
        await raw.CreateIfNotExistsAsync();
        var perWorker = (int)Math.Max(100, lastCycleWrites / workers);
        var rawWatch = Stopwatch.StartNew();
        await Task.WhenAll(Enumerable.Range(0, workers).Select(w => Task.Run(async () =>
        {
            foreach (var chunk in Enumerable.Range(0, perWorker).Chunk(100))
            {
                await raw.SubmitTransactionAsync(
                    chunk.Select(i => new TableTransactionAction(TableTransactionActionType.UpsertReplace, RawEntity("w" + w, i))), CancellationToken.None);
            }
        })));
        var rawPerSecond = perWorker * workers / rawWatch.Elapsed.TotalSeconds;
        var aggregationPerSecond = entityWrites / snapshotSeconds;
        var ratio = aggregationPerSecond / rawPerSecond;

        var simulated = TimeSpan.FromMinutes(15 * cycles).TotalSeconds;
        var timesReal = simulated / dayWall;
        var pageCycles = (double)pulls;
        var perSnapshot = storage / (double)snapshots;
        var peakClient = Process.GetCurrentProcess().PeakWorkingSet64 / 1024.0 / 1024.0;
        var peakAzurite = PeakMegabytes(azurite.ProcessId);
        scheduleTimes.Sort();

        Console.WriteLine();
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"### Scale: {pages} Pages (10–100 posts each, {postsOf.Values.Sum()} posts), {cycles} cycles of 15 minutes ({simulated / 3600:F0} h simulated), {workers} workers"));
        Console.WriteLine();
        Console.WriteLine("| Measure | Value |");
        Console.WriteLine("|---|---|");
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"| Wall time | {dayWall:F1} s ({timesReal:F1} times real time) |"));
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"| Page-cycles (pulls) / snapshots / notifications | {pulls} / {snapshots} / {notifications} |"));
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"| Scheduling a cycle (timer run), median / max | {scheduleTimes[scheduleTimes.Count / 2] * 1000:F0} ms / {scheduleTimes[^1] * 1000:F0} ms |"));
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"| Storage requests per Page-cycle (tables + queues) | {storage / pageCycles:F2} ({tables / pageCycles:F2} table, {(storage - tables) / pageCycles:F2} queue) |"));
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"| Storage requests per snapshot | {perSnapshot:F2} |"));
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"| Graph HTTP requests per Page-cycle | {graphRequests / pageCycles:F2} |"));
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"| Function executions per Page-cycle (pull + snapshot parts + notifications; timer runs apart: {cycles}) | {(pulls + snapshots + notifications) / pageCycles:F2} |"));
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"| Aggregation entity writes/s / raw batch writes/s | {aggregationPerSecond:F0} / {rawPerSecond:F0} (ratio {ratio:F2}) |"));
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"| Day summary of all Pages (one read) | {summarySeconds * 1000:F0} ms, {summary?.Summary.Pages.Count ?? 0} Pages |"));
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"| Peak memory, benchmark process / Azurite | {peakClient:F0} MB / {peakAzurite:F0} MB |"));
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"| Telemetry per Page-cycle, as the app's exporters would send it: spans / log records (Information and up) | {telemetry.Spans / pageCycles:F2} / {telemetry.Logs / pageCycles:F2} |"));
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"| Telemetry content per Page-cycle (span names and attributes, log messages and attributes; without the exporter's envelope) | {telemetry.Bytes / pageCycles / 1024:F2} KiB |"));
        Console.WriteLine();
        Console.WriteLine("| Span (source: name) | per Page-cycle |");
        Console.WriteLine("|---|---:|");
        foreach (var (name, count) in telemetry.ByName.OrderByDescending(kv => kv.Value).Take(12))
        {
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"| {name} | {count / pageCycles:F2} |"));
        }

        Console.WriteLine();
        Console.WriteLine("| Storage request (method, table or queue) | per Page-cycle |");
        Console.WriteLine("|---|---:|");
        foreach (var (target, count) in byTarget)
        {
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"| {target} | {count / pageCycles:F2} |"));
        }

        Console.WriteLine();
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"scale: {pages} pages, {timesReal:F1} times real time, {perSnapshot:F2} storage requests per snapshot, aggregation {ratio:F2} of raw batch writes"));
    }

    /// <summary>Messages the Functions host takes from a queue at a time: <c>extensions.queues.batchSize</c> in host.json.</summary>
    private const int HostBatchSize = 16;

    /// <summary>Takes messages off a queue with parallel workers until it is empty; returns how many were handled.</summary>
    private static async Task<long> DrainAsync(QueueClient queue, int workers, Func<string, string, Task> handle)
    {
        var handled = 0L;
        await Task.WhenAll(Enumerable.Range(0, workers).Select(_ => Task.Run(async () =>
        {
            while (true)
            {
                // As many at a time as the Functions host takes (host.json `batchSize` 16), so that the receives per
                // message are the host's; with a long invisibility: on a loaded machine 16 messages of 1,000 Pages
                // outlasted five minutes, came back, and the first worker's delete failed (PopReceiptMismatch).
                var batch = (await queue.ReceiveMessagesAsync(HostBatchSize, TimeSpan.FromMinutes(30))).Value;
                if (batch.Length == 0)
                {
                    return;
                }

                foreach (var message in batch)
                {
                    var text = message.Body.ToString();
                    await handle(text.StartsWith('{') ? text : System.Text.Encoding.UTF8.GetString(Convert.FromBase64String(text)), message.MessageId);
                    try
                    {
                        await queue.DeleteMessageAsync(message.MessageId, message.PopReceipt);
                        Interlocked.Increment(ref handled);
                    }
                    catch (Azure.RequestFailedException ex) when (ex.Status is 400 or 404)
                    {
                        // Handled twice (it came back and another worker took it): at-least-once, as in Functions.
                    }
                }
            }
        })));
        return handled;
    }

    private static double PeakMegabytes(int pid)
    {
        var status = $"/proc/{pid}/status";
        if (!File.Exists(status))
        {
            return double.NaN;
        }

        var line = File.ReadAllLines(status).FirstOrDefault(l => l.StartsWith("VmHWM:", StringComparison.Ordinal));
        return line is null ? double.NaN : long.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], CultureInfo.InvariantCulture) / 1024.0;
    }

    private static IHost BuildHost(string connectionString, Uri graphBase, List<string> ids, TimeProvider clock, Action tableRequest, Action queueRequest)
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { Args = [], DisableDefaults = true });
        var config = new Dictionary<string, string?>
        {
            ["AzureWebJobsStorage"] = connectionString,
            ["Listening:Tables:Prefix"] = "scale",
            ["PullsQueue"] = "scale-pulls",
            ["SnapshotsQueue"] = "scale-snapshots",
            ["NotificationsQueue"] = "scale-notifications",
            ["Listening:Facebook:GraphBaseUrl"] = graphBase.ToString(),
        };
        for (var i = 0; i < ids.Count; i++)
        {
            config[$"Listening:Pages:{i}:Id"] = ids[i];
            config[$"Listening:Pages:{i}:AccessToken"] = "EAAGScaleBenchmarkToken" + i.ToString("D6", CultureInfo.InvariantCulture);
        }

        builder.Configuration.AddInMemoryCollection(config);
        // As in Azure (host.json: default Information): what the app's OpenTelemetry exporters would send is counted.
        builder.Logging.SetMinimumLevel(LogLevel.Information);
        builder.Services.AddSingleton(clock);
        builder.AddListening();
        builder.Services
            .ConfigureOpenTelemetryTracerProvider(b => b.AddProcessor(TelemetryCount.Spans))
            .ConfigureOpenTelemetryLoggerProvider(b => b.AddProcessor(TelemetryCount.Logs));
        builder.Services.AddAzureClients(clients => clients.ConfigureDefaults(o => o.AddPolicy(new CountingPolicy(tableRequest, queueRequest), HttpPipelinePosition.PerCall)));
        return builder.Build();
    }

    private static TableEntity RawEntity(string partition, int i) => new(partition, i.ToString("D8", CultureInfo.InvariantCulture))
    {
        ["PostId"] = $"{partition}_{i}",
        ["ObservedAt"] = DateTimeOffset.UnixEpoch.AddMinutes(i),
        ["CreatedTime"] = DateTimeOffset.UnixEpoch,
        ["Permalink"] = $"https://www.facebook.com/{partition}/posts/{i}",
        ["Message"] = "Ausbildung beim Kreis: jetzt bewerben! Schüler-BAföG, Reitkennzeichen und mehr. #Ausbildung " + i,
        ["Like"] = (long)i,
        ["Love"] = (long)i,
        ["Comments"] = (long)i,
        ["Shares"] = (long)i,
    };

    /// <summary>Counts what the app's OpenTelemetry exporters would send (spans and log records) and their content's size, keeping nothing.</summary>
    private static class TelemetryCount
    {
        private static long _spans;
        private static long _logs;
        private static long _bytes;
        private static readonly ConcurrentDictionary<string, long> Names = new(StringComparer.Ordinal);

        public static readonly BaseProcessor<Activity> Spans = new SpanCounter();

        public static readonly BaseProcessor<OpenTelemetry.Logs.LogRecord> Logs = new LogCounter();

        public static void Reset()
        {
            Interlocked.Exchange(ref _spans, 0);
            Interlocked.Exchange(ref _logs, 0);
            Interlocked.Exchange(ref _bytes, 0);
            Names.Clear();
        }

        public static (long Spans, long Logs, long Bytes, IReadOnlyDictionary<string, long> ByName) Snapshot() =>
            (Interlocked.Read(ref _spans), Interlocked.Read(ref _logs), Interlocked.Read(ref _bytes), new Dictionary<string, long>(Names, StringComparer.Ordinal));

        private static long Size(IEnumerable<KeyValuePair<string, object?>>? attributes) =>
            attributes?.Sum(a => a.Key.Length + (Convert.ToString(a.Value, CultureInfo.InvariantCulture)?.Length ?? 0)) ?? 0;

        private sealed class SpanCounter : BaseProcessor<Activity>
        {
            public override void OnEnd(Activity data)
            {
                if (!data.Recorded)
                {
                    return; // left out before the exporters (StorageSpanFilter)
                }

                Interlocked.Increment(ref _spans);
                Interlocked.Add(ref _bytes, data.DisplayName.Length + Size(data.TagObjects));
                var name = data.Source.Name + ": " + (data.Kind == ActivityKind.Client ? data.DisplayName.Split(' ')[0] + " (HTTP client)" : data.DisplayName);
                Names.AddOrUpdate(name, 1, (_, n) => n + 1);
            }
        }

        private sealed class LogCounter : BaseProcessor<OpenTelemetry.Logs.LogRecord>
        {
            public override void OnEnd(OpenTelemetry.Logs.LogRecord data)
            {
                Interlocked.Increment(ref _logs);
                Interlocked.Add(ref _bytes, (data.FormattedMessage?.Length ?? 0) + (data.CategoryName?.Length ?? 0) + Size(data.Attributes));
            }
        }
    }

    /// <summary>Counts the storage requests the app sends, by service (the table and queue endpoints of Azurite).</summary>
    private sealed class CountingPolicy(Action tableRequest, Action queueRequest) : HttpPipelineSynchronousPolicy
    {
        /// <summary>Requests by method and table or queue (the path's last segment without keys), for the breakdown.</summary>
        public static readonly ConcurrentDictionary<string, long> ByTarget = new(StringComparer.Ordinal);

        public override void OnSendingRequest(HttpMessage message)
        {
            var path = message.Request.Uri.Path;
            var segments = path.Split('/', StringSplitOptions.RemoveEmptyEntries);
            var target = segments.Length > 1 ? segments[1] : path;
            var paren = target.IndexOf('(', StringComparison.Ordinal);
            target = paren >= 0 ? target[..paren] + (target.EndsWith("()", StringComparison.Ordinal) ? " query" : " entity") : target;
            ByTarget.AddOrUpdate(message.Request.Method + " " + target, 1, (_, n) => n + 1);
            if (path.Contains("/messages", StringComparison.Ordinal) || message.Request.Uri.Query.Contains("comp=", StringComparison.Ordinal))
            {
                queueRequest();
            }
            else
            {
                tableRequest();
            }
        }
    }
}
