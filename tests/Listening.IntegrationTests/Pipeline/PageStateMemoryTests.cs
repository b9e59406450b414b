using System.Collections.Concurrent;
using Azure.Core;
using Azure.Core.Pipeline;
using Azure.Data.Tables;
using Listening.Core.Configuration;
using Listening.Core.Storage;
using Listening.IntegrationTests.Infrastructure;
using Microsoft.Extensions.Options;

namespace Listening.IntegrationTests.Pipeline;

/// <summary>
/// Issue 16: a pull reads the Page's state for its plan and records on that version without reading it again; a
/// state another instance wrote in between is read afresh and its change is kept.
/// </summary>
public sealed class PageStateMemoryTests
{
    private const string PageId = "104857600000042";
    private static readonly DateTimeOffset Now = new(2026, 12, 3, 10, 0, 0, TimeSpan.Zero);

    [Fact]
    public async Task Recording_a_pull_after_reading_the_state_writes_it_without_a_second_read()
    {
        await using var app = await TestApp.StartAsync(Now);
        var (store, requests) = await CountedAsync(app);
        await store.RecordPullAsync(PageId, Record(Now.AddMinutes(-15)), CancellationToken.None);
        requests.Clear();

        var stored = await store.GetAsync(PageId, CancellationToken.None); // the pull's plan
        await store.RecordPullAsync(PageId, Record(Now), CancellationToken.None);

        Assert.Equal(Now.AddMinutes(-15), stored!.LastSuccessfulPull);
        Assert.Equal(["GET", "PUT"], requests.Select(r => r.Method));
        Assert.Equal(Now, (await app.Get<IPageStateStore>().GetAsync(PageId, CancellationToken.None))!.LastSuccessfulPull);
    }

    [Fact]
    public async Task A_state_another_instance_wrote_meanwhile_is_read_again_and_both_changes_stay()
    {
        await using var app = await TestApp.StartAsync(Now);
        var (one, requests) = await CountedAsync(app);
        var (other, _) = await CountedAsync(app); // another instance: a memory of its own
        await one.RecordPullAsync(PageId, Record(Now.AddMinutes(-30)), CancellationToken.None);
        await other.RecordFailureAsync(PageId, "Kreis", "Meta answered 500", Now.AddMinutes(-20), CancellationToken.None);
        requests.Clear();

        await one.RecordPullAsync(PageId, Record(Now), CancellationToken.None);

        // The remembered version failed the conditional write (412), the state was read and the pull recorded on it.
        Assert.Equal(["PUT", "GET", "PUT"], requests.Select(r => r.Method));
        var state = (await app.Get<IPageStateStore>().GetAsync(PageId, CancellationToken.None))!;
        Assert.Equal(Now, state.LastSuccessfulPull);
        Assert.Equal("Meta answered 500", state.LastFailure);
    }

    [Fact]
    public async Task A_caller_that_edits_the_returned_state_does_not_change_the_remembered_one()
    {
        await using var app = await TestApp.StartAsync(Now);
        var (store, _) = await CountedAsync(app);
        await store.RecordPullAsync(PageId, Record(Now.AddMinutes(-15)), CancellationToken.None);
        var read = (await store.GetAsync(PageId, CancellationToken.None))!;
        read.PageName = "changed by a caller";

        await store.RecordPullAsync(PageId, Record(Now), CancellationToken.None);

        Assert.Equal("Kreis", (await app.Get<IPageStateStore>().GetAsync(PageId, CancellationToken.None))!.PageName);
    }

    private static PullRecord Record(DateTimeOffset at) => new()
    {
        PageName = "Kreis",
        CapturedAt = at,
        At = at,
        CountsAsSuccessfulPull = true,
    };

    private static async Task<(PageStateStore Store, ConcurrentQueue<(string Method, string Path)> Requests)> CountedAsync(TestApp app)
    {
        var requests = new ConcurrentQueue<(string Method, string Path)>();
        var clientOptions = new TableClientOptions();
        clientOptions.AddPolicy(new RecordingPolicy(requests), HttpPipelinePosition.PerCall);
        var service = new TableServiceClient((await SharedAzurite.GetAsync()).ConnectionString, clientOptions);
        var storage = new ListeningStorage(service, app.Get<IOptions<ListeningOptions>>());
        await storage.EnsureCreatedAsync(CancellationToken.None);
        requests.Clear();
        return (new PageStateStore(storage, app.Get<SecretMasker>(), new PageStateMemory()), requests);
    }

    private sealed class RecordingPolicy(ConcurrentQueue<(string Method, string Path)> requests) : HttpPipelineSynchronousPolicy
    {
        public override void OnSendingRequest(HttpMessage message) =>
            requests.Enqueue((message.Request.Method.Method, message.Request.Uri.Path));
    }
}
