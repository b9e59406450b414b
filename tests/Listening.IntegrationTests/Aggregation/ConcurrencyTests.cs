using Listening.Core.Pipeline;
using Listening.Core.Contracts;
using Listening.IntegrationTests.Infrastructure;

namespace Listening.IntegrationTests.Aggregation;

/// <summary>No lost updates: many handlers on the same Page and day at once (ETags, retry on 412) end where one after the other ends.</summary>
public sealed class ConcurrencyTests
{
    private const string PageId = "104857600000001";
    private static readonly DateTimeOffset Morning = new(2026, 11, 27, 6, 0, 0, TimeSpan.Zero); // 07:00 in Berlin

    /// <summary>16 pulls of one day, each seeing the same 30 posts with counters that grow over the day.</summary>
    private static List<PageSnapshot> Pulls() =>
    [
        .. Enumerable.Range(0, 16).Select(i => new PageSnapshot
        {
            PageId = PageId,
            PageName = "Kreis Soest",
            CapturedAt = Morning.AddMinutes(15 * i),
            Followers = 1_000 + (i * 3),
            Fans = i % 4 == 0 ? null : 950 + i,
            Posts =
            [
                .. Enumerable.Range(1, 30).Select(n => new PostObservation
                {
                    Id = $"{PageId}_{n}",
                    CreatedTime = Morning.AddHours(-n),
                    Message = n % 5 == 0 ? "Gewinnspiel: Wir verlosen Tickets" : "Ausbildung beim Kreis",
                    Reactions = new ReactionCounts { Like = (n * 10) + (i * n), Love = i },
                    Comments = n + i,
                    Shares = i / 2,
                }),
            ],
        }),
    ];

    [Theory]
    [InlineData(8)]
    [InlineData(16)]
    public async Task Concurrent_handlers_on_one_page_and_day_end_like_sequential_ones(int parallel)
    {
        var pulls = Pulls();
        await using var sequential = await TestApp.StartAsync(Morning.AddDays(1));
        await OrderIndependenceTests.ApplyAsync(sequential, pulls);

        await using var concurrent = await TestApp.StartAsync(Morning.AddDays(1));
        var start = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var lanes = Enumerable.Range(0, parallel).Select(lane => Task.Run(async () =>
        {
            // Each lane is a handler of its own, as on separate instances of the Functions host.
            var handler = concurrent.Get<SnapshotHandler>();
            await start.Task;
            for (var i = lane; i < pulls.Count; i += parallel)
            {
                Assert.Equal(HandlerOutcome.Done, await handler.HandleAsync(MessageCodec.Encode(pulls[i]), $"m{i}", CancellationToken.None));
            }
        })).ToList();
        start.SetResult();
        await Task.WhenAll(lanes);

        Assert.Equal(await TableDump.OfAsync(sequential), await TableDump.OfAsync(concurrent));
        var conflicts = concurrent.Logs!.GetSnapshot().Count(r => r.Message.Contains("changed under us", StringComparison.Ordinal));
        Assert.True(conflicts > 0, "the handlers never met: the test did not exercise concurrent writes");
    }
}
