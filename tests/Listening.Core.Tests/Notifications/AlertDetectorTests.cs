using Listening.Core.Aggregation;
using Listening.Core.Configuration;
using Listening.Core.Contracts;
using Listening.Core.Notifications;
using Listening.Core.Notifications.Alerts;
using Listening.Core.Pipeline;
using Listening.Core.Storage;
using Listening.Core.Tests.Summaries;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using NSubstitute;

namespace Listening.Core.Tests.Notifications;

/// <summary>One test per snapshot alert detector, against substituted stores: what it raises and under which key.</summary>
public sealed class AlertDetectorTests
{
    private const string PageId = "104857600000001";

    /// <summary>10:00 Uhr Berlin time on the sample day.</summary>
    private static readonly DateTimeOffset Captured = new(2026, 11, 27, 9, 0, 0, TimeSpan.Zero);

    private readonly IAlertHistory _history = Substitute.For<IAlertHistory>();
    private readonly IQueuePublisher _queue = Substitute.For<IQueuePublisher>();
    private readonly IAlertBaselines _baselines = Substitute.For<IAlertBaselines>();
    private readonly ICrisisStateStore _crisis = Substitute.For<ICrisisStateStore>();
    private readonly LocalCalendar _calendar = new("Europe/Berlin");
    private readonly IOptions<ListeningOptions> _options = Options.Create(new ListeningOptions
    {
        PublicBaseUrl = "https://listening.example.org",
        Pages = [new PageOptions { Id = PageId, AccessToken = "token" }],
    });

    public AlertDetectorTests()
    {
        _history.TryRecordAsync(default!, default).ReturnsForAnyArgs(true);

        // Crisis state as if nothing was stored: the decision runs against an empty row and is written.
        _crisis.UpdateAsync(default!, default(Func<CrisisStateEntity?, (CrisisStateEntity?, (CrisisStateEntity, bool))>)!, default)
            .ReturnsForAnyArgs(call => call.ArgAt<Func<CrisisStateEntity?, (CrisisStateEntity?, (CrisisStateEntity, bool))>>(1)(null).Item2);
    }

