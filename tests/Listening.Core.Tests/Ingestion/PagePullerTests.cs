using Listening.Core.Configuration;
using Listening.Core.Contracts;
using Listening.Core.Ingestion;
using Listening.Core.Meta;
using Listening.Core.Storage;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using NSubstitute;
using NSubstitute.ExceptionExtensions;

namespace Listening.Core.Tests.Ingestion;

/// <summary>The puller's branches, with the source, the queue and the Page state substituted (no Azurite).</summary>
public sealed class PagePullerTests
{
    private const string PageId = "104857600000001";
    private const string Token = "EAAunit-test-token";
    private static readonly DateTimeOffset Now = new(2026, 11, 27, 9, 0, 0, TimeSpan.Zero);

    private readonly IPageSource _source = Substitute.For<IPageSource>();
    private readonly IQueuePublisher _queue = Substitute.For<IQueuePublisher>();
    private readonly IPageStateStore _state = Substitute.For<IPageStateStore>();
    private readonly FakeTimeProvider _time = new(Now);
    private readonly ListeningOptions _options = new() { Pages = [new PageOptions { Id = PageId, Name = "Kreis Soest", AccessToken = Token }] };

    private PagePuller Puller()
    {
        var options = Options.Create(_options);
        return new PagePuller(new PageDirectory(options), _source, _queue, _state, new LocalCalendar("Europe/Berlin"), options, _time, NullLogger<PagePuller>.Instance);
    }

    private static PullRequest Regular => new() { PageId = PageId, Kind = PullKind.Posts, RequestedAt = Now };

    private static PageCapture Capture(params string[] rejected) => new()
    {
        PageId = PageId,
        PageName = "Kreis Soest auf Facebook",
        CapturedAt = Now,
        Followers = 1200,
        Fans = 1100,
        RejectedMetrics = rejected,
    };

    private static MetaProblem Problem(int code, int? subcode = null, bool transient = false) =>
        new(code, subcode, transient, $"our words (code {code})", $"code {code} (HTTP 400): Meta's text", "Meta's text");

    private void Returns(PullResult result) =>
        _source.CaptureAsync(Arg.Any<PageOptions>(), Arg.Any<PullPlan>(), Arg.Any<CancellationToken>()).Returns(result);

    private void Stored(PageStateEntity entity) =>
        _state.GetAsync(PageId, Arg.Any<CancellationToken>()).Returns(entity);

    [Fact]
    public async Task A_pull_that_reads_the_Page_sends_its_parts_on_and_records_what_it_learned()
    {
        var capture = Capture();
        Returns(new PullResult.Ok(capture));

        var outcome = await Puller().PullAsync(Regular, CancellationToken.None);

        Assert.Equal(PullStatus.Pulled, outcome.Status);
        Assert.Equal("pulled", outcome.Message);
        Assert.Same(capture, outcome.Capture);
        Assert.Equal(SnapshotSplitter.Split(capture).Count, outcome.Parts);
        Assert.Empty(outcome.DroppedMetrics);
        Assert.Null(outcome.TokenProblem);
        await _queue.Received(outcome.Parts).PublishAsync(Arg.Any<PageSnapshot>(), Arg.Any<CancellationToken>());
        await _state.Received(1).RecordPullAsync(PageId, Arg.Is<PullRecord>(r =>
            r.PageName == "Kreis Soest auf Facebook"
            && r.CountsAsSuccessfulPull
            && r.TokenFingerprint == TokenStatus.Fingerprint(Token)
            && r.ReadPosts
            && r.ResumeAfter == null), Arg.Any<CancellationToken>());
        await _source.Received(1).CaptureAsync(Arg.Any<PageOptions>(), Arg.Is<PullPlan>(p => p.CheckToken && p.Posts), Arg.Any<CancellationToken>());
    }

