using Listening.Core.Storage;
using System.Text;
using Azure.Storage.Queues;
using Listening.Cli;
using Listening.Core.Pipeline;
using Listening.Core.Contracts;
using Listening.Functions;
using Listening.IntegrationTests.Infrastructure;
using Microsoft.Extensions.Logging;

namespace Listening.IntegrationTests.Aggregation;

/// <summary>
/// Bad messages: no partial write, one log line with the message id and the reason, the message in
/// <c>&lt;queue&gt;-poison</c>; <c>listening poison list</c> says why, <c>listening poison retry</c> requeues after a fix.
/// </summary>
public sealed class PoisonTests : IAsyncLifetime
{
    private static readonly DateTimeOffset Now = new(2026, 11, 27, 10, 0, 0, TimeSpan.Zero);
    private TestApp _app = null!;

    public async Task InitializeAsync() => _app = await TestApp.StartAsync(Now);

    public async Task DisposeAsync() => await _app.DisposeAsync();

    private static string Valid(DateTimeOffset capturedAt, long likes = 3) => MessageCodec.Encode(new PageSnapshot
    {
        PageId = "104857600000001",
        PageName = "Kreis Soest",
        CapturedAt = capturedAt,
        Followers = 1000,
        Posts = [new PostObservation { Id = "104857600000001_1", CreatedTime = capturedAt.AddHours(-2), Reactions = new ReactionCounts { Like = likes } }],
    });

    public static TheoryData<string, string> BadBodies() => new()
    {
        { "{\"schema\":1,\"pageId\":\"104857600000001\",", "not valid PageSnapshot JSON" },
        { "{\"schema\":2,\"pageId\":\"104857600000001\",\"pageName\":\"x\",\"capturedAt\":\"2026-11-27T09:00:00Z\"}", "schema 2 is not supported" },
        { "{\"schema\":1,\"pageName\":\"x\",\"capturedAt\":\"2026-11-27T09:00:00Z\"}", "not valid PageSnapshot JSON" },
        { "{\"schema\":1,\"pageId\":\"104857600000001\",\"pageName\":\"x\",\"capturedAt\":\"2026-11-27T09:00:00Z\",\"followers\":\"viele\"}", "not valid PageSnapshot JSON" },
        { "{\"schema\":1,\"pageId\":\"104857600000001\",\"pageName\":\"x\",\"capturedAt\":\"2026-11-27T09:00:00Z\",\"posts\":[{\"id\":\"p1\",\"createdTime\":\"2026-11-27T08:00:00Z\"}]}", "not valid PageSnapshot JSON" },
        { "{\"schema\":1,\"pageId\":\"104857600000001\",\"pageName\":\"x\",\"capturedAt\":\"2026-11-27T09:00:00Z\",\"parts\":1,\"posts\":[{\"id\":\"p1\",\"createdTime\":\"2026-11-27T08:00:00Z\",\"reactions\":{},\"comments\":-4}]}", "negative comment count" },
        { "{\"schema\":1,\"pageId\":\"104857600000001\",\"pageName\":\"x\",\"capturedAt\":\"2026-11-27T09:00:00Z\",\"parts\":2,\"part\":2,\"posts\":[]}", "part 2 of 2 is impossible" },
        { Valid(Now.AddHours(2)), "lies in the future" },
        // Values that can never be right (issue 11, item 7) and fields beyond their limits (item 5): parked at once.
        { Valid(Now.AddHours(-1)).Replace("\"followers\":1000", "\"followers\":1000000000001", StringComparison.Ordinal), "followers (1000000000001) lies outside 0 to 1000000000000" },
        { Valid(Now.AddHours(-1)).Replace("\"like\":3", "\"like\":100000000000000000", StringComparison.Ordinal), "a reaction count of post 104857600000001_1" },
        { Valid(Now.AddHours(-1)).Replace("\"createdTime\":\"2026-11-27T07:00:00+00:00\"", "\"createdTime\":\"0001-01-01T00:00:00Z\"", StringComparison.Ordinal), "before Facebook existed" },
        { Valid(Now.AddHours(-1)).Replace("\"insights\":[]", "\"insights\":[{\"metric\":\"page_follows\",\"endTime\":\"9999-12-31T08:00:00Z\",\"value\":3}]", StringComparison.Ordinal), "impossible end time 9999-12-31" },
        { Valid(Now.AddHours(-1)).Replace("\"followers\":1000", "\"followers\":1000,\"followers\":5", StringComparison.Ordinal), "Duplicate" },
        { Valid(Now.AddHours(-1)).Replace("\"id\":\"104857600000001_1\"", "\"id\":\"104857600000001_1\",\"permalink\":\"https://www.facebook.com/" + new string('p', 3000) + "\"", StringComparison.Ordinal), "longer than 2048 characters" },
        { Valid(Now.AddHours(-1)).Replace("104857600000001", "104857600000009", StringComparison.Ordinal), "page 104857600000009 is not configured" },
    };

