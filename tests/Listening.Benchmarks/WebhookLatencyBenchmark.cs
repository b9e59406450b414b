using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Azure.Core;
using Azure.Core.Pipeline;
using Azure.Storage.Queues;
using Azure.Storage.Queues.Models;
using Listening.Cli;
using Listening.Core.Meta;
using Listening.Core.Storage;
using Listening.Functions;
using Listening.IntegrationTests.Infrastructure;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Azure;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Listening.Benchmarks;

/// <summary>
/// Issue 18's measure: a signed webhook delivery of an urgent comment until its Teams alert arrives at a fake Teams
/// workflow on 127.0.0.1, through the Functions app's real code (the <c>MetaWebhook</c> function, the queue
/// <c>comments</c> on Azurite, <c>TriageComments</c>, the queue <c>notifications</c>, <c>SendNotification</c> and the
/// Teams sender), real clock. Queue listeners are simulated as the host runs them: <c>workers</c> pollers per queue that
/// take one message at a time and poll an empty queue every <c>poll</c> ms (the host's shortest interval; an idle
/// host backs off up to <c>maxPollingInterval</c>, see docs/benchmarks.md).
/// Part 1: <c>samples</c> deliveries of one urgent comment, one after the other. Part 2: Meta's largest delivery
/// (1,000 changes: 900 comments, 90 replies of the Page, 10 other changes) and its retry at once: time until every
/// alert arrived and the queue is empty, alert latency, storage requests, duplicates, totals.
/// Arguments: [samples] [workers] [poll ms] [burst spread minutes] (default 200 8 100 120; a spread under 60 puts the
/// whole burst into one or two hourly counts, the most contended rows).
/// </summary>
internal static partial class WebhookLatencyBenchmark
{
    private const string AppSecret = "benchmark-app-secret-0123456789";
    private const string PageId = "104857600000001";
    private const string PostId = PageId + "_900000000000001";

