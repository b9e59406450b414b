using Azure.Data.Tables;
using Listening.Core.Ingestion;
using Listening.Core.Notifications.Alerts;
using Listening.Core.Contracts;
using Listening.Core.Storage;
using Listening.Functions;
using Listening.IntegrationTests.Infrastructure;
using Microsoft.Azure.Functions.Worker;

namespace Listening.IntegrationTests.Teams;

/// <summary>
/// Snapshots through the AggregateSnapshot function raise alerts on the notifications queue, once per event,
/// and the SendNotification function posts them to a webhook fake.
/// </summary>
public sealed class AlertPipelineTests : IAsyncLifetime
{
    private const string PageId = "104857600000001";
    private const string OtherPageId = "104857600000002";
    private static readonly DateTimeOffset Morning = new(2026, 11, 27, 7, 0, 0, TimeSpan.Zero);
    private FakeTeamsWebhook _teams = null!;
    private TestApp _app = null!;

    public async Task InitializeAsync()
    {
        _teams = await FakeTeamsWebhook.StartAsync();
        // The clock starts early: each test moves it forward to the capture time of every snapshot it applies.
        _app = await TestApp.StartAsync(Morning.AddDays(-40), new Dictionary<string, string?>
        {
            ["Listening:Pages:0:Id"] = PageId,
            ["Listening:Pages:0:Name"] = "Kreis Soest",
            ["Listening:Pages:0:AccessToken"] = "EAAtoken",
            ["Listening:Pages:1:Id"] = OtherPageId,
            ["Listening:Pages:1:Name"] = "Kreis Soest Ausbildung",
            ["Listening:Pages:1:AccessToken"] = "EAAtoken2",
            ["Listening:Teams:WebhookUrl"] = _teams.Url(),
            ["Listening:PublicBaseUrl"] = "https://listening.example.org",
        });
    }

    public async Task DisposeAsync()
    {
        await _app.DisposeAsync();
        await _teams.DisposeAsync();
    }