    [Fact]
    public void The_bad_bodies_differ_from_a_valid_one()
    {
        // The replacements above must hit: otherwise a case would test a valid snapshot.
        Assert.All(BadBodies(), row => Assert.NotEqual(Valid(Now.AddHours(-1)), (string)row[0]));
    }

    [Fact]
    public async Task A_post_text_of_40000_characters_is_cut_at_decode_and_the_snapshot_is_applied()
    {
        var body = MessageCodec.Encode(new PageSnapshot
        {
            PageId = "104857600000001",
            PageName = "Kreis Soest",
            CapturedAt = Now.AddHours(-1),
            Posts = [new PostObservation { Id = "104857600000001_1", CreatedTime = Now.AddHours(-3), Message = new string('x', 40_000), Reactions = new ReactionCounts { Like = 2 } }],
        });
        var snapshots = _app.Queue(_app.Options.Queues.Snapshots);
        await snapshots.CreateIfNotExistsAsync();
        await snapshots.SendMessageAsync(body);

        await _app.DeliverAsync(_app.Options.Queues.Snapshots, m => _app.Get<AggregateSnapshot>().Run(m, CancellationToken.None));

        Assert.False(await _app.Queue(_app.Options.Queues.Snapshots + "-poison").ExistsAsync());
        var post = Assert.Single(await TestApp.RowsAsync(_app.Tables.PageDays, PageDayKinds.Observation), r => r.RowKey.Contains("_post_", StringComparison.Ordinal));
        Assert.Equal(new string('x', MessageSchema.MaxMessageLength), post.GetString("Message"));
        var archived = Assert.Single(await TestApp.RowsAsync(_app.Tables.PageDays, PageDayKinds.Archive));
        Assert.Equal(MessageSchema.MaxMessageLength, MessageCodec.DecodeSnapshot(Listening.Core.Storage.RawArchive.Decompress(archived.GetBinary("Payload")), Now).Posts[0].Message!.Length);
    }

