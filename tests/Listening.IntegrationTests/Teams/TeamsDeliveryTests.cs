using System.Text.Json.Nodes;
using Listening.Core.Notifications;
using Listening.Core.Notifications.Alerts;
using Listening.Core.Contracts;
using Listening.Core.Storage;
using Listening.Functions;
using Listening.IntegrationTests.Infrastructure;
using Listening.Core.Notifications.Teams;

namespace Listening.IntegrationTests.Teams;

/// <summary>
/// Notifications through the real queue and the SendNotification function to a webhook fake on 127.0.0.1 that
/// answers 202, 429 with Retry-After, 500, 400 or not in time.
/// </summary>
public sealed class TeamsDeliveryTests : IAsyncLifetime
{
    private static readonly DateTimeOffset Now = new(2026, 11, 27, 9, 0, 0, TimeSpan.Zero);
    private FakeTeamsWebhook _teams = null!;
    private TestApp _app = null!;

    public async Task InitializeAsync()
    {
        _teams = await FakeTeamsWebhook.StartAsync();
        _app = await TestApp.StartAsync(Now, new Dictionary<string, string?>
        {
            ["Listening:Teams:WebhookUrl"] = _teams.Url("presse"),
            ["Listening:Teams:Channels:krisenstab:WebhookUrl"] = _teams.Url("krisenstab", "CrisisSecretSig"),
            ["Listening:Teams:Channels:altkanal:WebhookUrl"] = _teams.Url("altkanal", "LegacySecretSig"),
            ["Listening:Teams:Channels:altkanal:Format"] = "messagecard",
            ["Listening:Teams:Routes:crisis"] = "krisenstab,default",
            ["Listening:Teams:Routes:stalled"] = "altkanal",
            ["Listening:Teams:Channels:ohneurl:WebhookUrl"] = "",
            ["Listening:Teams:Routes:token-lapsing"] = "default,ohneurl",
            ["Listening:Teams:MaxAttempts"] = "3",
            ["Listening:Teams:RetryBaseSeconds"] = "1",
            ["Listening:Teams:TimeoutSeconds"] = "1",
        });
    }

    public async Task DisposeAsync()
    {
        await _app.DisposeAsync();
        await _teams.DisposeAsync();
    }

