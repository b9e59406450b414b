using Listening.Core.Storage;
using System.Globalization;
using Azure.Storage.Queues;
using Listening.Cli;
using Listening.Core.Ingestion;
using Listening.Core.Pipeline;
using Listening.Core.Contracts;
using Listening.IntegrationTests.Facebook;
using Listening.IntegrationTests.Infrastructure;

namespace Listening.IntegrationTests.Pipeline;

/// <summary>
/// <c>listening sync</c>'s drain beside other consumers (another <c>sync</c>, the deployed Functions app) and with
/// messages it cannot read: each message handled once, nothing parked that was processed, no crash.
/// </summary>
public sealed class QueueDrainTests
{
    [Fact]
    public async Task Three_concurrent_drains_against_a_slow_Graph_API_pull_each_message_once_and_park_nothing()
    {
        await using var s = await GraphScenario.StartAsync();
        s.AddPost(1, TimeSpan.FromHours(3), like: 4);
        for (var i = 0; i < 50; i++)
        {
            s.Graph.Faults.Enqueue(new FakeFault { Delay = TimeSpan.FromSeconds(4) }); // every answer takes 4 s
        }

        // Two cycles' pull messages for the Page, then three `sync` runs at once.
        var scheduler = s.App.Get<PullScheduler>();
        await scheduler.ScheduleAsync(everyPage: true, CancellationToken.None);
        await scheduler.ScheduleAsync(everyPage: true, CancellationToken.None);
        var drains = Enumerable.Range(0, 3).Select(_ => s.App.Get<QueueDrain>()).ToList();
        foreach (var drain in drains)
        {
            // Shorter than the time a message is held (two slow pulls in a row, 8 s): only renewal keeps it. Renewed
            // every 5/3 s, so a stall of the test machine up to about 3 s cannot let it lapse.
            drain.Lease = TimeSpan.FromSeconds(5);
        }

        var results = await Task.WhenAll(drains.Select(d => Task.Run(() => d.RunAsync(CancellationToken.None))));

        var pulls = results.SelectMany(r => r.Pulls).ToList();
        Assert.Equal(2, pulls.Count(p => p.Request.PageId == s.Page.Id));
        Assert.All(pulls, p => Assert.Equal(PullStatus.Pulled, p.Outcome.Status));
        Assert.Equal(pulls.Sum(p => p.Outcome.Capture!.HttpRequests), s.Graph.Requests.Count); // no pull beyond those
        Assert.Equal(2, results.Sum(r => r.Done.GetValueOrDefault(s.App.Options.Queues.Pulls)));
        Assert.Equal(2, results.Sum(r => r.Done.GetValueOrDefault(s.App.Options.Queues.Snapshots)));
        Assert.All(results, r => Assert.Empty(r.Failures));
        Assert.All(results, r => Assert.Empty(r.Poisoned));
        foreach (var queue in new[] { s.App.Options.Queues.Pulls, s.App.Options.Queues.Snapshots })
        {
            var parked = s.App.Queue(PoisonParking.NameFor(queue));
            Assert.False(await parked.ExistsAsync() && (await parked.PeekMessagesAsync(10)).Value.Length > 0, $"{parked.Name} holds messages");
            Assert.Equal(0, (await s.App.Queue(queue).GetPropertiesAsync()).Value.ApproximateMessagesCount);
        }
    }

    [Fact]
    public async Task A_plain_text_message_is_parked_with_a_reason_and_the_drain_goes_on()
    {
        await using var s = await GraphScenario.StartAsync();
        var name = s.App.Options.Queues.Snapshots;
        // Sent without base64, as a person with Storage Explorer or a script would.
        var plain = new QueueClient((await SharedAzurite.GetAsync()).ConnectionString, name);
        await plain.CreateIfNotExistsAsync();
        await plain.SendMessageAsync("""{"schema":1,"pageId":"104857600000001"}""");
        await s.App.Get<Listening.Core.Storage.IQueuePublisher>().PublishAsync(new PageSnapshot
        {
            PageId = s.Page.Id,
            PageName = "Kreis Soest",
            CapturedAt = GraphScenario.Winter.AddHours(-1),
            Followers = 1000,
            Posts = [new PostObservation { Id = s.Page.Id + "_1", CreatedTime = GraphScenario.Winter.AddHours(-3), Reactions = new ReactionCounts { Like = 3 } }],
        }, CancellationToken.None);

        var first = await s.App.Get<QueueDrain>().RunAsync(CancellationToken.None);
        var second = await s.App.Get<QueueDrain>().RunAsync(CancellationToken.None);

        Assert.Equal(1, first.Done[name]);
        Assert.Equal(1, first.Poisoned[name]);
        Assert.Empty(first.Failures);
        Assert.Empty(second.Done);
        Assert.Empty(second.Poisoned);
        Assert.Single(await TestApp.RowsAsync(s.App.Tables.PageDays, PageDayKinds.Archive));
        using var listing = new StringWriter(CultureInfo.InvariantCulture);
        await OperationsCommands.ListAsync(false, listing, CancellationToken.None, s.App.Services);
        Assert.Contains($"{name}-poison: 1 message(s)", listing.ToString(), StringComparison.Ordinal);
        Assert.Contains("why: " + QueueDrain.NotBase64Reason, listing.ToString(), StringComparison.Ordinal);
    }
}