    [Theory]
    [InlineData("\"since\":\"0001-01-01\",\"until\":\"2026-11-26\"", "since 0001-01-01 is before Facebook existed")]
    [InlineData("\"since\":\"2026-11-01\",\"until\":\"9999-12-31\"", "until 9999-12-31 lies in the future")]
    [InlineData("\"since\":\"2026-11-01\",\"since\":\"2026-11-02\"", "Duplicate")]
    public async Task A_pull_with_an_impossible_range_is_parked_on_first_delivery_with_its_reason(string range, string reason)
    {
        var body = "{\"schema\":1,\"pageId\":\"" + Listening.Core.Meta.Sample.DemoPage.PageId + "\",\"kind\":\"posts\",\"requestedAt\":\"2026-11-27T09:55:00Z\"," + range + "}";
        var pulls = _app.Queue(_app.Options.Queues.Pulls);
        await pulls.CreateIfNotExistsAsync();
        await pulls.SendMessageAsync(body);

        await _app.DeliverAsync(_app.Options.Queues.Pulls, m => _app.Get<PullPage>().Run(m, CancellationToken.None));

        var parked = (await _app.Queue(_app.Options.Queues.Pulls + "-poison").PeekMessagesAsync(10)).Value;
        Assert.Equal(body, Assert.Single(parked).Body.ToString());
        Assert.False(await _app.Queue(_app.Options.Queues.Snapshots).ExistsAsync()); // nothing was pulled
        var why = Assert.Single((await ListAsync()).Split('\n'), l => l.StartsWith("    why: ", StringComparison.Ordinal));
        Assert.Contains(reason, why, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_parked_message_with_a_lone_surrogate_escape_is_listed_beside_the_others()
    {
        // Parked by the host as it came (plain text, so never decoded) and, base64-encoded, after its tries.
        var azurite = (await SharedAzurite.GetAsync()).ConnectionString;
        var notifications = new QueueClient(azurite, _app.Options.Queues.Notifications + "-poison");
        await notifications.CreateIfNotExistsAsync();
        await notifications.SendMessageAsync("{\"key\":\"t:\\ud800\"}");
        await notifications.SendMessageAsync(Convert.ToBase64String(Encoding.UTF8.GetBytes("{\"key\":\"t:\\udc00x\",\"kind\":\"digest\"}")));
        var snapshots = new QueueClient(azurite, _app.Options.Queues.Snapshots + "-poison");
        await snapshots.CreateIfNotExistsAsync();
        await snapshots.SendMessageAsync(Convert.ToBase64String(Encoding.UTF8.GetBytes(Valid(Now.AddHours(-1)))));

        var listing = await ListAsync();

        Assert.Contains($"{_app.Options.Queues.Notifications}-poison: 2 message(s)", listing, StringComparison.Ordinal);
        Assert.Contains("key \"t:\\ud800\"", listing, StringComparison.Ordinal);
        Assert.Contains("kind digest, key \"t:\\udc00x\"", listing, StringComparison.Ordinal);
        Assert.Contains("why: " + PoisonQueues.NotDecodable, listing, StringComparison.Ordinal);
        Assert.Contains("could not be decoded", listing, StringComparison.Ordinal);
        Assert.Contains($"{_app.Options.Queues.Snapshots}-poison: 1 message(s)", listing, StringComparison.Ordinal);
        Assert.Equal(3, listing.Split('\n').Count(l => l.StartsWith("    why: ", StringComparison.Ordinal)));
    }

    [Theory]
    [MemberData(nameof(BadBodies))]
    public async Task A_bad_snapshot_is_parked_with_one_log_line_naming_id_and_reason_and_writes_nothing(string body, string reason)
    {
        var snapshots = _app.Queue(_app.Options.Queues.Snapshots);
        await snapshots.CreateIfNotExistsAsync();
        var messageId = (await snapshots.SendMessageAsync(body)).Value.MessageId;
        await _app.DeliverAsync(_app.Options.Queues.Snapshots, m => _app.Get<AggregateSnapshot>().Run(m, CancellationToken.None));

        var parked = (await _app.Queue(_app.Options.Queues.Snapshots + "-poison").PeekMessagesAsync(10)).Value;
        Assert.Equal(body, Assert.Single(parked).Body.ToString());
        // One line of ours (the storage SDK's own request logging names the message too, at Information).
        var line = Assert.Single(_app.Logs!.GetSnapshot(),
            r => r.Category?.StartsWith("Listening.", StringComparison.Ordinal) == true && r.Message.Contains(messageId, StringComparison.Ordinal));
        Assert.Equal(LogLevel.Error, line.Level);
        Assert.Contains(reason, line.Message, StringComparison.Ordinal);
        await _app.Tables.EnsureCreatedAsync(CancellationToken.None);
        Assert.Empty(await TestApp.RowsAsync(_app.Tables.PageDays, PageDayKinds.Archive));
        Assert.Empty(await TestApp.RowsAsync(_app.Tables.PageDays, PageDayKinds.Observation));
        Assert.Empty(await TestApp.RowsAsync(_app.Tables.PageDays, PageDayKinds.Summary));

        var listing = await ListAsync();
        Assert.Contains($"{_app.Options.Queues.Snapshots}-poison: 1 message(s)", listing, StringComparison.Ordinal);
        var why = Assert.Single(listing.Split('\n'), l => l.StartsWith("    why: ", StringComparison.Ordinal));
        Assert.Contains(reason, why, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_oversized_snapshot_cannot_enter_the_queue_and_the_codec_refuses_it_too()
    {
        // More than 48 KiB of payload is more than 64 KiB in base64: the queue refuses it at the producer, so it
        // can never be half-applied; the codec refuses it anyway, for anything that skips the queue.
        var body = Valid(Now.AddHours(-1)).Replace("\"Kreis Soest\"", "\"" + new string('x', 50_000) + "\"", StringComparison.Ordinal);
        var snapshots = _app.Queue(_app.Options.Queues.Snapshots);
        await snapshots.CreateIfNotExistsAsync();

        var refused = await Assert.ThrowsAsync<Azure.RequestFailedException>(() => snapshots.SendMessageAsync(body));
        var rejected = Assert.Throws<InvalidMessageException>(() => MessageCodec.DecodeSnapshot(body, Now));

        Assert.Equal(413, refused.Status);
        Assert.Contains("larger than 49152 bytes", rejected.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task After_a_fix_poison_retry_requeues_and_the_message_goes_through()
    {
        var snapshots = _app.Queue(_app.Options.Queues.Snapshots);
        await snapshots.CreateIfNotExistsAsync();
        await snapshots.SendMessageAsync(Valid(Now.AddHours(1)));
        await snapshots.SendMessageAsync("{broken");
        await _app.DeliverAsync(_app.Options.Queues.Snapshots, m => _app.Get<AggregateSnapshot>().Run(m, CancellationToken.None));
        Assert.Contains("lies in the future", await ListAsync(), StringComparison.Ordinal);

        // The fix: the instance whose clock ran behind is right again.
        _app.Time.Advance(TimeSpan.FromHours(2));
        var output = new StringWriter();
        Assert.Equal(0, await OperationsCommands.RetryAsync("snapshots-" + _app.Suffix, false, output, CancellationToken.None, _app.Services));
        Assert.Contains("2 message(s) requeued", output.ToString(), StringComparison.Ordinal);
        Assert.Empty((await _app.Queue(_app.Options.Queues.Snapshots + "-poison").PeekMessagesAsync(10)).Value);

        await _app.DeliverAsync(_app.Options.Queues.Snapshots, m => _app.Get<AggregateSnapshot>().Run(m, CancellationToken.None));

        Assert.Single(await TestApp.RowsAsync(_app.Tables.PageDays, PageDayKinds.Archive));
        Assert.Single(await TestApp.RowsAsync(_app.Tables.PageDays, PageDayKinds.Summary));
        var listing = await ListAsync();
        Assert.Contains($"{_app.Options.Queues.Snapshots}-poison: 1 message(s)", listing, StringComparison.Ordinal); // the broken one is back
        Assert.DoesNotContain("future", listing, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_message_that_keeps_failing_is_parked_after_five_tries_and_retried_once_storage_is_back()
    {
        var snapshots = _app.Queue(_app.Options.Queues.Snapshots);
        await snapshots.CreateIfNotExistsAsync();
        await snapshots.SendMessageAsync(Valid(Now.AddHours(-1)));
        await _app.Tables.EnsureCreatedAsync(CancellationToken.None);
        await _app.Tables.PageDays.DeleteAsync(); // an outage of one table: every try fails

        var drained = await _app.Get<QueueDrain>().RunAsync(CancellationToken.None);

        Assert.Equal(QueueDrain.MaxDequeueCount, drained.Failures.Count);
        Assert.Equal(1, drained.Poisoned[_app.Options.Queues.Snapshots]);
        var listing = await ListAsync();
        Assert.Contains("why: failed 5 times; last error: ", listing, StringComparison.Ordinal);
        Assert.Contains("page 104857600000001, captured 2026-11-27T09:00:00+00:00, 1 posts", listing, StringComparison.Ordinal);

        await _app.Tables.PageDays.CreateIfNotExistsAsync();
        await OperationsCommands.RetryAsync(null, false, TextWriter.Null, CancellationToken.None, _app.Services);
        drained = await _app.Get<QueueDrain>().RunAsync(CancellationToken.None);

        Assert.Equal(1, drained.Done[_app.Options.Queues.Snapshots]);
        Assert.Equal(2, (await TestApp.RowsAsync(_app.Tables.PageDays, PageDayKinds.Observation)).Count);
        Assert.Contains("-poison: empty", await ListAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Messages_the_host_parked_show_why_as_far_as_it_is_known_and_retry_encodes_plain_text()
    {
        // The host parks messages after its tries without a reason, and plain-text ones (not base64) at once.
        var poison = new QueueClient((await SharedAzurite.GetAsync()).ConnectionString, _app.Options.Queues.Snapshots + "-poison");
        await poison.CreateIfNotExistsAsync();
        await poison.SendMessageAsync(Convert.ToBase64String(Encoding.UTF8.GetBytes(Valid(Now.AddHours(-3), likes: 1))));
        await poison.SendMessageAsync(Valid(Now.AddHours(-2), likes: 2));

        var listing = await ListAsync();

        Assert.Contains("why: " + PoisonQueues.FailedRepeatedly, listing, StringComparison.Ordinal);
        Assert.Contains("why: " + PoisonQueues.NotDecodable, listing, StringComparison.Ordinal);

        await OperationsCommands.RetryAsync("snapshots-" + _app.Suffix, false, TextWriter.Null, CancellationToken.None, _app.Services);
        var delivered = await _app.DeliverAsync(_app.Options.Queues.Snapshots, m => _app.Get<AggregateSnapshot>().Run(m, CancellationToken.None));

        Assert.Equal(2, delivered);
        Assert.Equal(2, (await TestApp.RowsAsync(_app.Tables.PageDays, PageDayKinds.Archive)).Count);
    }

    [Fact]
    public async Task An_unknown_queue_name_is_refused_with_the_known_ones()
    {
        var error = Console.Error;
        var captured = new StringWriter();
        Console.SetError(captured);
        try
        {
            Assert.Equal(2, await OperationsCommands.RetryAsync("snapshot", false, TextWriter.Null, CancellationToken.None, _app.Services));
        }
        finally
        {
            Console.SetError(error);
        }

        Assert.Contains("Unknown queue 'snapshot': use one of pulls-", captured.ToString(), StringComparison.Ordinal);
    }

    private async Task<string> ListAsync()
    {
        var output = new StringWriter();
        Assert.Equal(0, await OperationsCommands.ListAsync(false, output, CancellationToken.None, _app.Services));
        return output.ToString();
    }
}
