using System.Net;
using Listening.Core.Configuration;
using Listening.Core.Contracts;
using Listening.Core.Notifications;
using Listening.Core.Notifications.Alerts;
using Listening.Core.Storage;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using NSubstitute;
using Listening.Core.Notifications.Teams;

namespace Listening.Core.Tests.Notifications;

/// <summary>The dispatcher's branches against substituted stores and a Teams stand-in; Azurite and a real server: IntegrationTests/Teams.</summary>
public sealed class NotificationDispatcherTests : IDisposable
{
    private const string Key = "milestone:104857600000001:followers:1000";

    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 11, 27, 9, 15, 0, TimeSpan.Zero));
    private readonly IDeliveryLog _deliveries = Substitute.For<IDeliveryLog>();
    private readonly INotificationRetries _retries = Substitute.For<INotificationRetries>();
    private readonly TeamsStandIn _teams = new();
    private readonly HttpClient _http;
    private readonly ListeningOptions _options = new()
    {
        Teams = new TeamsOptions
        {
            WebhookUrl = "https://teams.example.org/workflows/default?sig=secret",
            Channels = new(StringComparer.OrdinalIgnoreCase)
            {
                ["Pressesprecher"] = new TeamsChannelOptions { WebhookUrl = "https://teams.example.org/workflows/press?sig=secret", Format = TeamsFormats.MessageCard },
            },
        },
    };

    public NotificationDispatcherTests() => _http = new HttpClient(_teams, disposeHandler: false);

    public void Dispose()
    {
        _http.Dispose();
        _teams.Dispose();
    }

    [Fact]
    public async Task A_notification_Teams_takes_is_sent_and_recorded_for_its_channel()
    {
        var outcome = await Dispatcher().DispatchAsync(Message(), CancellationToken.None);

        Assert.Equal(DeliveryOutcome.Sent, outcome);
        Assert.Equal("https://teams.example.org/workflows/default?sig=secret", Assert.Single(_teams.Posts).Uri.ToString());
        await _deliveries.Received(1).RecordSentAsync("default", Key, AlertKinds.Milestone, _time.GetUtcNow(), 1, Arg.Any<CancellationToken>());
        await _retries.DidNotReceiveWithAnyArgs().SendLaterAsync(default!, default, default);
    }

    [Fact]
    public async Task A_notification_already_sent_to_the_channel_is_dropped_without_a_post()
    {
        _deliveries.TryClaimAsync("default", Key, Arg.Any<string>(), Arg.Any<DateTimeOffset>(), Arg.Any<TimeSpan>(), Arg.Any<CancellationToken>()).Returns(DeliveryClaim.AlreadySent);

        var outcome = await Dispatcher().DispatchAsync(Message(), CancellationToken.None);

        Assert.Equal(DeliveryOutcome.AlreadySent, outcome);
        Assert.Empty(_teams.Posts);
        await _deliveries.DidNotReceiveWithAnyArgs().RecordSentAsync(default!, default!, default!, default, default, default);
    }

    [Fact]
    public async Task A_copy_that_finds_another_delivery_posting_it_now_posts_nothing_and_looks_again_after_the_claim()
    {
        _deliveries.TryClaimAsync(default!, default!, default!, default, default, default).ReturnsForAnyArgs(DeliveryClaim.InProgress);

        var outcome = await Dispatcher().DispatchAsync(Message(), CancellationToken.None);

        Assert.Equal(DeliveryOutcome.Retrying, outcome);
        Assert.Empty(_teams.Posts);
        await _retries.Received(1).SendLaterAsync(
            Arg.Is<NotificationMessage>(m => m.Attempt == 1 && m.LastError!.Contains("Another delivery of this notification to Teams channel default was still running.", StringComparison.Ordinal)),
            NotificationDispatcher.ClaimLease(_options.Teams),
            Arg.Any<CancellationToken>());
        await _deliveries.DidNotReceiveWithAnyArgs().RecordSentAsync(default!, default!, default!, default, default, default);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task A_post_that_failed_gives_its_claim_back_for_the_next_try(bool timeout)
    {
        _teams.Answer = _ => timeout ? throw new TaskCanceledException("timed out", new TimeoutException()) : new HttpResponseMessage(HttpStatusCode.BadGateway);

        var outcome = await Dispatcher().DispatchAsync(Message(), CancellationToken.None);

        Assert.Equal(DeliveryOutcome.Retrying, outcome);
        await _deliveries.Received(1).ReleaseAsync("default", Key, _time.GetUtcNow(), Arg.Any<CancellationToken>());
        await _deliveries.DidNotReceiveWithAnyArgs().RecordSentAsync(default!, default!, default!, default, default, default);
    }

    [Fact]
    public async Task Teams_asking_to_wait_puts_the_message_back_no_sooner_than_its_retry_after()
    {
        _teams.Answer = _ => Refusal(HttpStatusCode.TooManyRequests, TimeSpan.FromMinutes(10));

        var outcome = await Dispatcher().DispatchAsync(Message(), CancellationToken.None);

        Assert.Equal(DeliveryOutcome.Retrying, outcome);
        await _retries.Received(1).SendLaterAsync(
            Arg.Is<NotificationMessage>(m => m.Key == Key && m.Attempt == 1 && m.LastError!.Contains("HTTP 429", StringComparison.Ordinal)),
            TimeSpan.FromMinutes(10),
            Arg.Any<CancellationToken>());
        await _deliveries.DidNotReceiveWithAnyArgs().RecordSentAsync(default!, default!, default!, default, default, default);
    }

    [Fact]
    public async Task A_server_error_on_the_last_attempt_parks_the_message_with_the_count()
    {
        _teams.Answer = _ => new HttpResponseMessage(HttpStatusCode.BadGateway);

        var ex = await Assert.ThrowsAsync<NotificationUndeliverableException>(() =>
            Dispatcher().DispatchAsync(Message() with { Attempt = _options.Teams.MaxAttempts - 1 }, CancellationToken.None));

        Assert.Contains("HTTP 502", ex.Message, StringComparison.Ordinal);
        Assert.Contains($"Gave up after {_options.Teams.MaxAttempts} attempts.", ex.Message, StringComparison.Ordinal);
        Assert.Equal(_options.Teams.MaxAttempts, MessageCodec.DecodeNotification(ex.ParkedBody!).Attempt);
        await _retries.DidNotReceiveWithAnyArgs().SendLaterAsync(default!, default, default);
    }

    [Fact]
    public async Task Teams_refusing_for_good_parks_the_message_at_once()
    {
        _teams.Answer = _ => new HttpResponseMessage(HttpStatusCode.Forbidden);

        var ex = await Assert.ThrowsAsync<NotificationUndeliverableException>(() => Dispatcher().DispatchAsync(Message(), CancellationToken.None));

        Assert.Contains("HTTP 403", ex.Message, StringComparison.Ordinal);
        Assert.Contains("This will not change by retrying (attempt 1).", ex.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("sig=", ex.Message, StringComparison.Ordinal);
        await _retries.DidNotReceiveWithAnyArgs().SendLaterAsync(default!, default, default);
    }

    [Fact]
    public async Task A_named_channel_without_a_webhook_is_parked_with_the_setting_to_fix()
    {
        var ex = await Assert.ThrowsAsync<NotificationUndeliverableException>(() =>
            Dispatcher().DispatchAsync(Message() with { Channel = "krisenstab" }, CancellationToken.None));

        Assert.Contains("Teams channel krisenstab is not configured (set Listening:Teams:Channels:krisenstab:WebhookUrl", ex.Message, StringComparison.Ordinal);
        Assert.Empty(_teams.Posts);
    }

    [Fact]
    public async Task Without_a_default_webhook_nothing_is_sent_and_nothing_is_parked()
    {
        _options.Teams.WebhookUrl = null;

        var outcome = await Dispatcher().DispatchAsync(Message(), CancellationToken.None);

        Assert.Equal(DeliveryOutcome.NoChannel, outcome);
        Assert.Empty(_teams.Posts);
        await _retries.DidNotReceiveWithAnyArgs().SendLaterAsync(default!, default, default);
    }

    [Fact]
    public async Task A_route_to_two_channels_skips_the_one_that_had_it_and_sends_the_other_as_a_message_card()
    {
        _options.Teams.Routes[AlertKinds.Milestone] = "default,pressesprecher";
        _deliveries.TryClaimAsync("default", Key, Arg.Any<string>(), Arg.Any<DateTimeOffset>(), Arg.Any<TimeSpan>(), Arg.Any<CancellationToken>()).Returns(DeliveryClaim.AlreadySent);

        var report = await Dispatcher().DeliverAsync(Message(), CancellationToken.None);

        Assert.Equal([("default", DeliveryOutcome.AlreadySent), ("pressesprecher", DeliveryOutcome.Sent)], report.Channels);
        var post = Assert.Single(_teams.Posts);
        Assert.Contains("/press", post.Uri.AbsolutePath, StringComparison.Ordinal);
        Assert.Contains("\"@type\":\"MessageCard\"", post.Body, StringComparison.Ordinal);
        await _deliveries.Received(1).RecordSentAsync("pressesprecher", Key, AlertKinds.Milestone, _time.GetUtcNow(), 1, Arg.Any<CancellationToken>());
    }

    [Fact]
    public async Task The_cli_path_waits_once_for_a_short_retry_after_and_tries_again()
    {
        var answers = new Queue<HttpResponseMessage>([Refusal(HttpStatusCode.TooManyRequests, TimeSpan.FromSeconds(20)), new HttpResponseMessage(HttpStatusCode.Accepted)]);
        _teams.Answer = _ => answers.Dequeue();

        var delivery = Dispatcher().DeliverNowAsync(Message(), CancellationToken.None);
        for (var turn = 0; turn < 1_000 && _teams.Posts.Count < 1; turn++)
        {
            await Task.Yield();
        }

        Assert.False(delivery.IsCompleted);
        _time.Advance(TimeSpan.FromSeconds(20));
        var report = await delivery;

        Assert.Equal(DeliveryOutcome.Sent, report.Outcome);
        Assert.Equal(2, _teams.Posts.Count);
    }

    [Fact]
    public async Task The_cli_path_reports_a_long_retry_after_at_once()
    {
        _teams.Answer = _ => Refusal(HttpStatusCode.TooManyRequests, NotificationDispatcher.MaxWaitNow + TimeSpan.FromSeconds(1));

        var report = await Dispatcher().DeliverNowAsync(Message(), CancellationToken.None);

        Assert.Equal(DeliveryOutcome.Failed, report.Outcome);
        Assert.Single(_teams.Posts);
        Assert.Equal(429, Assert.Single(report.Failures).Status);
    }

    private NotificationDispatcher Dispatcher()
    {
        var options = Options.Create(_options);
        return new NotificationDispatcher(
            new TeamsWebhookSender(_http, _time), new TeamsChannels(options), _deliveries, _retries, options, _time,
            NullLogger<NotificationDispatcher>.Instance);
    }

    private static NotificationMessage Message() => new()
    {
        Key = Key,
        Kind = AlertKinds.Milestone,
        Payload = WorkflowsPayload.Wrap(AlertCardBuilder.Build(new Alert
        {
            Kind = AlertKinds.Milestone,
            Key = Key,
            PageId = "104857600000001",
            PageName = "Kreis Soest",
            Title = "Meilenstein: 1.000 Follower",
            Text = "Kreis Soest hat 1.000 Follower erreicht.",
            Severity = AlertSeverity.Good,
            RaisedAt = new DateTimeOffset(2026, 11, 27, 9, 0, 0, TimeSpan.Zero),
        }, "Europe/Berlin")),
    };

    private static HttpResponseMessage Refusal(HttpStatusCode status, TimeSpan retryAfter)
    {
        var response = new HttpResponseMessage(status);
        response.Headers.RetryAfter = new System.Net.Http.Headers.RetryConditionHeaderValue(retryAfter);
        return response;
    }

    /// <summary>Answers every post with <see cref="Answer"/> (202 unless told) and keeps what was posted.</summary>
    private sealed class TeamsStandIn : HttpMessageHandler
    {
        public Func<HttpRequestMessage, HttpResponseMessage> Answer { get; set; } = _ => new HttpResponseMessage(HttpStatusCode.Accepted);

        public List<(Uri Uri, string Body)> Posts { get; } = [];

        protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            var body = request.Content is null ? "" : await request.Content.ReadAsStringAsync(cancellationToken);
            Posts.Add((request.RequestUri!, body));
            return Answer(request);
        }
    }
}