    [Fact]
    public async Task A_keyword_in_a_new_post_starts_crisis_mode_and_raises_it_once()
    {
        var post = Post("p1", Captured.AddMinutes(-30), reactions: 3, message: "Unwetterwarnung für den Kreis: bitte zu Hause bleiben.");
        var run = Run(Snapshot(post), Summary());

        await new CrisisDetector(Log(), new CrisisMode(_crisis), _calendar, _options).DetectAsync(run, CancellationToken.None);

        Assert.Equal([$"crisis:{PageId}:p1"], run.Raised);
        Assert.True(run.InCrisis);
        Assert.Equal(Captured.AddMinutes(-30) + TimeSpan.FromHours(_options.Value.Alerts.Crisis.DurationHours), run.Crisis!.Until);
        var sent = await SentAsync();
        Assert.Equal(AlertKinds.Crisis, sent.Kind);
        Assert.Contains("Krisenmodus an: Kreis Soest", Card(sent), StringComparison.Ordinal);
        Assert.Contains("„Unwetter“", Card(sent), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_snapshot_no_threshold_could_catch_even_in_crisis_mode_never_reads_the_crisis_state()
    {
        // Reach 4,000 < 10,000 × 0.5 and 2 reactions < MinReactions × 0.5: no decision depends on crisis mode (issue 16).
        var quiet = Post("quiet", Captured.AddHours(-2), reactions: 2) with { Metrics = new Dictionary<string, long> { [MetricNames.PostReach] = 4_000 } };
        var run = Run(Snapshot(quiet), Summary());

        foreach (var detector in Detectors())
        {
            await detector.DetectAsync(run, CancellationToken.None);
        }

        Assert.Empty(run.Raised);
        await _crisis.DidNotReceiveWithAnyArgs().GetAsync(default!, default);
        await _baselines.DidNotReceiveWithAnyArgs().PostReactionsAsync(default!, default, default, default);
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task A_post_between_the_crisis_threshold_and_the_normal_one_reads_the_crisis_state_once_and_alerts_only_in_crisis_mode(bool inCrisis)
    {
        // Reach 6,000: above 10,000 × 0.5 (crisis mode), below 10,000. Two such posts, one read.
        _crisis.GetAsync(PageId, Arg.Any<CancellationToken>()).Returns(inCrisis
            ? new CrisisStateEntity { RowKey = PageId, Since = Captured.AddHours(-3), Until = Captured.AddHours(21), PostId = "storm", Keyword = "Unwetter" }
            : new CrisisStateEntity { RowKey = PageId, Since = Captured.AddDays(-3), Until = Captured.AddDays(-2), PostId = "old", Keyword = "Unwetter" });
        _baselines.PostReactionsAsync(default!, default, default, default).ReturnsForAnyArgs([]);
        PostObservation Reaching(string id) => Post(id, Captured.AddHours(-2), reactions: 1) with { Metrics = new Dictionary<string, long> { [MetricNames.PostReach] = 6_000 } };
        var run = Run(Snapshot(Reaching("a"), Reaching("b")), Summary());

        foreach (var detector in Detectors())
        {
            await detector.DetectAsync(run, CancellationToken.None);
        }

        await _crisis.Received(1).GetAsync(PageId, Arg.Any<CancellationToken>());
        Assert.Equal(inCrisis, run.InCrisis);
        Assert.Equal(inCrisis ? [$"takeoff-reach:{PageId}:a", $"takeoff-reach:{PageId}:b"] : [], run.Raised);
        if (inCrisis)
        {
            Assert.Contains("Schwelle: 5.000 Personen in 24 Stunden (Krisenmodus: niedrigere Schwelle).", Card((NotificationMessage)_queue.ReceivedCalls().First().GetArguments()[0]!), StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task The_crisis_state_a_crisis_post_just_set_is_used_without_reading_it_again()
    {
        var storm = Post("storm", Captured.AddMinutes(-30), reactions: 1, message: "Unwetterwarnung: bitte zu Hause bleiben.") with
        {
            Metrics = new Dictionary<string, long> { [MetricNames.PostReach] = 6_000 },
        };
        var run = Run(Snapshot(storm), Summary());

        foreach (var detector in Detectors())
        {
            await detector.DetectAsync(run, CancellationToken.None);
        }

        await _crisis.DidNotReceiveWithAnyArgs().GetAsync(default!, default);
        Assert.True(run.InCrisis);
        Assert.Equal([$"crisis:{PageId}:storm", $"takeoff-reach:{PageId}:storm"], run.Raised);
    }

    [Fact]
    public async Task Followers_passing_a_threshold_raise_a_milestone_with_the_summary_link()
    {
        var summary = Summary() with { Followers = new CounterChange(1_003, 5), Likes = new CounterChange(900, 1) };
        var run = Run(Snapshot(), summary);

        await new MilestoneDetector(Log(), _options).DetectAsync(run, CancellationToken.None);

        Assert.Equal([$"milestone:{PageId}:followers:1000"], run.Raised);
        var card = Card(await SentAsync());
        Assert.Contains("Meilenstein: 1.000 Follower", card, StringComparison.Ordinal);
        Assert.Contains("https://listening.example.org/api/summaries/2026-11-27", card, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_young_post_far_above_the_median_takes_off()
    {
        _baselines.PostReactionsAsync(PageId, SampleSummary.Day.AddDays(-30), SampleSummary.Day, Arg.Any<CancellationToken>())
            .Returns([.. Enumerable.Range(1, 5).SelectMany(i => new[]
            {
                // Each earlier post seen on two days: the later row counts.
                new PostReactionsSeen($"old{i}", $"2026-11-1{i}_post_old{i}", Captured.AddDays(-10 - i), 1_000),
                new PostReactionsSeen($"old{i}", $"2026-11-2{i}_post_old{i}", Captured.AddDays(-10 - i), 20),
            })]);
        var run = Run(Snapshot(Post("young", Captured.AddMinutes(-50), reactions: 100)), Summary());

        await new TakeOffDetector(Log(), _baselines, _calendar, _options, NullLogger<TakeOffDetector>.Instance).DetectAsync(run, CancellationToken.None);

        Assert.Equal([$"takeoff:{PageId}:young"], run.Raised);
        var card = Card(await SentAsync());
        Assert.Contains("in der ersten Stunde 100 Reaktionen – 5,0-mal so viele", card, StringComparison.Ordinal);
        Assert.Contains("(Median 20)", card, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_young_post_that_reached_more_people_than_the_threshold_takes_off_by_reach_without_a_baseline()
    {
        // No earlier posts at all: the reaction rule has no median, the reach rule needs none.
        _baselines.PostReactionsAsync(default!, default, default, default).ReturnsForAnyArgs([]);
        var storm = Post("storm", Captured.AddHours(-5), reactions: 12) with
        {
            Metrics = new Dictionary<string, long> { ["post_impressions_unique"] = 31_000, [MetricNames.PostViews] = 49_000 }, // an old name, through the alias map
        };
        var tooOld = Post("old", Captured.AddHours(-25), reactions: 0) with { Metrics = new Dictionary<string, long> { [MetricNames.PostReach] = 90_000 } };
        var small = Post("small", Captured.AddHours(-1), reactions: 0) with { Metrics = new Dictionary<string, long> { [MetricNames.PostReach] = 9_999 } };
        var unknown = Post("unknown", Captured.AddHours(-1), reactions: 0) with { Metrics = new Dictionary<string, long> { [MetricNames.PostViews] = 50_000 } };
        var run = Run(Snapshot(storm, tooOld, small, unknown), Summary());

        await new TakeOffDetector(Log(), _baselines, _calendar, _options, NullLogger<TakeOffDetector>.Instance).DetectAsync(run, CancellationToken.None);

        Assert.Equal([$"takeoff-reach:{PageId}:storm"], run.Raised);
        var card = Card(await SentAsync());
        Assert.Contains("Der Beitrag vom 27.11.2026, 05:00 Uhr hat seitdem, in 5 Stunden, 31.000 Personen erreicht – Schwelle: 10.000 Personen in 24 Stunden.", card, StringComparison.Ordinal);
        Assert.Contains("49.000", card, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Instagram_followers_passing_1000_raise_their_own_milestone()
    {
        var summary = Summary() with
        {
            Instagram = new InstagramDaySummary { AccountId = "17841400000000001", Username = "kreis_soest", Followers = new CounterChange(1_004, 9), Media = [] },
        };
        var run = Run(Snapshot(), summary);

        await new MilestoneDetector(Log(), _options).DetectAsync(run, CancellationToken.None);

        Assert.Equal([$"milestone:{PageId}:instagram-followers:1000"], run.Raised);
        Assert.Contains("1.000 Instagram-Follower", Card(await SentAsync()), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_young_Instagram_medium_that_reached_more_people_than_the_threshold_takes_off_once()
    {
        _baselines.PostReactionsAsync(default!, default, default, default).ReturnsForAnyArgs([]);
        static InstagramMediaObservation Medium(string id, string productType, DateTimeOffset published, Dictionary<string, long> metrics) => new()
        {
            Id = id,
            Timestamp = published,
            Caption = "Ausbildung beim Kreis: ein Tag in der Kfz-Zulassung",
            MediaType = "VIDEO",
            ProductType = productType,
            Permalink = "https://www.instagram.com/reel/" + id + "/",
            Likes = 800,
            Metrics = metrics,
        };
        var snapshot = Snapshot() with
        {
            Instagram = new InstagramObservation
            {
                AccountId = "17841400000000001",
                Username = "kreis_soest",
                Media =
                [
                    Medium("17900000000000001", "REELS", Captured.AddHours(-3), new() { ["reach"] = 12_500, ["views"] = 30_000 }),
                    Medium("17900000000000002", "FEED", Captured.AddHours(-30), new() { ["reach"] = 90_000 }), // too old
                    Medium("17900000000000003", "STORY", Captured.AddHours(-1), new() { ["reach"] = 9_999 }), // below the threshold
                    Medium("17900000000000004", "REELS", Captured.AddHours(-1), new() { ["views"] = 50_000 }), // reach unknown
                ],
            },
        };

        await new TakeOffDetector(Log(), _baselines, _calendar, _options, NullLogger<TakeOffDetector>.Instance).DetectAsync(Run(snapshot, Summary()), CancellationToken.None);

        var card = Card(await SentAsync());
        Assert.Contains("Ein Reel auf Instagram erreicht viele Menschen", card, StringComparison.Ordinal);
        Assert.Contains("Das Reel auf Instagram (@kreis_soest) vom 27.11.2026, 07:00 Uhr hat seitdem, in 3 Stunden, 12.500 Personen erreicht – Schwelle: 10.000 Personen in 24 Stunden.", card, StringComparison.Ordinal);
        Assert.Contains("https://www.instagram.com/reel/17900000000000001/", card, StringComparison.Ordinal);
        Assert.Contains("30.000", card, StringComparison.Ordinal);

        // Raised once: the same medium in the next snapshot is not raised again.
        _history.WasRaisedAsync($"takeoff-instagram:{PageId}:17900000000000001", Arg.Any<CancellationToken>()).Returns(true);
        var again = Run(snapshot with { CapturedAt = Captured.AddMinutes(15) }, Summary());
        await new TakeOffDetector(Log(), _baselines, _calendar, _options, NullLogger<TakeOffDetector>.Instance).DetectAsync(again, CancellationToken.None);
        Assert.Empty(again.Raised);
    }

    [Fact]
    public async Task The_reach_rule_is_off_with_MinReach_0()
    {
        _options.Value.Alerts.TakeOff.MinReach = 0;
        _baselines.PostReactionsAsync(default!, default, default, default).ReturnsForAnyArgs([]);
        var run = Run(Snapshot(Post("storm", Captured.AddHours(-5), reactions: 12) with { Metrics = new Dictionary<string, long> { [MetricNames.PostReach] = 31_000 } }), Summary());

        await new TakeOffDetector(Log(), _baselines, _calendar, _options, NullLogger<TakeOffDetector>.Instance).DetectAsync(run, CancellationToken.None);

        Assert.Empty(run.Raised);
    }

    [Fact]
    public async Task A_day_of_angry_reactions_far_above_the_usual_share_is_a_negative_surge()
    {
        var usual = Enumerable.Range(1, 4)
            .Select(i => SampleSummary.DayOf(SampleSummary.Day.AddDays(-i), 1_000, 0, likes: 100 + i, comments: 5) with
            {
                Reactions = new ReactionCounts { Like = 100 + i, Angry = 2 },
            })
            .ToList();
        _baselines.DaySummariesAsync(PageId, SampleSummary.Day.AddDays(-7), SampleSummary.Day, Arg.Any<CancellationToken>()).Returns(usual);
        var today = Summary() with
        {
            Reactions = new ReactionCounts { Like = 60, Angry = 30, Sad = 10 },
            Comments = 5,
            Posts = [SampleSummary.PostOn(SampleSummary.Day, "bad", like: 10) with { Reactions = new ReactionCounts { Angry = 30 } }],
        };
        var run = Run(Snapshot(), today);

        await new NegativeSurgeDetector(Log(), _baselines, _options, NullLogger<NegativeSurgeDetector>.Instance).DetectAsync(run, CancellationToken.None);

        Assert.Equal([$"negative-surge:{PageId}:2026-11-27:reactions"], run.Raised);
        var card = Card(await SentAsync());
        Assert.Contains("Ungewöhnlich viele negative Reaktionen", card, StringComparison.Ordinal);
        Assert.Contains("https://www.facebook.com/104857600000001/posts/bad", card, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_detectors_run_in_their_order_and_not_at_all_for_an_old_snapshot()
    {
        var calls = new List<string>();
        var first = Substitute.For<IAlertDetector>();
        var second = Substitute.For<IAlertDetector>();
        first.DetectAsync(default!, default).ReturnsForAnyArgs(_ => { calls.Add("first"); return Task.CompletedTask; });
        second.DetectAsync(default!, default).ReturnsForAnyArgs(_ => { calls.Add("second"); return Task.CompletedTask; });
        var time = new FakeTimeProvider(Captured.AddMinutes(5));
        var alerts = new SnapshotAlerts([first, second], time, _options, NullLogger<SnapshotAlerts>.Instance);

        await alerts.DetectAsync(Snapshot(), Result(Summary()), CancellationToken.None);
        time.Advance(TimeSpan.FromHours(_options.Value.Alerts.MaxSnapshotAgeHours));
        await alerts.DetectAsync(Snapshot(), Result(Summary()), CancellationToken.None);

        Assert.Equal(["first", "second"], calls);
    }

    [Fact]
    public void The_composition_root_registers_crisis_mode_first_and_the_rest_in_their_old_order()
    {
        var configuration = new ConfigurationBuilder()
            .AddInMemoryCollection(new Dictionary<string, string?> { ["AzureWebJobsStorage"] = "UseDevelopmentStorage=true" }).Build();
        var services = new ServiceCollection().AddListening(configuration);

        var detectors = services.Where(d => d.ServiceType == typeof(IAlertDetector)).Select(d => d.ImplementationType).ToList();

        Assert.Equal([typeof(CrisisDetector), typeof(MilestoneDetector), typeof(TakeOffDetector), typeof(NegativeSurgeDetector)], detectors);
    }

    private AlertLog Log() => new(_history, _queue, _calendar, NullLogger<AlertLog>.Instance);

    /// <summary>The four snapshot detectors in the composition root's order, on the substituted stores.</summary>
    private IAlertDetector[] Detectors() =>
    [
        new CrisisDetector(Log(), new CrisisMode(_crisis), _calendar, _options),
        new MilestoneDetector(Log(), _options),
        new TakeOffDetector(Log(), _baselines, _calendar, _options, NullLogger<TakeOffDetector>.Instance),
        new NegativeSurgeDetector(Log(), _baselines, _options, NullLogger<NegativeSurgeDetector>.Instance),
    ];

    private DigestCardBuilder Cards() => new(_options);

    private async Task<NotificationMessage> SentAsync()
    {
        var call = Assert.Single(_queue.ReceivedCalls());
        await _history.Received(1).TryRecordAsync(Arg.Is<RaisedAlertEntity>(r => r.Key == ((NotificationMessage)call.GetArguments()[0]!).Key), Arg.Any<CancellationToken>());
        return (NotificationMessage)call.GetArguments()[0]!;
    }

    private static readonly System.Text.Json.JsonSerializerOptions Readable = new() { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    private static string Card(NotificationMessage message) => message.Payload.ToJsonString(Readable);

    private static SnapshotAlertRun Run(PageSnapshot snapshot, PageDaySummary summary) => new(snapshot, Result(summary));

    private static AggregationResult Result(PageDaySummary summary) => new(PageId, summary.Date, 1, summary, null);

    private static PageDaySummary Summary() => SampleSummary.Page() with { Followers = new CounterChange(52_000, 0), Likes = new CounterChange(48_310, 0) };

    private static PageSnapshot Snapshot(params PostObservation[] posts) => new()
    {
        PageId = PageId,
        PageName = "Kreis Soest",
        CapturedAt = Captured,
        Posts = posts,
    };

    private static PostObservation Post(string id, DateTimeOffset created, long reactions, string? message = null) => new()
    {
        Id = id,
        CreatedTime = created,
        Permalink = "https://www.facebook.com/104857600000001/posts/" + id,
        Message = message ?? "Beitrag " + id,
        Reactions = new ReactionCounts { Like = reactions },
    };
}
