using Azure;
using Listening.Core.Configuration;
using Listening.Core.Contracts;
using Listening.Core.Ingestion;
using Listening.Core.Meta;
using Listening.Core.Notifications.Alerts;
using Listening.Core.Pipeline;
using Listening.Core.Storage;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using NSubstitute;

namespace Listening.Core.Tests.Pipeline;

/// <summary>
/// The "metric rejected" alert of a pull, through the pull handler with the real puller and alerts and the stores
/// substituted (the Page state and the alert history remember what they were told): it is raised once, and not
/// lost when the pull was recorded but its alert was not.
/// </summary>
public sealed class PullHandlerAlertTests
{
    private const string PageId = "104857600000001";
    private const string Rejected = "page_video_views";
    private static readonly DateTimeOffset Now = new(2026, 11, 27, 9, 0, 0, TimeSpan.Zero);

    private readonly IPageSource _source = Substitute.For<IPageSource>();
    private readonly IQueuePublisher _queue = Substitute.For<IQueuePublisher>();
    private readonly IPageStateStore _state = Substitute.For<IPageStateStore>();
    private readonly IAlertHistory _history = Substitute.For<IAlertHistory>();
    private readonly FakeTimeProvider _time = new(Now);
    private readonly ListeningOptions _options = new() { Pages = [new PageOptions { Id = PageId, Name = "Kreis Soest", AccessToken = "EAAunit-test-token" }] };
    private readonly HashSet<string> _raised = new(StringComparer.Ordinal);
    private readonly List<NotificationMessage> _notifications = [];
    private PageStateEntity? _stored;

    public PullHandlerAlertTests()
    {
        // The Page state: what the last recorded pull learned about rejected metrics.
        _state.GetAsync(PageId, Arg.Any<CancellationToken>()).Returns(_ => _stored);
        _state.When(s => s.RecordPullAsync(PageId, Arg.Any<PullRecord>(), Arg.Any<CancellationToken>())).Do(call =>
        {
            var pull = call.Arg<PullRecord>();
            var known = _stored?.RejectedMetricList ?? [];
            _stored = new PageStateEntity { RowKey = PageId, RejectedMetrics = string.Join(',', known.Union(pull.RejectedMetrics, StringComparer.Ordinal)) };
        });

        // Meta rejects the metric whenever it is asked for it; a pull whose plan knows it is rejected does not ask.
        _source.CaptureAsync(Arg.Any<PageOptions>(), Arg.Any<PullPlan>(), Arg.Any<CancellationToken>()).Returns(call => new PullResult.Ok(new PageCapture
        {
            PageId = PageId,
            PageName = "Kreis Soest auf Facebook",
            CapturedAt = Now,
            RejectedMetrics = call.Arg<PullPlan>().RejectedMetrics.Contains(Rejected) ? [] : [Rejected],
        }));

        // The alert history claims each key once.
        _history.WasRaisedAsync(Arg.Any<string>(), Arg.Any<CancellationToken>()).Returns(call => _raised.Contains(call.Arg<string>()));
        _history.TryRecordAsync(Arg.Any<RaisedAlertEntity>(), Arg.Any<CancellationToken>()).Returns(call => _raised.Add(call.Arg<RaisedAlertEntity>().Key));
        _queue.When(q => q.PublishAsync(Arg.Any<NotificationMessage>(), Arg.Any<CancellationToken>())).Do(call => _notifications.Add(call.Arg<NotificationMessage>()));
    }

    private static string Body => MessageCodec.Encode(new PullRequest { PageId = PageId, Kind = PullKind.Posts, RequestedAt = Now });

    private static string AlertKey => IngestionAlerts.MetricRejectedKey(PageId, Rejected);

    private PullHandler Handler()
    {
        var options = Options.Create(_options);
        var calendar = new LocalCalendar("Europe/Berlin");
        var puller = new PagePuller(new PageDirectory(options), _source, _queue, _state, calendar, options, _time, NullLogger<PagePuller>.Instance);
        var alerts = new IngestionAlerts(options, calendar, new AlertLog(_history, _queue, calendar, NullLogger<AlertLog>.Instance), _state);
        var gate = new DecodeOrPark(Substitute.For<IPoisonParking>(), NullLogger<DecodeOrPark>.Instance);
        return new PullHandler(puller, alerts, gate, _time, options);
    }

    [Fact]
    public async Task An_alert_lost_after_the_pull_was_recorded_is_raised_when_the_message_is_retried()
    {
        // Storage fails when the alert is queued: the pull is recorded (the metric is known), its alert is not.
        _queue.PublishAsync(Arg.Any<NotificationMessage>(), Arg.Any<CancellationToken>())
            .Returns(_ => Task.FromException(new RequestFailedException(503, "storage unavailable")), _ => Task.CompletedTask);
        var handler = Handler();

        await Assert.ThrowsAsync<RequestFailedException>(() => handler.HandleAsync(Body, "m1", CancellationToken.None));
        Assert.Equal([Rejected], _stored!.RejectedMetricList);
        Assert.Empty(_raised);

        // The queue retries the message: this pull no longer asks for the metric, and the alert comes all the same.
        Assert.Equal(HandlerOutcome.Done, await handler.HandleAsync(Body, "m1", CancellationToken.None));

        await _source.Received().CaptureAsync(Arg.Any<PageOptions>(), Arg.Is<PullPlan>(p => p.RejectedMetrics.Contains(Rejected)), Arg.Any<CancellationToken>());
        Assert.Equal([AlertKey], _raised);
        Assert.Equal(2, _notifications.Count(n => n.Key == AlertKey)); // the failed attempt and the one that went through
        await _history.Received(1).TryRecordAsync(Arg.Is<RaisedAlertEntity>(r => r.Key == AlertKey && r.Kind == AlertKinds.MetricRejected), Arg.Any<CancellationToken>());
    }

    [Fact]
    public async Task A_pull_whose_alert_went_through_raises_no_second_alert_when_retried_or_pulled_again()
    {
        var handler = Handler();

        Assert.Equal(HandlerOutcome.Done, await handler.HandleAsync(Body, "m1", CancellationToken.None));
        Assert.Equal(HandlerOutcome.Done, await handler.HandleAsync(Body, "m1", CancellationToken.None)); // the same message again
        _time.Advance(TimeSpan.FromMinutes(15));
        Assert.Equal(HandlerOutcome.Done, await handler.HandleAsync(Body, "m2", CancellationToken.None)); // the next cycle

        var alert = Assert.Single(_notifications);
        Assert.Equal(AlertKey, alert.Key);
        Assert.Equal(AlertKinds.MetricRejected, alert.Kind);
        await _history.Received(1).TryRecordAsync(Arg.Any<RaisedAlertEntity>(), Arg.Any<CancellationToken>());
        await _state.Received(3).RecordPullAsync(PageId, Arg.Any<PullRecord>(), Arg.Any<CancellationToken>());
    }
}