    [Fact]
    public async Task Crossing_1000_followers_alerts_once_however_often_snapshots_arrive()
    {
        await ApplyAsync(Snapshot(Morning.AddHours(-10), followers: 990));
        var crossing = Snapshot(Morning.AddHours(2), followers: 1_003);
        await ApplyAsync(crossing);
        await ApplyAsync(crossing);
        await ApplyAsync(Snapshot(Morning.AddHours(3), followers: 1_010));

        Assert.Equal(["milestone:" + PageId + ":followers:1000"], await QueuedKeysAsync());
        await SendAllAsync();
        var card = Assert.Single(_teams.DeliveredText());
        Assert.Contains("Meilenstein: 1.000 Follower", card, StringComparison.Ordinal);
        Assert.Contains("jetzt 1.003, +13 seit gestern Abend", card, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_crisis_post_switches_the_page_to_five_minute_pulls_until_crisis_mode_ends()
    {
        var posted = new DateTimeOffset(2026, 11, 22, 6, 40, 0, TimeSpan.Zero);
        var warning = Post("w", posted, "UNWETTERWARNUNG: Orkanartige Böen bis 115 km/h im ganzen Kreis. Bleibt drinnen!", like: 40);
        await ApplyAsync(Snapshot(posted.AddMinutes(5), followers: 5_000, posts: warning));
        await ApplyAsync(Snapshot(posted.AddMinutes(20), followers: 5_001, posts: warning));

        Assert.Equal(["crisis:" + PageId + ":w"], await QueuedKeysAsync());
        await SendAllAsync();
        var card = Assert.Single(_teams.DeliveredText());
        Assert.Contains("Krisenmodus an: Kreis Soest", card, StringComparison.Ordinal);
        Assert.Contains("Bis 23.11.2026, 07:40 Uhr holt Listening die Zahlen alle 5 Minuten", card, StringComparison.Ordinal);
        Assert.Contains("„Unwetter“", card, StringComparison.Ordinal);

        // Off the quarter hour only the Page in crisis is pulled; on it, every Page.
        Assert.Equal([PageId], await ScheduledAtAsync(new DateTimeOffset(2026, 11, 22, 7, 5, 0, TimeSpan.Zero)));
        Assert.Equal([PageId, OtherPageId], await ScheduledAtAsync(new DateTimeOffset(2026, 11, 22, 7, 15, 0, TimeSpan.Zero)));
        Assert.Equal([PageId], await ScheduledAtAsync(new DateTimeOffset(2026, 11, 23, 6, 35, 0, TimeSpan.Zero)));
        Assert.Empty(await ScheduledAtAsync(new DateTimeOffset(2026, 11, 23, 6, 40, 0, TimeSpan.Zero)));
    }

    [Fact]
    public async Task A_post_far_above_the_30_day_median_in_its_first_hours_is_taking_off()
    {
        for (var day = 10; day >= 4; day--)
        {
            var created = Morning.AddDays(-day).AddHours(2);
            await ApplyAsync(Snapshot(created.AddHours(10), followers: 500, posts: Post("old" + day, created, "Bürgerbüro geöffnet", like: 18 + day)));
        }

        var fresh = Post("new", Morning, "Gewinnspiel: Zwei Karten für das Sommerfest!", like: 150, love: 40);
        await ApplyAsync(Snapshot(Morning.AddHours(2), followers: 500, posts: fresh));
        await ApplyAsync(Snapshot(Morning.AddHours(3), followers: 500, posts: fresh with { Reactions = new ReactionCounts { Like = 200, Love = 50 } }));

        Assert.Equal(["takeoff:" + PageId + ":new"], await QueuedKeysAsync());
        await SendAllAsync();
        var card = Assert.Single(_teams.DeliveredText());
        Assert.Contains("Ein Beitrag hebt ab", card, StringComparison.Ordinal);
        Assert.Contains("in den ersten 2 Stunden 190 Reaktionen", card, StringComparison.Ordinal);
        Assert.Contains("https://www.facebook.com/" + PageId + "/posts/new", card, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Far_more_angry_and_sad_reactions_than_the_7_day_baseline_is_a_negative_surge()
    {
        for (var day = 7; day >= 1; day--)
        {
            var created = Morning.AddDays(-day).AddHours(1);
            await ApplyAsync(Snapshot(created.AddHours(10), followers: 500, posts: Post("d" + day, created, "Abfallkalender", like: 50, angry: day % 2)));
        }

        var roadworks = Post("k12", Morning, "Die K 12 ist ab morgen für drei Wochen voll gesperrt.", like: 30, angry: 25, sad: 10);
        await ApplyAsync(Snapshot(Morning.AddHours(4), followers: 500, posts: roadworks));

        Assert.Equal(["negative-surge:" + PageId + ":2026-11-27:reactions"], await QueuedKeysAsync());
        await SendAllAsync();
        var card = Assert.Single(_teams.DeliveredText());
        Assert.Contains("Ungewöhnlich viele negative Reaktionen", card, StringComparison.Ordinal);
        Assert.Contains("Die K 12 ist ab morgen", card, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Old_snapshots_raise_no_alerts()
    {
        await ApplyAsync(Snapshot(Morning.AddHours(-10), followers: 990));
        var old = Snapshot(Morning.AddHours(2), followers: 1_003);
        _app.Time.SetUtcNow(Morning.AddDays(2));
        await _app.Get<IQueuePublisher>().PublishAsync(old, CancellationToken.None);
        await _app.DeliverAsync(_app.Options.Queues.Snapshots, m => _app.Get<AggregateSnapshot>().Run(m, CancellationToken.None));

        Assert.Empty(await QueuedKeysAsync());
    }

    [Fact]
    public async Task Stalled_pulls_and_lapsing_data_access_are_raised_once_by_the_hourly_timer()
    {
        var state = _app.Get<PageStateStore>();
        await state.RecordPullAsync(PageId, "Kreis Soest", Morning.AddHours(-6), CancellationToken.None);
        await state.RecordPullAsync(OtherPageId, "Kreis Soest Ausbildung", Morning.AddHours(-3).AddMinutes(-10), CancellationToken.None);
        var row = (await _app.Tables.PageState.GetEntityAsync<PageStateEntity>(PageStateStore.Partition, OtherPageId)).Value;
        row.DataAccessExpiresAt = Morning.AddDays(10);
        await _app.Tables.PageState.UpdateEntityAsync(row, row.ETag, TableUpdateMode.Replace);

        _app.Time.SetUtcNow(Morning.AddHours(-3)); // 05:00 Berlin: before the digest hour
        await _app.Get<DailyDigest>().Run(new TimerInfo(), CancellationToken.None);
        await _app.Get<DailyDigest>().Run(new TimerInfo(), CancellationToken.None);

        var keys = await QueuedKeysAsync();
        Assert.Equal(2, keys.Count);
        Assert.Contains(keys, k => k.StartsWith("stalled:" + PageId + ":", StringComparison.Ordinal));
        Assert.Contains("token-lapsing:" + OtherPageId + ":data-access:2026-12-07", keys);
        await SendAllAsync();
        var texts = _teams.DeliveredText();
        Assert.Contains(texts, t => t.Contains("Abruf gestört", StringComparison.Ordinal) && t.Contains("https://listening.example.org/api/health", StringComparison.Ordinal));
        Assert.Contains(texts, t => t.Contains("läuft am 07.12.2026, 08:00 Uhr ab", StringComparison.Ordinal));
    }

    private static PageSnapshot Snapshot(DateTimeOffset capturedAt, long followers, params PostObservation[] posts) => new()
    {
        PageId = PageId,
        PageName = "Kreis Soest",
        CapturedAt = capturedAt,
        Followers = followers,
        Fans = followers - 20,
        Posts = posts,
    };

    private static PostObservation Post(string id, DateTimeOffset created, string text, long like = 0, long love = 0, long angry = 0, long sad = 0) => new()
    {
        Id = id,
        CreatedTime = created,
        Message = text,
        Permalink = $"https://www.facebook.com/{PageId}/posts/{id}",
        Reactions = new ReactionCounts { Like = like, Love = love, Angry = angry, Sad = sad },
    };

    /// <summary>Applies a snapshot through the queue function, with the clock at its capture time.</summary>
    private async Task ApplyAsync(PageSnapshot snapshot)
    {
        _app.Time.SetUtcNow(snapshot.CapturedAt);
        await _app.Get<IQueuePublisher>().PublishAsync(snapshot, CancellationToken.None);
        Assert.Equal(1, await _app.DeliverAsync(_app.Options.Queues.Snapshots, m => _app.Get<AggregateSnapshot>().Run(m, CancellationToken.None)));
    }

    private async Task<List<string>> QueuedKeysAsync()
    {
        var queue = _app.Queue(_app.Options.Queues.Notifications);
        await queue.CreateIfNotExistsAsync();
        return [.. (await queue.PeekMessagesAsync(32)).Value.Select(m => MessageCodec.DecodeNotification(m.Body.ToString()).Key)];
    }

    private Task<int> SendAllAsync() =>
        _app.DeliverAsync(_app.Options.Queues.Notifications, m => _app.Get<SendNotification>().Run(m, CancellationToken.None));

    private async Task<List<string>> ScheduledAtAsync(DateTimeOffset at)
    {
        _app.Time.SetUtcNow(at);
        await _app.Get<SchedulePulls>().Run(new TimerInfo(), CancellationToken.None);
        var pulls = new List<string>();
        await _app.DeliverAsync(_app.Options.Queues.Pulls, m =>
        {
            pulls.Add(MessageCodec.DecodePull(m.Body.ToString(), at).PageId);
            return Task.CompletedTask;
        });
        return [.. pulls.Order(StringComparer.Ordinal)];
    }
}
