using Listening.Core.Configuration;
using Listening.Core.Contracts;
using Listening.Core.Pipeline;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using NSubstitute;

namespace Listening.Core.Tests.Pipeline;

/// <summary>
/// Each queue handler, as the composition root builds it, parks a message that can never succeed with its reason
/// and body, once, and says so (the poison queue substituted; nothing reaches storage, Meta or Teams).
/// </summary>
public sealed class QueueHandlerParkingTests : IDisposable
{
    private const string Malformed = "{\"schema\":1,\"pageId\":";

    private readonly IPoisonParking _poison = Substitute.For<IPoisonParking>();
    private readonly ServiceProvider _provider;
    private readonly QueueNames _queues;

    public QueueHandlerParkingTests()
    {
        var configuration = new ConfigurationBuilder()
            .AddInMemoryCollection(new Dictionary<string, string?>
            {
                ["AzureWebJobsStorage"] = "UseDevelopmentStorage=true",
                ["Listening:Pages:0:Id"] = "104857600000001",
                ["Listening:Pages:0:AccessToken"] = "EAAunit-test-token",
            })
            .Build();
        _provider = new ServiceCollection().AddLogging().AddSingleton<IConfiguration>(configuration).AddListening(configuration)
            .AddSingleton(_poison)
            .BuildServiceProvider();
        _queues = _provider.GetRequiredService<IOptions<ListeningOptions>>().Value.Queues;
    }

    public void Dispose() => _provider.Dispose();

    [Fact]
    public async Task The_pull_handler_parks_a_malformed_message()
    {
        var outcome = await _provider.GetRequiredService<PullHandler>().HandleAsync(Malformed, "m1", CancellationToken.None);

        Assert.Equal(HandlerOutcome.Poisoned, outcome);
        await _poison.Received(1).MoveAsync(_queues.Pulls, Malformed, "m1", Arg.Is<string>(r => r.Length > 0), Arg.Any<CancellationToken>());
    }

    [Fact]
    public async Task The_pull_handler_parks_a_pull_of_a_Page_that_is_not_configured()
    {
        var body = MessageCodec.Encode(new PullRequest { PageId = "999", Kind = PullKind.Posts, RequestedAt = DateTimeOffset.UtcNow });

        var outcome = await _provider.GetRequiredService<PullHandler>().HandleAsync(body, "m2", CancellationToken.None);

        Assert.Equal(HandlerOutcome.Poisoned, outcome);
        await _poison.Received(1).MoveAsync(_queues.Pulls, body, "m2", Arg.Is<string>(r => r.Contains("999", StringComparison.Ordinal)), Arg.Any<CancellationToken>());
    }

    [Fact]
    public async Task The_snapshot_handler_parks_a_malformed_message()
    {
        var outcome = await _provider.GetRequiredService<SnapshotHandler>().HandleAsync(Malformed, "m3", CancellationToken.None);

        Assert.Equal(HandlerOutcome.Poisoned, outcome);
        await _poison.Received(1).MoveAsync(_queues.Snapshots, Malformed, "m3", Arg.Is<string>(r => r.Length > 0), Arg.Any<CancellationToken>());
    }

    [Fact]
    public async Task The_notification_handler_parks_a_malformed_message()
    {
        var outcome = await _provider.GetRequiredService<NotificationHandler>().HandleAsync("not json at all", "m4", CancellationToken.None);

        Assert.Equal(HandlerOutcome.Poisoned, outcome);
        await _poison.Received(1).MoveAsync(_queues.Notifications, "not json at all", "m4", Arg.Is<string>(r => r.Length > 0), Arg.Any<CancellationToken>());
    }

    [Fact]
    public async Task Parking_a_message_on_one_queue_touches_no_other_queue()
    {
        await _provider.GetRequiredService<SnapshotHandler>().HandleAsync(Malformed, "m5", CancellationToken.None);

        await _poison.DidNotReceive().MoveAsync(Arg.Is<string>(q => q != _queues.Snapshots), Arg.Any<string>(), Arg.Any<string>(), Arg.Any<string>(), Arg.Any<CancellationToken>());
    }
}
