using Listening.Core.Pipeline;
using System.Diagnostics;
using System.Text.Json.Nodes;
using Listening.Core.Notifications;
using Listening.Functions;
using Listening.IntegrationTests.Infrastructure;
using Microsoft.Azure.Functions.Worker;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using OpenTelemetry.Logs;
using OpenTelemetry.Trace;
using Listening.Core.Notifications.Teams;

namespace Listening.IntegrationTests.Telemetry;

/// <summary>
/// The activity source is process-wide: this test runs alone so that no other test's spans land in its exporter.
/// </summary>
[CollectionDefinition(nameof(TraceTests), DisableParallelization = true)]
public sealed class TraceTestsRunAlone;

/// <summary>One trace from the timer through pull and aggregation, connected across the queue hops.</summary>
[Collection(nameof(TraceTests))]
public sealed class TraceTests
{
    private const string Token = "EAATraceTokenDoNotLeak42";

    [Fact]
    public async Task Timer_pull_and_aggregation_share_one_trace_across_queues()
    {
        var now = new DateTimeOffset(2026, 11, 27, 10, 0, 0, TimeSpan.Zero);
        await using var graph = await FakeGraphApi.StartAsync();
        graph.Posts.Add(new FakePost { Id = graph.PageId + "_1", CreatedTime = now.AddHours(-2), Message = "Ausbildung", Like = 3 });
        var exported = new List<Activity>();
        await using var app = await TestApp.StartAsync(now, new Dictionary<string, string?>
        {
            ["Listening:Facebook:GraphBaseUrl"] = graph.BaseUri.ToString(),
            ["Listening:Pages:0:Id"] = graph.PageId,
            ["Listening:Pages:0:AccessToken"] = Token,
        }, services => services.ConfigureOpenTelemetryTracerProvider(b => b.AddInMemoryExporter(exported)));
        using var tracer = app.Get<TracerProvider>();

        await app.Get<SchedulePulls>().Run(new TimerInfo(), CancellationToken.None);
        await app.DeliverAsync(app.Options.Queues.Pulls, m => app.Get<PullPage>().Run(m, CancellationToken.None));
        await app.DeliverAsync(app.Options.Queues.Snapshots, m => app.Get<AggregateSnapshot>().Run(m, CancellationToken.None));
        tracer.ForceFlush();

        var pull = Assert.Single(exported, a => a.OperationName == "HandlePull" && Equals(a.GetTagItem("messaging.destination.name"), app.Options.Queues.Pulls));
        var aggregate = Assert.Single(exported, a => a.OperationName == "HandleSnapshot" && Equals(a.GetTagItem("messaging.destination.name"), app.Options.Queues.Snapshots));
        var schedule = Assert.Single(exported, a => a.SpanId == pull.ParentSpanId);
        Assert.Equal("SchedulePulls", schedule.OperationName);
        Assert.Equal(schedule.TraceId, pull.TraceId);
        Assert.Equal(schedule.TraceId, aggregate.TraceId);
        Assert.Equal(schedule.SpanId, pull.ParentSpanId);
        Assert.Equal(pull.SpanId, aggregate.ParentSpanId);
        Assert.Equal(ActivityKind.Consumer, aggregate.Kind);

        // The Graph calls are spans of the same trace, and no span carries the token.
        Assert.Contains(exported, a => a.Kind == ActivityKind.Client && a.TraceId == schedule.TraceId);

        // The storage calls (Azurite's tables and queues) went well and are left out (Listening:TraceStorageCalls off).
        Assert.Contains(exported, a => a.Kind == ActivityKind.Client && (a.GetTagItem("url.full") as string ?? "").StartsWith(graph.BaseUri.GetLeftPart(UriPartial.Authority), StringComparison.Ordinal));
        Assert.DoesNotContain(exported, a => a.Kind == ActivityKind.Client && (a.GetTagItem("url.full") as string ?? "").Contains("/devstoreaccount1", StringComparison.Ordinal));
        Assert.All(exported, a => Assert.DoesNotContain(a.TagObjects, t => t.Value?.ToString()?.Contains(Token, StringComparison.Ordinal) == true));
    }