    [Fact]
    public async Task Duplicated_and_redelivered_messages_post_once()
    {
        var message = Message("milestone:104857600000001:followers:1000", AlertKinds.Milestone);
        await PublishAsync(message);
        await PublishAsync(message);
        Assert.Equal(2, await SendAllAsync());

        // The host redelivers a message it thinks failed (the function ran, the delete got lost).
        await PublishAsync(message);
        await SendAllAsync();

        Assert.Single(_teams.Delivered("presse"));
        Assert.Single(_teams.Requests);
        Assert.Contains(_app.Logs!.GetSnapshot(), r => r.Message.Contains("was already sent to channel default", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Two_copies_handled_at_once_while_Teams_is_slow_post_once_and_the_second_looks_again_later()
    {
        _teams.Script(FakeTeamsWebhook.Answer.Slow, FakeTeamsWebhook.Answer.Slow);
        var message = Message("takeoff:104857600000001:p1", AlertKinds.TakeOff);
        await PublishAsync(message);
        await PublishAsync(message);
        var queue = _app.Queue(_app.Options.Queues.Notifications);
        var batch = (await queue.ReceiveMessagesAsync(32, TimeSpan.FromSeconds(60))).Value;
        Assert.Equal(2, batch.Length);

        // Two instances, one message each, at the same time (before claims, both posted).
        await Task.WhenAll(batch.Select(m => Task.Run(() => _app.Get<SendNotification>().Run(m, CancellationToken.None))));

        Assert.Single(_teams.Requests);
        Assert.Single(_teams.Delivered("presse"));
        foreach (var handled in batch)
        {
            await queue.DeleteMessageAsync(handled.MessageId, handled.PopReceipt);
        }

        // The second copy went back on the queue (invisible until the first one's claim would have run out).
        Assert.Equal(1, (await queue.GetPropertiesAsync()).Value.ApproximateMessagesCount);
        Assert.Contains(_app.Logs!.GetSnapshot(), r => r.Message.Contains("is being posted to channel default by another delivery", StringComparison.Ordinal));

        // When it comes back, the first copy's record says it went out.
        var report = await _app.Get<NotificationDispatcher>().DeliverAsync(message with { Attempt = 1 }, CancellationToken.None);
        Assert.Equal([("default", DeliveryOutcome.AlreadySent)], report.Channels);
        Assert.Single(_teams.Requests);
    }

    [Fact]
    public async Task A_claim_left_by_a_delivery_that_died_is_taken_over_once_it_ran_out()
    {
        var deliveries = _app.Get<IDeliveryLog>();
        var lease = NotificationDispatcher.ClaimLease(_app.Options.Teams);

        // A live claim (another instance is posting now): this copy posts nothing.
        Assert.Equal(DeliveryClaim.Claimed, await deliveries.TryClaimAsync("default", "digest:live", AlertKinds.Digest, Now, lease, CancellationToken.None));
        var live = await _app.Get<NotificationDispatcher>().DeliverAsync(Message("digest:live", AlertKinds.Digest), CancellationToken.None);
        Assert.Equal([("default", DeliveryOutcome.Failed)], live.Channels);
        Assert.Empty(_teams.Requests);

        // A claim whose holder died before its lease ran out: taken over and posted, once.
        Assert.Equal(DeliveryClaim.Claimed, await deliveries.TryClaimAsync("default", "digest:dead", AlertKinds.Digest, Now - lease - TimeSpan.FromSeconds(1), lease, CancellationToken.None));
        var dead = await _app.Get<NotificationDispatcher>().DeliverAsync(Message("digest:dead", AlertKinds.Digest), CancellationToken.None);
        Assert.Equal([("default", DeliveryOutcome.Sent)], dead.Channels);
        Assert.True(await deliveries.WasSentAsync("default", "digest:dead", CancellationToken.None));
        Assert.Equal(DeliveryClaim.AlreadySent, await deliveries.TryClaimAsync("default", "digest:dead", AlertKinds.Digest, Now, lease, CancellationToken.None));
        Assert.Single(_teams.Delivered("presse"));

        // A record of an earlier version (no state) counts as sent.
        var table = _app.Get<ListeningStorage>().Tables.NotificationLog;
        await table.UpsertEntityAsync(new Azure.Data.Tables.TableEntity(NotificationKeys.SentPartition("default"), NotificationKeys.Hash("digest:old")) { ["Key"] = "digest:old", ["SentAt"] = Now });
        Assert.True(await deliveries.WasSentAsync("default", "digest:old", CancellationToken.None));
        Assert.Equal(DeliveryClaim.AlreadySent, await deliveries.TryClaimAsync("default", "digest:old", AlertKinds.Digest, Now, lease, CancellationToken.None));
    }

    [Fact]
    public async Task Too_many_requests_waits_for_retry_after_then_posts_once()
    {
        _teams.Script(FakeTeamsWebhook.Answer.TooManyRequests(retryAfterSeconds: 3));
        await PublishAsync(Message("digest:2026-11-26", AlertKinds.Digest));

        Assert.Equal(1, await SendAllAsync());
        Assert.Empty(_teams.Delivered());

        // Back on the queue, invisible for at least Retry-After.
        var queue = _app.Queue(_app.Options.Queues.Notifications);
        Assert.Empty((await queue.ReceiveMessagesAsync(1)).Value);
        Assert.Equal(1, (await queue.GetPropertiesAsync()).Value.ApproximateMessagesCount);

        var retried = await ReceiveWhenVisibleAsync();
        Assert.Equal(1, retried.Attempt);
        Assert.Contains("HTTP 429", retried.LastError, StringComparison.Ordinal);
        Assert.Contains("Retry-After 3 s", retried.LastError, StringComparison.Ordinal);

        Assert.Equal(1, await SendWhenVisibleAsync());
        Assert.Single(_teams.Delivered());
        AssertNoSecretInLogs();
    }

    [Fact]
    public async Task Server_errors_are_retried_and_end_in_the_poison_queue_with_the_reason()
    {
        _teams.Script(FakeTeamsWebhook.Answer.ServerError, FakeTeamsWebhook.Answer.ServerError, FakeTeamsWebhook.Answer.ServerError);
        await PublishAsync(Message("digest:2026-11-26", AlertKinds.Digest));

        await SendAllAsync();
        await SendWhenVisibleAsync();
        await SendWhenVisibleAsync();

        Assert.Equal(3, _teams.Requests.Count);
        Assert.Empty(_teams.Delivered());
        var parked = await PoisonAsync();
        Assert.Equal(3, parked.Attempt);
        Assert.Contains("HTTP 500", parked.LastError, StringComparison.Ordinal);
        Assert.Contains("Gave up after 3 attempts", parked.LastError, StringComparison.Ordinal);
        Assert.Contains(_app.Logs!.GetSnapshot(), r => r.Message.Contains("moved to the poison queue", StringComparison.Ordinal)
            && r.Message.Contains("Teams channel default answered HTTP 500", StringComparison.Ordinal));
        AssertNoSecretInLogs();
    }

    [Fact]
    public async Task A_webhook_that_does_not_answer_in_time_is_retried()
    {
        _teams.Script(FakeTeamsWebhook.Answer.Hang);
        await PublishAsync(Message("digest:2026-11-26", AlertKinds.Digest));

        await SendAllAsync();
        var retried = await ReceiveWhenVisibleAsync();
        Assert.Contains("did not answer within 1 s", retried.LastError, StringComparison.Ordinal);

        Assert.Equal(1, await SendWhenVisibleAsync());
        Assert.Single(_teams.Delivered());
    }

    [Fact]
    public async Task A_refused_payload_goes_to_the_poison_queue_at_once()
    {
        _teams.Script(FakeTeamsWebhook.Answer.BadRequest);
        await PublishAsync(Message("digest:2026-11-26", AlertKinds.Digest));

        await SendAllAsync();

        var parked = await PoisonAsync();
        Assert.Equal(1, parked.Attempt);
        Assert.Contains("will not change by retrying", parked.LastError, StringComparison.Ordinal);
        Assert.Equal(0, (await _app.Queue(_app.Options.Queues.Notifications).GetPropertiesAsync()).Value.ApproximateMessagesCount);
    }

    [Fact]
    public async Task An_invalid_workflows_payload_is_never_sent()
    {
        var message = Message("digest:2026-11-26", AlertKinds.Digest) with { Payload = new JsonObject { ["type"] = "message", ["attachments"] = new JsonArray() } };
        await PublishAsync(message);

        await SendAllAsync();

        Assert.Empty(_teams.Requests);
        Assert.Contains("attachments is missing or empty", (await PoisonAsync()).LastError, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Alert_kinds_follow_their_routes_and_a_legacy_channel_gets_a_message_card()
    {
        await PublishAsync(Message("crisis:104857600000001:p1", AlertKinds.Crisis));
        await PublishAsync(Message("stalled:104857600000001:x", AlertKinds.Stalled));
        await PublishAsync(Message("milestone:104857600000001:likes:1000", AlertKinds.Milestone));

        await SendAllAsync();

        Assert.Single(_teams.Delivered("krisenstab"));
        Assert.Equal(2, _teams.Delivered("presse").Count);
        var legacy = Assert.Single(_teams.Delivered("altkanal"));
        Assert.Equal("MessageCard", (string?)legacy["@type"]);
        Assert.Equal("Testwarnung", (string?)legacy["title"]);
    }

    [Fact]
    public async Task A_channel_that_failed_is_retried_without_posting_again_to_the_one_that_worked()
    {
        // Channels are tried in route order: krisenstab first, then default.
        _teams.Script(FakeTeamsWebhook.Answer.ServerError);
        await PublishAsync(Message("crisis:104857600000001:p2", AlertKinds.Crisis));

        await SendAllAsync();
        Assert.Empty(_teams.Delivered("krisenstab"));
        Assert.Single(_teams.Delivered("presse"));

        await SendWhenVisibleAsync();
        Assert.Single(_teams.Delivered("krisenstab"));
        Assert.Single(_teams.Delivered("presse"));
    }

    [Fact]
    public async Task A_notification_for_a_channel_that_is_not_configured_is_parked_with_that_reason()
    {
        const string key = "milestone:104857600000001:followers:5000";
        await PublishAsync(Message(key, AlertKinds.Milestone) with { Channel = "pressesprecher" });

        Assert.Equal(1, await SendAllAsync());

        Assert.Empty(_teams.Requests);
        var parked = await PoisonAsync();
        Assert.Contains("Teams channel pressesprecher is not configured", parked.LastError, StringComparison.Ordinal);
        Assert.False(await _app.Get<NotificationDispatcher>().WasSentAsync("pressesprecher", key, CancellationToken.None));
        var reason = Assert.Single(await _app.Get<PoisonLog>().ReasonsAsync(_app.Options.Queues.Notifications, CancellationToken.None)).Value;
        Assert.Contains("Teams channel pressesprecher is not configured", reason.Reason, StringComparison.Ordinal);

        // One log line, naming the message id and the reason.
        var line = Assert.Single(_app.Logs!.GetSnapshot(), r => r.Category?.StartsWith("Listening.", StringComparison.Ordinal) == true
            && r.Message.Contains("pressesprecher", StringComparison.Ordinal));
        Assert.Contains("moved to the poison queue", line.Message, StringComparison.Ordinal);
        Assert.Contains(reason.MessageId, line.Message, StringComparison.Ordinal);
        Assert.Contains("is not configured", line.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_route_to_a_channel_without_a_webhook_posts_to_the_others_and_parks_the_message()
    {
        await PublishAsync(Message("token-lapsing:104857600000001:token", AlertKinds.TokenLapsing));

        await SendAllAsync();

        Assert.Single(_teams.Delivered("presse"));
        var parked = await PoisonAsync();
        Assert.Contains("Teams channel ohneurl is not configured", parked.LastError, StringComparison.Ordinal);
        Assert.Contains("will not change by retrying", parked.LastError, StringComparison.Ordinal);
        Assert.Equal(0, (await _app.Queue(_app.Options.Queues.Notifications).GetPropertiesAsync()).Value.ApproximateMessagesCount);

        // Retried after a fix (here: still unfixed), the channel that took it is not posted to again.
        await PublishAsync(parked);
        await SendAllAsync();
        Assert.Single(_teams.Delivered("presse"));
    }

    private static NotificationMessage Message(string key, string kind) => new()
    {
        Key = key,
        Kind = kind,
        Payload = WorkflowsPayload.Wrap(AlertCardBuilder.Build(new Alert
        {
            Kind = kind,
            Key = key,
            PageId = "104857600000001",
            PageName = "Kreis Soest",
            Title = "Testwarnung",
            Text = "Ein Test.",
            RaisedAt = Now,
        }, "Europe/Berlin")),
    };

    private Task PublishAsync(NotificationMessage message) => _app.Get<IQueuePublisher>().PublishAsync(message, CancellationToken.None);

    /// <summary>
    /// One pass over the visible messages, as one poll of the host would do. Not a loop until empty: a retried
    /// message comes back after its (short, in these tests) backoff and must not be taken in the same pass.
    /// </summary>
    private async Task<int> SendAllAsync()
    {
        var queue = _app.Queue(_app.Options.Queues.Notifications);
        await queue.CreateIfNotExistsAsync();
        var batch = (await queue.ReceiveMessagesAsync(32, TimeSpan.FromSeconds(60))).Value;
        foreach (var message in batch)
        {
            await _app.Get<SendNotification>().Run(message, CancellationToken.None);
            await queue.DeleteMessageAsync(message.MessageId, message.PopReceipt);
        }

        return batch.Length;
    }

    /// <summary>Waits (bounded) until a delayed message is visible again, then delivers.</summary>
    private async Task<int> SendWhenVisibleAsync()
    {
        for (var i = 0; i < 300; i++)
        {
            var sent = await SendAllAsync();
            if (sent > 0)
            {
                return sent;
            }

            await Task.Delay(TimeSpan.FromMilliseconds(200));
        }

        throw new TimeoutException("The retried notification did not come back within 60 s. Log: "
            + string.Join(" | ", _app.Logs!.GetSnapshot().Select(r => r.Message)));
    }

    private async Task<NotificationMessage> ReceiveWhenVisibleAsync()
    {
        var queue = _app.Queue(_app.Options.Queues.Notifications);
        for (var i = 0; i < 300; i++)
        {
            var peeked = (await queue.PeekMessagesAsync(1)).Value;
            if (peeked.Length > 0)
            {
                return MessageCodec.DecodeNotification(peeked[0].Body.ToString());
            }

            await Task.Delay(TimeSpan.FromMilliseconds(200));
        }

        throw new TimeoutException("The retried notification did not come back within 60 s.");
    }

    private async Task<NotificationMessage> PoisonAsync()
    {
        var parked = (await _app.Queue(_app.Options.Queues.Notifications + "-poison").PeekMessagesAsync(10)).Value;
        var message = Assert.Single(parked);
        Assert.DoesNotContain("sig=", message.Body.ToString(), StringComparison.Ordinal);
        return MessageCodec.DecodeNotification(message.Body.ToString());
    }

    private void AssertNoSecretInLogs()
    {
        foreach (var record in _app.Logs!.GetSnapshot())
        {
            var text = record.Message + " " + record.Exception;
            Assert.DoesNotContain("SecretSig", text, StringComparison.Ordinal);
            Assert.DoesNotContain("sig=", text, StringComparison.Ordinal);
        }
    }
}
