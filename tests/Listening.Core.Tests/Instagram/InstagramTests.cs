using System.Text.Json;
using Listening.Core.Aggregation;
using Listening.Core.Configuration;
using Listening.Core.Contracts;
using Listening.Core.Ingestion;
using Listening.Core.Meta;
using Listening.Core.Storage;
using Microsoft.Extensions.Configuration;

namespace Listening.Core.Tests.Instagram;

/// <summary>Issue 14 in pieces: the option, the snapshot's Instagram part, parsing Meta's answers, the merge rule and the day's summary.</summary>
public sealed class InstagramTests
{
    private static readonly DateTimeOffset Now = new(2026, 11, 28, 6, 0, 0, TimeSpan.Zero);
    private static readonly LocalCalendar Calendar = new("Europe/Berlin");
    private const string AccountId = "17841400000000001";

    private static IEnumerable<string> Failures(params (string Key, string Value)[] settings)
    {
        var configuration = new ConfigurationBuilder()
            .AddInMemoryCollection(new Dictionary<string, string?> { ["AzureWebJobsStorage"] = "UseDevelopmentStorage=true", ["Listening:Pages:0:Id"] = "104857600000001" })
            .AddInMemoryCollection(settings.Select(s => new KeyValuePair<string, string?>(s.Key, s.Value)))
            .Build();
        var options = new ListeningOptions();
        configuration.GetSection(ListeningOptions.SectionName).Bind(options);
        return [.. new ListeningOptionsValidator(configuration).Validate(null, options).Failures ?? []];
    }

    [Theory]
    [InlineData("auto", true)]
    [InlineData("OFF", false)]
    [InlineData(" off ", false)]
    public void Instagram_is_auto_by_default_and_off_when_configured(string value, bool enabled)
    {
        Assert.True(new PageOptions().InstagramEnabled);
        Assert.Equal(enabled, new PageOptions { Instagram = value }.InstagramEnabled);
        Assert.Empty(Failures(("Listening:Pages:0:Instagram", value)));
    }

    [Fact]
    public void An_unknown_Instagram_value_stops_start_up_naming_the_key_and_the_fix()
    {
        var failure = Assert.Single(Failures(("Listening:Pages:0:Instagram", "yes")));
        Assert.Equal("Listening:Pages:0:Instagram 'yes' is not known: use auto (read the Instagram account linked to the Page) or off (leave Instagram out).", failure);
    }

    private static PageSnapshot Snapshot(DateTimeOffset capturedAt, long followers, long views, IReadOnlyDictionary<string, long>? metrics = null) => new()
    {
        PageId = "104857600000001",
        PageName = "Kreis Soest",
        CapturedAt = capturedAt,
        Instagram = new InstagramObservation
        {
            AccountId = AccountId,
            Username = "kreis_soest",
            Followers = followers,
            Media =
            [
                new InstagramMediaObservation
                {
                    Id = "17900000000000001",
                    Timestamp = Now.AddDays(-2),
                    Caption = "Ausbildung #azubi",
                    MediaType = "VIDEO",
                    ProductType = "REELS",
                    Likes = 10,
                    Metrics = metrics ?? new Dictionary<string, long> { ["views"] = views, ["reach"] = views / 2 },
                },
            ],
            Insights = [new InsightValue { Metric = "reach", EndTime = MetaCalendar.EndOf(new DateOnly(2026, 11, 26)), Value = 500 }],
        },
    };

    [Fact]
    public void The_Instagram_part_round_trips_through_the_codec()
    {
        var back = MessageCodec.DecodeSnapshot(MessageCodec.Encode(Snapshot(Now.AddMinutes(-5), 4980, 900)), Now);
        Assert.Equal(AccountId, back.Instagram!.AccountId);
        Assert.Equal("REELS", back.Instagram.Media[0].ProductType);
        Assert.Equal(900, back.Instagram.Media[0].Metrics!["views"]);
        Assert.Equal(500, back.Instagram.Insights[0].Value);
    }