    public static async Task RunAsync(string[] args)
    {
        var samples = args.Length > 0 ? int.Parse(args[0], CultureInfo.InvariantCulture) : 200;
        var workers = args.Length > 1 ? int.Parse(args[1], CultureInfo.InvariantCulture) : 8;
        var poll = TimeSpan.FromMilliseconds(args.Length > 2 ? int.Parse(args[2], CultureInfo.InvariantCulture) : 100);
        var spread = TimeSpan.FromMinutes(args.Length > 3 ? int.Parse(args[3], CultureInfo.InvariantCulture) : 120);

        await using var azurite = await AzuriteProcess.StartAsync(CancellationToken.None);
        await using var teams = await FakeServer.StartAsync();
        var cards = new ConcurrentQueue<Card>();
        var waiting = new ConcurrentDictionary<string, TaskCompletionSource<long>>(StringComparer.Ordinal);
        teams.Handler = (context, request) =>
        {
            var at = Stopwatch.GetTimestamp();
            var id = CommentIdInLink().Match(request.Body) is { Success: true } m ? m.Groups[1].Value : "";
            var kind = request.Body.Contains("Dringender Kommentar", StringComparison.Ordinal) ? "comment-urgent"
                : request.Body.Contains("Beleidigender Kommentar", StringComparison.Ordinal) ? "comment-abusive"
                : request.Body.Contains("Krisenmodus an", StringComparison.Ordinal) ? "crisis" : "other";
            cards.Enqueue(new Card(kind, id, at));
            if (kind == "comment-urgent" && waiting.TryRemove(id, out var done))
            {
                done.TrySetResult(at);
            }

            context.Response.StatusCode = 202;
            return Task.CompletedTask;
        };

        var counter = new RequestCounter(azurite.QueuePort);
        using var host = BuildHost(azurite.ConnectionString, new Uri(teams.BaseUri, "/workflows/presse/triggers/manual/paths/invoke?sig=BenchmarkSig"), counter);
        var services = host.Services;
        await services.GetRequiredService<ListeningStorage>().EnsureCreatedAsync(CancellationToken.None);
        var options = services.GetRequiredService<IOptions<Core.Configuration.ListeningOptions>>().Value;
        var queues = services.GetRequiredService<QueueServiceClient>();
        var commentsQueue = queues.GetQueueClient(options.Queues.Comments);
        var notificationsQueue = queues.GetQueueClient(options.Queues.Notifications);
        foreach (var q in new[] { commentsQueue, notificationsQueue, queues.GetQueueClient(options.Queues.Comments + "-poison"), queues.GetQueueClient(options.Queues.Notifications + "-poison") })
        {
            await q.CreateIfNotExistsAsync();
        }

        using var stop = new CancellationTokenSource();
        var failures = new ConcurrentQueue<string>();
        var listeners = Enumerable.Range(0, workers).SelectMany(_ => new[]
        {
            Task.Run(() => ListenAsync(commentsQueue, m => services.GetRequiredService<TriageComments>().Run(m, CancellationToken.None), poll, failures, stop.Token)),
            Task.Run(() => ListenAsync(notificationsQueue, m => services.GetRequiredService<SendNotification>().Run(m, CancellationToken.None), poll, failures, stop.Token)),
        }).ToList();

        // Part 1: one urgent comment per delivery, one delivery at a time; 10 warm-up deliveries first.
        var webhook = services.GetRequiredService<MetaWebhook>();
        var latencies = new List<double>();
        var answers = new List<double>();
        counter.Reset();
        for (var i = -10; i < samples; i++)
        {
            var commentId = "900000000000001_" + (7000000 + i + 10).ToString(CultureInfo.InvariantCulture);
            var now = DateTimeOffset.UtcNow;
            var body = Delivery(now, Change(commentId, "Hilfe, bei uns in der Lindenstraße ist der Keller voll", now.AddSeconds(-2)));
            var arrived = new TaskCompletionSource<long>(TaskCreationOptions.RunContinuationsAsynchronously);
            waiting[commentId] = arrived;
            var start = Stopwatch.GetTimestamp();
            var status = await PostAsync(webhook, body);
            var answered = Stopwatch.GetTimestamp();
            if (status != 200)
            {
                throw new InvalidOperationException($"the webhook answered {status}");
            }

            var at = await arrived.Task.WaitAsync(TimeSpan.FromSeconds(60));
            if (i >= 0)
            {
                latencies.Add(Stopwatch.GetElapsedTime(start, at).TotalMilliseconds);
                answers.Add(Stopwatch.GetElapsedTime(start, answered).TotalMilliseconds);
            }

            if (i == -1)
            {
                counter.Reset();
            }
        }

        var perDelivery = counter.Snapshot();

        // Part 2: Meta's largest delivery and its retry, posted together.
        await WaitIdleAsync(commentsQueue, notificationsQueue);
        var before = cards.Count;
        counter.Reset();
        var burstStart = DateTimeOffset.UtcNow;
        var burst = BurstDelivery(burstStart, spread, out var expectedUrgent, out var expectedAbusive);
        var t0 = Stopwatch.GetTimestamp();
        var first = await PostAsync(webhook, burst);
        var firstAnswer = Stopwatch.GetElapsedTime(t0).TotalMilliseconds;
        var retry = await PostAsync(webhook, burst);
        var messages = (await commentsQueue.GetPropertiesAsync()).Value.ApproximateMessagesCount;
        var expected = expectedUrgent.Count + expectedAbusive.Count;
        while (BurstCards(cards, before).Count(c => c.Kind is "comment-urgent" or "comment-abusive") < expected && Stopwatch.GetElapsedTime(t0) < TimeSpan.FromMinutes(10))
        {
            await Task.Delay(20);
        }

        var alertsIn = Stopwatch.GetElapsedTime(t0).TotalSeconds;
        await WaitIdleAsync(commentsQueue, notificationsQueue);
        var drained = Stopwatch.GetElapsedTime(t0).TotalSeconds;
        var burstRequests = counter.Snapshot();
        await stop.CancelAsync();
        await Task.WhenAll(listeners);

        var burstCards = BurstCards(cards, before);
        var alertLatencies = burstCards.Where(c => c.Kind is "comment-urgent" or "comment-abusive").Select(c => Stopwatch.GetElapsedTime(t0, c.At).TotalMilliseconds).Order().ToList();
        var duplicates = burstCards.Where(c => c.Kind is "comment-urgent" or "comment-abusive").GroupBy(c => c.Kind + c.CommentId).Sum(g => g.Count() - 1);
        var urgentIds = burstCards.Where(c => c.Kind == "comment-urgent").Select(c => c.CommentId).ToHashSet(StringComparer.Ordinal);
        var abusiveIds = burstCards.Where(c => c.Kind == "comment-abusive").Select(c => c.CommentId).ToHashSet(StringComparer.Ordinal);
        var missing = expectedUrgent.Count(id => !urgentIds.Contains(id)) + expectedAbusive.Count(id => !abusiveIds.Contains(id));
        var poisoned = (await queues.GetQueueClient(options.Queues.Comments + "-poison").GetPropertiesAsync()).Value.ApproximateMessagesCount
            + (await queues.GetQueueClient(options.Queues.Notifications + "-poison").GetPropertiesAsync()).Value.ApproximateMessagesCount;
        var day = DateOnly.FromDateTime(services.GetRequiredService<Core.Configuration.LocalCalendar>().ToLocal(burstStart).DateTime);
        var hours = await services.GetRequiredService<ICommentStore>().HoursOfDayAsync(PageId, day, CancellationToken.None);
        var burstHours = hours.Where(h => h.PostId == BurstPost).ToList();

        latencies.Sort();
        answers.Sort();
        Console.WriteLine();
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"### webhook-latency: signed delivery to Teams alert ({samples} deliveries of one urgent comment, one at a time; {workers} listeners per queue polling every {poll.TotalMilliseconds:F0} ms)"));
        Console.WriteLine();
        Console.WriteLine("| Measure | p50 | p95 | max |");
        Console.WriteLine("|---|---:|---:|---:|");
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"| Webhook answered 200 (signature, parse, queue `comments`) | {P(answers, 0.5):F1} ms | {P(answers, 0.95):F1} ms | {answers[^1]:F1} ms |"));
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"| Delivery to Teams alert (webhook, `comments`, triage, `notifications`, Teams sender) | {P(latencies, 0.5):F0} ms | {P(latencies, 0.95):F0} ms | {latencies[^1]:F0} ms |"));
        Console.WriteLine();
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"Storage requests per delivery, without the listeners' receives: {(perDelivery.Total - perDelivery.Receives) / (double)samples:F1} ({perDelivery.Tables / (double)samples:F1} table, {(perDelivery.Total - perDelivery.Tables - perDelivery.Receives) / (double)samples:F1} queue); receives (polls) meanwhile: {perDelivery.Receives / (double)samples:F1} per delivery."));
        Console.WriteLine();
        Console.WriteLine("| Storage request per delivery (method, table or queue) | count |");
        Console.WriteLine("|---|---:|");
        foreach (var (target, count) in perDelivery.ByTarget.Where(kv => !(kv.Key.StartsWith("GET ", StringComparison.Ordinal) && kv.Key.EndsWith(" messages", StringComparison.Ordinal))).OrderByDescending(kv => kv.Value))
        {
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"| {target} | {count / (double)samples:F2} |"));
        }
        Console.WriteLine();
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"### webhook-burst: Meta's largest delivery (1,000 changes on one post, created over {spread.TotalMinutes:F0} minutes) and its retry at once"));
        Console.WriteLine();
        Console.WriteLine("| Measure | Value |");
        Console.WriteLine("|---|---|");
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"| Delivery size / webhook answer (first, retry) | {burst.Length / 1024.0:F0} KiB / {firstAnswer:F0} ms (HTTP {first}, {retry}) |"));
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"| Queue messages after both deliveries | {messages} |"));
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"| All {expected} alerts at Teams / queues empty | {alertsIn:F1} s / {drained:F1} s |"));
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"| Alert latency from the first POST, p50 / p95 / max | {P(alertLatencies, 0.5) / 1000:F1} s / {P(alertLatencies, 0.95) / 1000:F1} s / {(alertLatencies.Count > 0 ? alertLatencies[^1] / 1000 : double.NaN):F1} s |"));
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"| Alerts missing / duplicated at Teams / crisis cards / parked messages | {missing} / {duplicates} / {burstCards.Count(c => c.Kind == "crisis")} / {poisoned} |"));
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"| Counted (questions, urgent, abusive, other, answered; expected 180, 90, 90, 540, 90) | {burstHours.Sum(h => h.Questions)}, {burstHours.Sum(h => h.Urgent)}, {burstHours.Sum(h => h.Abusive)}, {burstHours.Sum(h => h.Other)}, {burstHours.Sum(h => h.Answered)} |"));
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"| Storage requests without receives (per change of the 2,000) | {burstRequests.Total - burstRequests.Receives} ({(burstRequests.Total - burstRequests.Receives) / 2000.0:F1}; {burstRequests.Tables} table, {burstRequests.Total - burstRequests.Tables - burstRequests.Receives} queue) |"));
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"| Handler failures retried (e.g. lost ETag races past their retries) | {failures.Count} |"));
        Console.WriteLine();
        Console.WriteLine("| Storage request of the burst (method, table or queue) | count |");
        Console.WriteLine("|---|---:|");
        foreach (var (target, count) in burstRequests.ByTarget.OrderByDescending(kv => kv.Value).Take(12))
        {
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"| {target} | {count} |"));
        }

        foreach (var failure in failures.Distinct().Take(5))
        {
            Console.WriteLine("failure: " + failure);
        }

        Console.WriteLine();
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"webhook-latency: p50 {P(latencies, 0.5):F0} ms, p95 {P(latencies, 0.95):F0} ms; burst of 1,000 changes twice: all alerts in {alertsIn:F1} s, {missing} missing, {duplicates} duplicated"));
    }

    private const string BurstPost = PageId + "_900000000000002";

    private static List<Card> BurstCards(ConcurrentQueue<Card> cards, int before) => [.. cards.Skip(before)];

    private static double P(List<double> sorted, double p) => sorted.Count == 0 ? double.NaN : sorted[Math.Min(sorted.Count - 1, (int)Math.Ceiling(p * sorted.Count) - 1)];

    /// <summary>Takes one message at a time as the host's listener does; a failure puts it back at once (the host waits for the visibility timeout).</summary>
    private static async Task ListenAsync(QueueClient queue, Func<QueueMessage, Task> function, TimeSpan poll, ConcurrentQueue<string> failures, CancellationToken stop)
    {
        while (!stop.IsCancellationRequested)
        {
            QueueMessage[] batch;
            try
            {
                batch = (await queue.ReceiveMessagesAsync(1, TimeSpan.FromMinutes(5), stop)).Value;
                if (batch.Length == 0)
                {
                    await Task.Delay(poll, stop);
                    continue;
                }
            }
            catch (OperationCanceledException)
            {
                return;
            }

            var message = batch[0];
            try
            {
                await function(message);
                await queue.DeleteMessageAsync(message.MessageId, message.PopReceipt, CancellationToken.None);
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                failures.Enqueue(ex.GetType().Name + ": " + ex.Message.Split('\n')[0]);
                await queue.UpdateMessageAsync(message.MessageId, message.PopReceipt, visibilityTimeout: TimeSpan.Zero, cancellationToken: CancellationToken.None);
            }
        }
    }

    private static async Task WaitIdleAsync(params QueueClient[] queues)
    {
        var quiet = 0;
        while (quiet < 10)
        {
            var busy = false;
            foreach (var queue in queues)
            {
                busy |= (await queue.GetPropertiesAsync()).Value.ApproximateMessagesCount > 0;
            }

            quiet = busy ? 0 : quiet + 1;
            await Task.Delay(50);
        }
    }

    private static async Task<int> PostAsync(MetaWebhook webhook, byte[] body)
    {
        var context = new DefaultHttpContext();
        context.Request.Method = "POST";
        context.Request.Body = new MemoryStream(body);
        context.Request.ContentLength = body.Length;
        context.Request.Headers[WebhookSignature.Header] = WebhookSignature.Sign(body, AppSecret);
        var result = await webhook.Run(context.Request, CancellationToken.None);
        return result is Microsoft.AspNetCore.Mvc.ContentResult content ? content.StatusCode ?? 200 : 200;
    }

    private static JsonObject Change(string commentId, string message, DateTimeOffset created, string postId = PostId, string? parentId = null, bool byPage = false) => new()
    {
        ["field"] = "feed",
        ["value"] = new JsonObject
        {
            ["item"] = "comment",
            ["verb"] = "add",
            ["comment_id"] = commentId,
            ["post_id"] = postId,
            ["parent_id"] = parentId ?? postId,
            ["from"] = new JsonObject { ["id"] = byPage ? PageId : "7000000000000042", ["name"] = byPage ? "Kreis Musterland" : "Erika Mustermann" },
            ["created_time"] = created.ToUnixTimeSeconds(),
            ["message"] = message,
        },
    };

    private static byte[] Delivery(DateTimeOffset time, params JsonObject[] changes) =>
        Encoding.UTF8.GetBytes(new JsonObject
        {
            ["object"] = "page",
            ["entry"] = new JsonArray(new JsonObject { ["id"] = PageId, ["time"] = time.ToUnixTimeSeconds(), ["changes"] = new JsonArray([.. changes]) }),
        }.ToJsonString());

    /// <summary>The integration test's burst (CommentBurstTests) on a post of its own, created over <paramref name="spread"/> before now.</summary>
    private static byte[] BurstDelivery(DateTimeOffset now, TimeSpan spread, out List<string> urgent, out List<string> abusive)
    {
        urgent = [];
        abusive = [];
        var changes = new List<JsonObject>();
        for (var n = 1; n <= 900; n++)
        {
            var id = "900000000000002_" + (5000000 + n).ToString(CultureInfo.InvariantCulture);
            var created = now - spread - TimeSpan.FromSeconds(100) + (spread * n / 900);
            var text = (n % 10) switch
            {
                0 => $"Bei uns in Hausnummer {n} ist der Keller voll, das Wasser steigt",
                1 => $"Ihr Idioten vom Kreis, Nummer {n}",
                2 or 3 => $"Wo gibt es Sandsäcke für Hausnummer {n}?",
                _ => $"Danke an alle Helferinnen, Nummer {n}",
            };
            if (n % 10 == 0)
            {
                urgent.Add(id);
            }
            else if (n % 10 == 1)
            {
                abusive.Add(id);
            }

            changes.Add(Change(id, n % 7 == 0 ? text + string.Concat(Enumerable.Repeat(" Grüße aus Südöhringen.", 80)) : text, created, BurstPost));
            if (n % 10 == 2)
            {
                changes.Add(Change("900000000000002_" + (6000000 + n).ToString(CultureInfo.InvariantCulture), "Sandsäcke gibt es am Bauhof.", created.AddMinutes(12) > now ? now : created.AddMinutes(12), BurstPost, id, byPage: true));
            }
        }

        for (var i = 0; i < 10; i++)
        {
            changes.Add(new JsonObject { ["field"] = "feed", ["value"] = new JsonObject { ["item"] = "reaction", ["verb"] = "add", ["post_id"] = BurstPost, ["reaction_type"] = "like" } });
        }

        return Delivery(now, [.. changes]);
    }

    private static IHost BuildHost(string connectionString, Uri teams, RequestCounter counter)
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { Args = [], DisableDefaults = true });
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["AzureWebJobsStorage"] = connectionString,
            ["Listening:Tables:Prefix"] = "hook",
            ["PullsQueue"] = "hook-pulls",
            ["SnapshotsQueue"] = "hook-snapshots",
            ["NotificationsQueue"] = "hook-notifications",
            ["CommentsQueue"] = "hook-comments",
            ["Listening:Access:RequireSignIn"] = "false",
            ["Listening:Facebook:AppSecret"] = AppSecret,
            ["Listening:Facebook:WebhookVerifyToken"] = "benchmark-verify-token-abcdef",
            ["Listening:Teams:WebhookUrl"] = teams.ToString(),
            ["Listening:Pages:0:Id"] = PageId,
            ["Listening:Pages:0:Name"] = "Kreis Musterland",
            ["Listening:Pages:0:AccessToken"] = "EAAGBenchmarkPageToken0123456789",
        });
        builder.Logging.SetMinimumLevel(LogLevel.Warning);
        builder.AddListeningFunctions();
        builder.Services.AddAzureClients(clients => clients.ConfigureDefaults(o => o.AddPolicy(counter, HttpPipelinePosition.PerCall)));
        return builder.Build();
    }

    private sealed record Card(string Kind, string CommentId, long At);

    private sealed record Requests(long Total, long Tables, long Receives, IReadOnlyDictionary<string, long> ByTarget);

    /// <summary>Counts the storage requests the app sends: tables, queues, and the listeners' receives apart.</summary>
    private sealed class RequestCounter(int queuePort) : HttpPipelineSynchronousPolicy
    {
        private ConcurrentDictionary<string, long> _byTarget = new(StringComparer.Ordinal);
        private long _tables;
        private long _receives;

        public void Reset()
        {
            _byTarget = new ConcurrentDictionary<string, long>(StringComparer.Ordinal);
            Interlocked.Exchange(ref _tables, 0);
            Interlocked.Exchange(ref _receives, 0);
        }

        public Requests Snapshot()
        {
            var all = _byTarget.ToDictionary(kv => kv.Key, kv => kv.Value, StringComparer.Ordinal);
            return new Requests(all.Values.Sum(), Interlocked.Read(ref _tables), Interlocked.Read(ref _receives), all);
        }

        public override void OnSendingRequest(HttpMessage message)
        {
            var uri = message.Request.Uri;
            var method = message.Request.Method.ToString();
            var segments = uri.Path.Split('/', StringSplitOptions.RemoveEmptyEntries);
            string target;
            if (uri.Port == queuePort)
            {
                // /account/queue/messages[/id]
                var messages = segments.Length > 2 && segments[2] == "messages";
                target = (segments.Length > 1 ? segments[1] : "(account)") + (messages ? segments.Length > 3 ? " message" : " messages" : "");
                if (messages && segments.Length == 3 && method == "GET")
                {
                    Interlocked.Increment(ref _receives);
                }
            }
            else
            {
                Interlocked.Increment(ref _tables);
                target = segments.Length > 1 ? segments[1] : uri.Path;
                var paren = target.IndexOf('(', StringComparison.Ordinal);
                target = paren >= 0 ? target[..paren] + (target.EndsWith("()", StringComparison.Ordinal) ? " query" : " entity") : target;
            }

            _byTarget.AddOrUpdate(method + " " + target, 1, (_, n) => n + 1);
        }
    }

    [GeneratedRegex(@"comment_id=([0-9_]+)")]
    private static partial Regex CommentIdInLink();
}