    [Fact]
    public async Task Every_metric_Meta_rejects_is_reported_with_its_successor_the_ones_known_before_included()
    {
        Stored(new PageStateEntity { RowKey = PageId, TokenState = "valid", TokenFingerprint = TokenStatus.Fingerprint(Token), TokenCheckedAt = Now.AddHours(-1), RejectedMetrics = "page_impressions" });
        Returns(new PullResult.Ok(Capture("page_impressions", "page_fans", "page_video_views")));

        var outcome = await Puller().PullAsync(Regular, CancellationToken.None);

        Assert.Equal(PullStatus.Pulled, outcome.Status);
        Assert.Equal(
            [new DroppedMetric("page_impressions", "page_media_view"), new DroppedMetric("page_fans", "page_follows"), new DroppedMetric("page_video_views", null)],
            outcome.DroppedMetrics);
        Assert.Equal("Kreis Soest auf Facebook", outcome.PageName);
        Assert.Equal(Now, outcome.At);
        await _state.Received(1).RecordPullAsync(PageId, Arg.Is<PullRecord>(r => r.RejectedMetrics.Count == 3), Arg.Any<CancellationToken>());
        await _source.Received(1).CaptureAsync(
            Arg.Any<PageOptions>(), Arg.Is<PullPlan>(p => !p.CheckToken && p.RejectedMetrics.Contains("page_impressions")), Arg.Any<CancellationToken>());
    }

    [Fact]
    public async Task An_invalid_token_marks_the_Page_and_is_reported_with_its_problem()
    {
        Returns(new PullResult.TokenInvalid("expired", Problem(190, 463)));

        var outcome = await Puller().PullAsync(Regular, CancellationToken.None);

        Assert.Equal(PullStatus.TokenInvalid, outcome.Status);
        Assert.Equal("the Page token is expired: Meta's text", outcome.Message);
        Assert.Equal("expired", outcome.TokenProblem);
        Assert.Equal("Kreis Soest", outcome.PageName);
        await _state.Received(1).RecordTokenInvalidAsync(PageId, "Kreis Soest", "expired", TokenStatus.Fingerprint(Token), "our words (code 190)", Now, Arg.Any<CancellationToken>());
        await _queue.DidNotReceive().PublishAsync(Arg.Any<PageSnapshot>(), Arg.Any<CancellationToken>());
        await _state.DidNotReceive().RecordPullAsync(Arg.Any<string>(), Arg.Any<PullRecord>(), Arg.Any<CancellationToken>());
    }

    [Fact]
    public async Task A_Page_whose_unchanged_token_is_known_invalid_is_not_asked_again()
    {
        Stored(new PageStateEntity { RowKey = PageId, TokenState = "invalid", TokenProblem = "invalidated", TokenFingerprint = TokenStatus.Fingerprint(Token) });

        var outcome = await Puller().PullAsync(Regular, CancellationToken.None);

        Assert.Equal(PullStatus.TokenInvalid, outcome.Status);
        Assert.Equal("the Page token is invalidated; pulls resume when the configured token changes", outcome.Message);
        Assert.Equal("invalidated", outcome.TokenProblem);
        await _source.DidNotReceive().CaptureAsync(Arg.Any<PageOptions>(), Arg.Any<PullPlan>(), Arg.Any<CancellationToken>());
    }

    [Fact]
    public async Task Throttling_pauses_the_Page_for_the_time_Meta_names()
    {
        Func<int, TimeSpan>? wait = null;
        _state.RecordThrottledAsync(PageId, Arg.Do<Func<int, TimeSpan>>(w => wait = w), Arg.Any<string>(), Arg.Any<int?>(), Arg.Any<string?>(), Now, Arg.Any<CancellationToken>())
            .Returns(Now.AddMinutes(17));
        Returns(new PullResult.Throttled(TimeSpan.FromMinutes(17), new GraphUsage { MaxPercent = 100, Header = "X-Business-Use-Case-Usage" }, Problem(80001)));

        var outcome = await Puller().PullAsync(Regular, CancellationToken.None);

        Assert.Equal(PullStatus.Throttled, outcome.Status);
        Assert.Equal(Now.AddMinutes(17), outcome.ResumeAfter);
        Assert.Equal("Meta throttles the Page (code 80001 (HTTP 400): Meta's text); paused until 2026-11-27 09:17 UTC", outcome.Message);
        Assert.Equal(TimeSpan.FromMinutes(17), wait!(0));
        Assert.Equal(TimeSpan.FromMinutes(17), wait(5));
        await _state.Received(1).RecordThrottledAsync(PageId, Arg.Any<Func<int, TimeSpan>>(), "our words (code 80001)", 100, "X-Business-Use-Case-Usage", Now, Arg.Any<CancellationToken>());
        await _queue.DidNotReceive().PublishAsync(Arg.Any<PageSnapshot>(), Arg.Any<CancellationToken>());
    }

