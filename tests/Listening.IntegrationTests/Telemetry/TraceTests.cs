using System.Diagnostics;
using Listening.Functions;
using Listening.IntegrationTests.Infrastructure;
using Microsoft.Azure.Functions.Worker;
using Microsoft.Extensions.DependencyInjection;
using OpenTelemetry.Trace;

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
        Assert.All(exported, a => Assert.DoesNotContain(a.TagObjects, t => t.Value?.ToString()?.Contains(Token, StringComparison.Ordinal) == true));
    }
}