    [Theory]
    [InlineData("accountId", "\"17841400000000001\"", "\"../x\"", "instagram.accountId is not a numeric id")]
    [InlineData("followers", "4980", "-1", "instagram.followers (-1) lies outside")]
    [InlineData("likes", "10", "1000000000001", "the like count of instagram media")]
    [InlineData("id", "\"17900000000000001\"", "\"a/b\"", "an instagram media item has no usable id")]
    public void A_malformed_Instagram_part_is_parked_with_the_reason(string field, string good, string bad, string reason)
    {
        var json = MessageCodec.Encode(Snapshot(Now.AddMinutes(-5), 4980, 900));
        var broken = json.Replace($"\"{field}\":{good}", $"\"{field}\":{bad}", StringComparison.Ordinal);
        Assert.NotEqual(json, broken);
        var ex = Assert.Throws<InvalidMessageException>(() => MessageCodec.DecodeSnapshot(broken, Now));
        Assert.Contains(reason, ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Media_that_appear_twice_in_a_part_are_parked()
    {
        var s = Snapshot(Now.AddMinutes(-5), 4980, 900);
        s = s with { Instagram = s.Instagram! with { Media = [s.Instagram.Media[0], s.Instagram.Media[0]] } };
        Assert.Throws<InvalidMessageException>(() => MessageCodec.DecodeSnapshot(MessageCodec.Encode(s), Now));
    }

    [Fact]
    public void Meta_media_and_total_values_parse_and_a_garbage_count_skips_the_item()
    {
        using var media = JsonDocument.Parse("""
            {"id":"17900000000000001","caption":"Reel","media_type":"VIDEO","media_product_type":"REELS","permalink":"https://www.instagram.com/reel/x/",
             "timestamp":"2026-11-27T09:15:00+0000","like_count":12,"comments_count":3,
             "insights":{"data":[{"name":"views","period":"lifetime","values":[{"value":900}],"title":"Views","id":"1/insights/views/lifetime"}]}}
            """);
        Assert.True(InstagramReader.TryParseMedia(media.RootElement, Now, out var parsed, out _));
        Assert.Equal((12L, 3L, 900L, "REELS"), (parsed!.Likes!.Value, parsed.Comments!.Value, parsed.Metrics!["views"], parsed.ProductType!));

        using var garbage = JsonDocument.Parse("""{"id":"17900000000000002","timestamp":"2026-11-27T09:15:00+0000","like_count":1e20}""");
        Assert.False(InstagramReader.TryParseMedia(garbage.RootElement, Now, out _, out var problem));
        Assert.Equal("like_count", problem!.Field);

        using var totals = JsonDocument.Parse("""{"data":[{"name":"views","period":"day","title":"Views","total_value":{"value":1234},"id":"1/insights/views/day"},{"name":"reach","period":"day","values":[{"value":5}]}]}""");
        var value = Assert.Single(InstagramReader.ParseTotalValues(totals.RootElement, new DateOnly(2026, 11, 26), null));
        Assert.Equal(("views", 1234L, MetaCalendar.EndOf(new DateOnly(2026, 11, 26))), (value.Metric, value.Value, value.EndTime));
    }

    [Fact]
    public void Rows_merge_to_the_same_result_in_any_order_and_keep_the_last_insights_carried()
    {
        var date = new DateOnly(2026, 11, 28);
        // The later capture carries no insights (Meta did not answer them): the earlier capture's stay.
        var early2 = Rows(Snapshot(Now.AddHours(-2), 4980, 900), date);
        var late2 = Rows(Snapshot(Now.AddHours(-1), 4990, 0, new Dictionary<string, long>()), date);

        static InstagramRowEntity Apply(InstagramRowEntity stored, InstagramRowEntity incoming) => InstagramDays.Merge(stored, incoming) ?? stored;
        for (var i = 0; i < early2.Count; i++)
        {
            var a = Apply(early2[i], late2[i]);
            var b = Apply(late2[i], early2[i]);
            Assert.Equal(Describe(a), Describe(b));
            Assert.Null(InstagramDays.Merge(a, late2[i])); // applying again changes nothing
        }

        var media = Apply(late2[1], early2[1]);
        Assert.Equal(Now.AddHours(-1), media.ObservedAt);                // counters of the later capture
        Assert.Equal("reach=450;views=900", media.Metrics);               // insights of the later capture that carried any
        Assert.Equal(4990, Apply(early2[0], late2[0]).Followers);
    }

    private static List<InstagramRowEntity> Rows(PageSnapshot snapshot, DateOnly date) => InstagramDays.Rows(snapshot, snapshot.Instagram!, date);

    private static string Describe(InstagramRowEntity r) =>
        string.Join('|', r.RowKey, r.ObservedAt.ToUnixTimeMilliseconds(), r.Followers, r.Likes, r.Metrics, r.MetricsAt?.ToUnixTimeMilliseconds(), r.Value);

    [Fact]
    public void The_day_shows_gains_from_end_of_day_values_and_unknown_is_null()
    {
        var date = new DateOnly(2026, 11, 28);
        var before = Rows(Snapshot(Now.AddDays(-1), 4900, 600), date.AddDays(-1));
        var today = Rows(Snapshot(Now, 4980, 900), date);
        var rows = before.Concat(today).GroupBy(r => r.RowKey, StringComparer.Ordinal).ToDictionary(g => g.Key, g => g.Last(), StringComparer.Ordinal);
        var day = InstagramDays.Build(AccountId, date, Calendar, rows, metaComplete: false, MetricNames.DefaultAliases)!;

        Assert.Equal(new CounterChange(4980, 80), day.Followers);
        var reel = Assert.Single(day.Media);
        Assert.False(reel.New);
        Assert.Equal((300L, 900L, 150L, 450L), (reel.Views!.Value, reel.ViewsTotal!.Value, reel.Reach!.Value, reel.ReachTotal!.Value));
        Assert.Equal(0, reel.Likes);
        Assert.Null(reel.SavesTotal); // never reported: unknown, not 0
        Assert.Null(day.Saves);
        Assert.Equal(300, day.Views);
        Assert.Null(day.MetaDay);
    }

    [Fact]
    public void An_impressions_value_continues_views_through_the_alias_map()
    {
        var date = new DateOnly(2026, 11, 28);
        var snapshot = Snapshot(Now, 4980, 0, new Dictionary<string, long> { ["impressions"] = 700 });
        snapshot = snapshot with { Instagram = snapshot.Instagram! with { Media = [snapshot.Instagram.Media[0] with { Timestamp = Now.AddHours(-1) }] } };
        var today = Rows(snapshot, date);
        var day = InstagramDays.Build(AccountId, date, Calendar, today.ToDictionary(r => r.RowKey, StringComparer.Ordinal), false, MetricNames.DefaultAliases)!;
        Assert.Equal("views", MetricNames.SeriesOf("plays", MetricNames.DefaultAliases));
        Assert.Equal(700, day.Media.Single().ViewsTotal);
    }

    [Fact]
    public void A_capture_with_100_media_is_split_into_parts_under_the_limit_that_each_carry_the_account()
    {
        var media = Enumerable.Range(1, 100).Select(i => new InstagramMediaObservation
        {
            Id = $"179000000000{i:D5}",
            Timestamp = Now.AddHours(-i),
            Caption = new string('x', 2000),
            ProductType = "FEED",
            Likes = i,
            Metrics = new Dictionary<string, long> { ["views"] = i, ["reach"] = i },
        }).ToList();
        var capture = new PageCapture
        {
            PageId = "104857600000001",
            PageName = "Kreis Soest",
            CapturedAt = Now,
            Instagram = new InstagramObservation { AccountId = AccountId, Followers = 4980, Media = media },
        };
        var parts = SnapshotSplitter.Split(capture);
        Assert.True(parts.Count > 1);
        Assert.All(parts, p => Assert.True(System.Text.Encoding.UTF8.GetByteCount(MessageCodec.Encode(p)) <= MessageSchema.MaxPayloadBytes));
        Assert.All(parts.Where(p => p.Instagram is not null), p => Assert.Equal(4980, p.Instagram!.Followers));
        Assert.Equal(100, parts.Sum(p => p.Instagram?.Media.Count ?? 0));
        Assert.All(parts.SelectMany(p => p.Instagram?.Media ?? []), m => Assert.Equal(MessageSchema.MaxMessageLength, m.Caption!.Length));
    }

    [Fact]
    public void A_rejection_for_one_media_type_is_remembered_under_that_type_and_told_in_German()
    {
        Assert.Equal("instagram-reels:shares", InstagramMetrics.Rejected(InstagramMetrics.TypeScope("REELS"), "shares"));
        Assert.Equal("feed", InstagramMetrics.TypeScope("FEED"));
        Assert.Equal("unknown", InstagramMetrics.TypeScope("#?/"));
        Assert.Equal(("reels", "shares"), InstagramMetrics.ParseRejected("instagram-reels:shares"));
        Assert.Null(InstagramMetrics.ParseRejected("page_media_view"));

        var byType = InstagramReader.TypeRejections(["instagram-feed:shares", "instagram-media:saved", "instagram-story:replies", "instagram-account:views", "page_media_view"]);
        Assert.Equal(["feed"], byType.Keys);
        Assert.Equal(["shares"], byType["feed"]);

        var options = Microsoft.Extensions.Options.Options.Create(new ListeningOptions());
        var log = new Listening.Core.Notifications.Alerts.AlertLog(
            NSubstitute.Substitute.For<IAlertHistory>(), NSubstitute.Substitute.For<IQueuePublisher>(), Calendar,
            Microsoft.Extensions.Logging.Abstractions.NullLogger<Listening.Core.Notifications.Alerts.AlertLog>.Instance);
        var alerts = new Listening.Core.Notifications.Alerts.IngestionAlerts(options, Calendar, log, NSubstitute.Substitute.For<IPageStateStore>());
        var alert = alerts.MetricRejected("104857600000001", "Kreis Soest", "instagram-feed:shares", null, Now);
        Assert.Equal("Instagram liefert eine Kennzahl nicht mehr", alert.Title);
        Assert.StartsWith("Meta hat die Instagram-Kennzahl „shares“ für Beiträge abgelehnt; für die anderen Medien kommt sie weiter an.", alert.Text, StringComparison.Ordinal);
        Assert.Equal("metric-rejected:104857600000001:instagram-feed:shares", alert.Key);
        Assert.StartsWith("Meta hat die Kennzahl „page_media_view“", alerts.MetricRejected("104857600000001", "Kreis Soest", "page_media_view", null, Now).Text, StringComparison.Ordinal);
    }
}