    [Fact]
    public async Task Throttling_without_a_time_from_Meta_backs_off_exponentially_up_to_a_day()
    {
        Func<int, TimeSpan>? wait = null;
        _state.RecordThrottledAsync(PageId, Arg.Do<Func<int, TimeSpan>>(w => wait = w), Arg.Any<string>(), Arg.Any<int?>(), Arg.Any<string?>(), Now, Arg.Any<CancellationToken>())
            .Returns(Now.AddMinutes(15));
        Returns(new PullResult.Throttled(null, null, Problem(4)));

        var outcome = await Puller().PullAsync(Regular, CancellationToken.None);

        Assert.Equal(PullStatus.Throttled, outcome.Status);
        await _state.Received(1).RecordThrottledAsync(PageId, Arg.Any<Func<int, TimeSpan>>(), "our words (code 4)", null, null, Now, Arg.Any<CancellationToken>());
        Assert.InRange(wait!(0), TimeSpan.FromMinutes(15), TimeSpan.FromMinutes(18));
        Assert.InRange(wait(3), TimeSpan.FromMinutes(120), TimeSpan.FromMinutes(144));
        Assert.InRange(wait(10), TimeSpan.FromHours(24), TimeSpan.FromHours(28.8));
    }

    [Fact]
    public async Task A_Page_paused_until_later_is_skipped()
    {
        Stored(new PageStateEntity { RowKey = PageId, ResumeAfter = Now.AddMinutes(30), ResumeReason = "Meta throttles the requests (code 4, HTTP 400)" });

        var outcome = await Puller().PullAsync(Regular, CancellationToken.None);

        Assert.Equal(PullStatus.Paused, outcome.Status);
        Assert.Equal(Now.AddMinutes(30), outcome.ResumeAfter);
        Assert.Equal("paused until 2026-11-27 09:30 UTC: Meta throttles the requests (code 4, HTTP 400)", outcome.Message);
        await _source.DidNotReceive().CaptureAsync(Arg.Any<PageOptions>(), Arg.Any<PullPlan>(), Arg.Any<CancellationToken>());
    }

    [Fact]
    public async Task A_failure_at_Meta_is_recorded_in_our_words_and_reported_with_Metas()
    {
        Returns(new PullResult.Failed(Problem(2, transient: true)));

        var outcome = await Puller().PullAsync(Regular, CancellationToken.None);

        Assert.Equal(PullStatus.Failed, outcome.Status);
        Assert.Equal("code 2 (HTTP 400): Meta's text", outcome.Message);
        await _state.Received(1).RecordFailureAsync(PageId, "Kreis Soest", "our words (code 2)", Now, Arg.Any<CancellationToken>());
        await _state.DidNotReceive().RecordPullAsync(Arg.Any<string>(), Arg.Any<PullRecord>(), Arg.Any<CancellationToken>());
    }

    [Fact]
    public async Task An_answer_the_parser_cannot_read_fails_the_pull_not_the_message()
    {
        _source.CaptureAsync(Arg.Any<PageOptions>(), Arg.Any<PullPlan>(), Arg.Any<CancellationToken>()).ThrowsAsync(new FormatException("unexpected"));

        var outcome = await Puller().PullAsync(Regular, CancellationToken.None);

        Assert.Equal(PullStatus.Failed, outcome.Status);
        Assert.Equal("Meta's answer had a shape Listening cannot read; the next cycle tries again", outcome.Message);
        await _state.Received(1).RecordFailureAsync(PageId, "Kreis Soest", outcome.Message, Now, Arg.Any<CancellationToken>());
    }

    [Fact]
    public async Task High_usage_pauses_the_Page_before_Meta_throttles()
    {
        Returns(new PullResult.Ok(Capture() with { Usage = new GraphUsage { MaxPercent = 80, Header = "X-App-Usage" } }));

        var outcome = await Puller().PullAsync(Regular, CancellationToken.None);

        Assert.Equal(PullStatus.Pulled, outcome.Status);
        await _state.Received(1).RecordPullAsync(PageId, Arg.Is<PullRecord>(r =>
            r.ResumeAfter == Now.AddMinutes(60) && r.ResumeReason == "slowing down: X-App-Usage at 80 %" && r.UsagePercent == 80), Arg.Any<CancellationToken>());
    }

    [Fact]
    public async Task A_storage_failure_still_fails_the_message()
    {
        Returns(new PullResult.Ok(Capture()));
        _state.RecordPullAsync(PageId, Arg.Any<PullRecord>(), Arg.Any<CancellationToken>()).ThrowsAsync(new Azure.RequestFailedException(503, "unavailable"));

        await Assert.ThrowsAsync<Azure.RequestFailedException>(() => Puller().PullAsync(Regular, CancellationToken.None));
    }
}