    [Fact]
    public async Task An_app_log_record_is_exported_with_the_trace_id_of_its_queue_hop_and_masked()
    {
        var now = new DateTimeOffset(2026, 11, 27, 10, 0, 0, TimeSpan.Zero);
        await using var graph = await FakeGraphApi.StartAsync();
        graph.Posts.Add(new FakePost { Id = graph.PageId + "_1", CreatedTime = now.AddHours(-2), Message = "Ausbildung", Like = 3 });

        // Meta's answer to the posts call echoes the token: the warning about it is an app log line inside the pull.
        graph.CallFaults.Enqueue(("/published_posts", FakeGraphApi.GraphError(400, 100, null, $"(#100) Malformed access token {Token}")));
        var spans = new List<Activity>();
        var logs = new List<LogRecord>();
        await using var app = await TestApp.StartAsync(now, new Dictionary<string, string?>
        {
            ["Listening:Facebook:GraphBaseUrl"] = graph.BaseUri.ToString(),
            ["Listening:Pages:0:Id"] = graph.PageId,
            ["Listening:Pages:0:AccessToken"] = Token,
        }, services => services
            .ConfigureOpenTelemetryTracerProvider(b => b.AddInMemoryExporter(spans))
            .ConfigureOpenTelemetryLoggerProvider(b => b.AddInMemoryExporter(logs)));
        using var tracer = app.Get<TracerProvider>();
        using var logger = app.Get<LoggerProvider>();

        await app.Get<SchedulePulls>().Run(new TimerInfo(), CancellationToken.None);
        await app.DeliverAsync(app.Options.Queues.Pulls, m => app.Get<PullPage>().Run(m, CancellationToken.None));
        tracer.ForceFlush();
        logger.ForceFlush();

        var pull = Assert.Single(spans, a => a.OperationName == "HandlePull" && Equals(a.GetTagItem("messaging.destination.name"), app.Options.Queues.Pulls));
        var pulled = Assert.Single(logs, r => r.CategoryName == typeof(Listening.Core.Ingestion.PagePuller).FullName && (r.FormattedMessage ?? "").StartsWith("Pulled page", StringComparison.Ordinal));
        Assert.Equal(pull.TraceId, pulled.TraceId);
        Assert.Equal(pull.SpanId, pulled.SpanId);
        var scheduled = Assert.Single(logs, r => (r.FormattedMessage ?? "").StartsWith("Scheduled", StringComparison.Ordinal));
        Assert.Equal(pull.TraceId, scheduled.TraceId); // the timer's line and the pull's line find the same trace

        // The warning with Meta's text is exported masked, in its message and its attributes.
        var warning = Assert.Single(logs, r => (r.FormattedMessage ?? "").Contains("Malformed access token", StringComparison.Ordinal));
        Assert.Equal(pull.TraceId, warning.TraceId);
        Assert.Contains("Malformed access token ***", warning.FormattedMessage, StringComparison.Ordinal);
        Assert.All(logs, r =>
        {
            Assert.DoesNotContain(Token, r.FormattedMessage ?? "", StringComparison.Ordinal);
            Assert.DoesNotContain(r.Attributes ?? [], a => Convert.ToString(a.Value, System.Globalization.CultureInfo.InvariantCulture)!.Contains(Token, StringComparison.Ordinal));
        });
    }

    [Theory]
    [InlineData("Development", true)]
    [InlineData("Production", false)]
    public void The_app_logs_to_the_console_on_a_developer_s_machine_only(string environment, bool console)
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { Args = [], DisableDefaults = true, EnvironmentName = environment });
        builder.AddListeningFunctions();

        Assert.Equal(console, builder.Services.Any(d => d.ServiceType == typeof(Microsoft.Extensions.Logging.ILoggerProvider)
            && d.ImplementationType == typeof(Microsoft.Extensions.Logging.Console.ConsoleLoggerProvider)));
    }

    [Fact]
    public async Task A_Teams_webhook_call_is_traced_without_the_path_or_query_of_its_URL()
    {
        var now = new DateTimeOffset(2026, 11, 27, 10, 0, 0, TimeSpan.Zero);
        await using var teams = await FakeTeamsWebhook.StartAsync();
        var connector = new Uri(new Uri(teams.Url()), "/webhookb2/0b5c3f0e-1d2e-4f6a-9b8c-7d6e5f4a3b2c@9f8e7d6c-5b4a-3c2d-1e0f-a9b8c7d6e5f4/IncomingWebhook/4c2a9e7b1d3f5a6c8e0b2d4f6a8c0e2b/1a2b3c4d-5e6f-7a8b-9c0d-1e2f3a4b5c6d");
        var workflows = new Uri(teams.Url("presse", "TraceSigDoNotLeak0123456789"));
        var spans = new List<Activity>();
        await using var app = await TestApp.StartAsync(now, new Dictionary<string, string?>
        {
            ["Listening:Teams:WebhookUrl"] = workflows.ToString(),
            ["Listening:Teams:Channels:altkanal:WebhookUrl"] = connector.ToString(),
            ["Listening:Teams:Channels:altkanal:Format"] = "messagecard",
        }, services => services.ConfigureOpenTelemetryTracerProvider(b => b.AddInMemoryExporter(spans)));
        using var tracer = app.Get<TracerProvider>();
        static JsonObject Card() => new()
        {
            ["$schema"] = "http://adaptivecards.io/schemas/adaptive-card.json",
            ["type"] = "AdaptiveCard",
            ["version"] = "1.5",
            ["body"] = new JsonArray(new JsonObject { ["type"] = "TextBlock", ["text"] = "Test" }),
        };

        using (var activity = Listening.Core.Telemetry.ListeningTelemetry.Source.StartActivity("SendTest"))
        {
            await app.Get<TeamsWebhookSender>().SendAsync("default", workflows, WorkflowsPayload.Wrap(Card()), CancellationToken.None);
            await app.Get<TeamsWebhookSender>().SendAsync("altkanal", connector, MessageCardPayload.FromWorkflows(WorkflowsPayload.Wrap(Card())), CancellationToken.None);
        }

        tracer.ForceFlush();
        Assert.Equal(2, teams.Requests.Count);
        var calls = spans.Where(a => a.Kind == ActivityKind.Client && a.GetTagItem("server.port") is { } port && Convert.ToInt32(port, System.Globalization.CultureInfo.InvariantCulture) == connector.Port).ToList();
        Assert.Equal(2, calls.Count);
        Assert.All(calls, a => Assert.Equal(connector.GetLeftPart(UriPartial.Authority) + "/***", a.GetTagItem("url.full")));
        foreach (var secret in new[] { connector.AbsolutePath, "4c2a9e7b1d3f5a6c8e0b2d4f6a8c0e2b", "TraceSigDoNotLeak0123456789", "/workflows/presse" })
        {
            Assert.All(spans, a =>
            {
                Assert.DoesNotContain(secret, a.DisplayName, StringComparison.Ordinal);
                Assert.DoesNotContain(a.TagObjects, t => t.Value?.ToString()?.Contains(secret, StringComparison.Ordinal) == true);
            });
        }
    }
}
