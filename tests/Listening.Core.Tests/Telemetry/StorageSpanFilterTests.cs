using System.Diagnostics;
using Listening.Core.Telemetry;

namespace Listening.Core.Tests.Telemetry;

/// <summary>Which HTTP client spans <see cref="StorageSpanFilter"/> leaves out of the export (issue 16: telemetry cost).</summary>
public sealed class StorageSpanFilterTests : IDisposable
{
    private static readonly Uri[] Endpoints = [new("https://listening.table.core.windows.net/"), new("http://127.0.0.1:10001/devstoreaccount1")];

    private readonly ActivitySource _source = new("StorageSpanFilterTests");
    private readonly ActivityListener _listener;

    public StorageSpanFilterTests()
    {
        _listener = new ActivityListener
        {
            ShouldListenTo = s => s.Name == _source.Name,
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
        };
        ActivitySource.AddActivityListener(_listener);
    }

    public void Dispose()
    {
        _listener.Dispose();
        _source.Dispose();
    }

    [Theory]
    [InlineData("https://listening.table.core.windows.net/pagedays(PartitionKey='1',RowKey='x')", 200, false)]
    [InlineData("https://LISTENING.table.core.windows.net:443/$batch", 202, false)]
    [InlineData("http://127.0.0.1:10001/devstoreaccount1/pulls/messages?REDACTED", 201, false)]
    [InlineData("https://listening.table.core.windows.net/pagestate(PartitionKey='page',RowKey='1')", 404, false)] // expected: no row yet
    [InlineData("https://listening.table.core.windows.net/summaries(PartitionKey='1',RowKey='2026-12-03')", 412, false)] // expected: another writer won
    [InlineData("https://listening.table.core.windows.net/pagestate", 409, false)]
    [InlineData("https://listening.table.core.windows.net/pagestate", 403, true)] // a missing role assignment: keep
    [InlineData("https://listening.table.core.windows.net/pagestate", 503, true)] // throttled by storage: keep
    [InlineData("http://127.0.0.1:10002/devstoreaccount1/pagestate", 200, true)] // another port: not a storage endpoint of ours
    [InlineData("https://graph.facebook.com/v24.0/", 200, true)] // Meta: always kept
    public void Successful_and_expected_storage_answers_are_left_out_and_everything_else_is_kept(string url, int status, bool kept)
    {
        using var span = Span(url, status, ActivityKind.Client);

        new StorageSpanFilter(Endpoints, traceAll: false).OnEnd(span);

        Assert.Equal(kept, span.Recorded);
    }

    [Fact]
    public void A_storage_call_without_an_answer_is_kept()
    {
        using var span = Span("https://listening.table.core.windows.net/$batch", status: null, ActivityKind.Client);
        span.SetStatus(ActivityStatusCode.Error);

        new StorageSpanFilter(Endpoints, traceAll: false).OnEnd(span);

        Assert.True(span.Recorded);
    }

    [Fact]
    public void With_TraceStorageCalls_every_storage_call_is_kept_and_the_app_s_own_spans_always()
    {
        using var storage = Span("https://listening.table.core.windows.net/$batch", 202, ActivityKind.Client);
        using var handler = Span("https://listening.table.core.windows.net/$batch", 202, ActivityKind.Consumer);

        new StorageSpanFilter(Endpoints, traceAll: true).OnEnd(storage);
        new StorageSpanFilter(Endpoints, traceAll: false).OnEnd(handler);

        Assert.True(storage.Recorded);
        Assert.True(handler.Recorded);
    }

    private Activity Span(string url, int? status, ActivityKind kind)
    {
        var activity = _source.StartActivity("call", kind)!;
        activity.SetTag("url.full", url);
        if (status is { } code)
        {
            activity.SetTag("http.response.status_code", code);
        }

        activity.Stop();
        return activity;
    }
}
