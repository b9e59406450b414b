using Listening.Core.Contracts;
using Listening.Core.Ingestion;
using Listening.Core.Meta;

namespace Listening.Core.Tests.Snapshots;

public sealed class MessageCodecTests
{
    private static readonly DateTimeOffset Now = new(2026, 11, 28, 6, 0, 0, TimeSpan.Zero);

    private static PageSnapshot Sample() => new()
    {
        PageId = "104857600000001",
        PageName = "Kreis Soest",
        CapturedAt = Now.AddMinutes(-5),
        Followers = 1003,
        Posts =
        [
            new PostObservation
            {
                Id = "104857600000001_1",
                CreatedTime = Now.AddHours(-3),
                Reactions = new ReactionCounts { Like = 4, Angry = 1 },
                Comments = 2,
            },
        ],
    };

    [Fact]
    public void Snapshot_round_trips_with_schema_and_camel_case()
    {
        var json = MessageCodec.Encode(Sample());

        Assert.Contains("\"schema\":1", json, StringComparison.Ordinal);
        Assert.Contains("\"capturedAt\":", json, StringComparison.Ordinal);
        var back = MessageCodec.DecodeSnapshot(json, Now);
        Assert.Equal(1003, back.Followers);
        Assert.Equal(5, back.Posts[0].Reactions.Total);
    }

    [Theory]
    [InlineData("", "empty")]
    [InlineData("{not json", "not valid")]
    [InlineData("null", "null")]
    [InlineData("{\"schema\":2,\"pageId\":\"1\",\"pageName\":\"x\",\"capturedAt\":\"2026-11-28T05:00:00Z\"}", "schema 2")]
    [InlineData("{\"schema\":1,\"pageName\":\"x\",\"capturedAt\":\"2026-11-28T05:00:00Z\"}", "pageId")]
    [InlineData("{\"schema\":1,\"pageId\":\"1\",\"pageName\":\"x\",\"capturedAt\":\"yesterday\"}", "not valid")]
    [InlineData("{\"schema\":1,\"pageId\":\"1\",\"pageName\":\"x\",\"capturedAt\":\"2026-11-28T09:00:00Z\"}", "future")]
    [InlineData("{\"schema\":1,\"pageId\":\"1\",\"pageName\":\"x\",\"capturedAt\":\"2026-11-28T05:00:00Z\",\"followers\":-1}", "negative")]
    [InlineData("{\"schema\":1,\"pageId\":\"1/2\",\"pageName\":\"x\",\"capturedAt\":\"2026-11-28T05:00:00Z\"}", "table key")]
    public void Bad_snapshot_is_rejected_with_a_reason(string body, string reason)
    {
        var ex = Assert.Throws<InvalidMessageException>(() => MessageCodec.DecodeSnapshot(body, Now));

        Assert.Contains(reason, ex.Message, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public void Negative_reaction_count_is_rejected()
    {
        var snapshot = Sample() with { Posts = [Sample().Posts[0] with { Reactions = new ReactionCounts { Sad = -2 } }] };

        var ex = Assert.Throws<InvalidMessageException>(() => MessageCodec.DecodeSnapshot(MessageCodec.Encode(snapshot), Now));

        Assert.Contains("negative reaction", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Oversized_snapshot_is_rejected()
    {
        var body = MessageCodec.Encode(Sample() with { PageName = new string('x', MessageSchema.MaxPayloadBytes) });

        var ex = Assert.Throws<InvalidMessageException>(() => MessageCodec.DecodeSnapshot(body, Now));

        Assert.Contains("larger than", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_long_post_text_is_cut_at_decode_to_the_documented_length_without_splitting_a_character()
    {
        // 999 characters, then an emoji (a surrogate pair) across the limit, then 40,000 more.
        var text = new string('a', MessageSchema.MaxMessageLength - 1) + "😀" + new string('b', 40_000);
        var snapshot = Sample() with { Posts = [Sample().Posts[0] with { Message = text }] };

        var back = MessageCodec.DecodeSnapshot(MessageCodec.Encode(snapshot), Now);

        Assert.Equal(new string('a', MessageSchema.MaxMessageLength - 1), back.Posts[0].Message);
    }

    [Fact]
    public void A_long_page_name_is_cut_at_decode()
    {
        var back = MessageCodec.DecodeSnapshot(MessageCodec.Encode(Sample() with { PageName = new string('n', 5_000) }), Now);

        Assert.Equal(MessageSchema.MaxPageNameLength, back.PageName.Length);
    }

    public static TheoryData<string, string> OverlongFields() => new()
    {
        { "\"posts\":[],\"pageId\":\"" + new string('1', MessageSchema.MaxIdLength + 1) + "\"", "pageId is longer than 128" },
        { "\"posts\":[{\"id\":\"" + new string('1', MessageSchema.MaxIdLength + 1) + "\",\"createdTime\":\"2026-11-28T03:00:00Z\",\"reactions\":{}}]", "post id is longer than 128" },
        { "\"posts\":[{\"id\":\"p1\",\"createdTime\":\"2026-11-28T03:00:00Z\",\"reactions\":{},\"permalink\":\"https://www.facebook.com/" + new string('x', MessageSchema.MaxPermalinkLength) + "\"}]", "permalink of post p1 is longer than 2048" },
    };

    [Theory]
    [MemberData(nameof(OverlongFields))]
    public void An_overlong_id_or_permalink_is_rejected_with_a_reason(string field, string reason)
    {
        var page = field.Contains("\"pageId\"", StringComparison.Ordinal) ? "" : "\"pageId\":\"1\",";
        var body = "{\"schema\":1," + page + "\"pageName\":\"x\",\"capturedAt\":\"2026-11-28T05:00:00Z\",\"parts\":1," + field + "}";

        var ex = Assert.Throws<InvalidMessageException>(() => MessageCodec.DecodeSnapshot(body, Now));

        Assert.Contains(reason, ex.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("\"followers\":1000000000001", "followers (1000000000001) lies outside 0 to 1000000000000")]
    [InlineData("\"fans\":9223372036854775807", "fans (9223372036854775807) lies outside")]
    [InlineData("\"posts\":[{\"id\":\"p1\",\"createdTime\":\"2026-11-28T03:00:00Z\",\"reactions\":{\"wow\":1000000000001}}]", "a reaction count of post p1")]
    [InlineData("\"posts\":[{\"id\":\"p1\",\"createdTime\":\"2026-11-28T03:00:00Z\",\"reactions\":{},\"shares\":1000000000001}]", "the share count of post p1")]
    [InlineData("\"posts\":[{\"id\":\"p1\",\"createdTime\":\"2026-11-28T03:00:00Z\",\"reactions\":{},\"metrics\":{\"post_media_view\":1000000000001}}]", "a metric value of post p1")]
    [InlineData("\"posts\":[{\"id\":\"p1\",\"createdTime\":\"0001-01-01T00:00:00Z\",\"reactions\":{}}]", "before Facebook existed")]
    [InlineData("\"posts\":[{\"id\":\"p1\",\"createdTime\":\"2026-11-29T06:00:00Z\",\"reactions\":{}}]", "created after the capture time")]
    [InlineData("\"posts\":[],\"insights\":[{\"metric\":\"page_follows\",\"endTime\":\"9999-12-31T08:00:00Z\",\"value\":3}]", "impossible end time")]
    [InlineData("\"posts\":[],\"insights\":[{\"metric\":\"page_follows\",\"endTime\":\"2026-11-28T08:00:00Z\",\"value\":1000000000001}]", "the value of insight page_follows")]
    [InlineData("\"followers\":5,\"followers\":7", "Duplicate")]
    [InlineData("\"posts\":[{\"id\":\"p1\",\"id\":\"p2\",\"createdTime\":\"2026-11-28T03:00:00Z\",\"reactions\":{}}]", "Duplicate")]
    [InlineData("\"posts\":[{\"id\":\"p1\",\"createdTime\":\"2026-11-28T03:00:00Z\",\"reactions\":{\"like\":1,\"like\":2}}]", "Duplicate")]
    public void A_value_that_can_never_be_right_is_rejected_with_a_reason(string field, string reason)
    {
        var body = "{\"schema\":1,\"pageId\":\"1\",\"pageName\":\"x\",\"capturedAt\":\"2026-11-28T05:00:00Z\",\"parts\":1," + field + "}";

        var ex = Assert.Throws<InvalidMessageException>(() => MessageCodec.DecodeSnapshot(body, Now));

        Assert.Contains(reason, ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void The_largest_plausible_values_are_accepted()
    {
        var body = "{\"schema\":1,\"pageId\":\"1\",\"pageName\":\"x\",\"capturedAt\":\"2026-11-28T05:00:00Z\",\"parts\":1,\"followers\":1000000000000,"
            + "\"posts\":[{\"id\":\"p1\",\"createdTime\":\"2004-02-04T00:00:00Z\",\"reactions\":{\"like\":1000000000000},\"comments\":0}],"
            + "\"insights\":[{\"metric\":\"page_follows\",\"endTime\":\"2026-11-29T08:00:00Z\",\"value\":1000000000000}]}";

        var snapshot = MessageCodec.DecodeSnapshot(body, Now);

        Assert.Equal(MessageSchema.MaxCount, snapshot.Followers);
        Assert.Equal(MessageSchema.MaxCount, snapshot.Posts[0].Reactions.Like);
        Assert.Equal(MessageSchema.MaxCount, Assert.Single(snapshot.Insights).Value);
    }

    [Theory]
    [InlineData("\"since\":\"0001-01-01\",\"until\":\"2026-11-01\"", "since 0001-01-01 is before Facebook existed")]
    [InlineData("\"since\":\"2026-11-01\",\"until\":\"9999-12-31\"", "until 9999-12-31 lies in the future")]
    [InlineData("\"since\":\"2026-11-01\",\"since\":\"2026-11-02\"", "Duplicate")]
    public void A_pull_with_an_impossible_range_is_rejected_with_a_reason(string range, string reason)
    {
        var body = "{\"schema\":1,\"pageId\":\"1\",\"kind\":\"posts\",\"requestedAt\":\"2026-11-28T05:00:00Z\"," + range + "}";

        var ex = Assert.Throws<InvalidMessageException>(() => MessageCodec.DecodePull(body, Now));

        Assert.Contains(reason, ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_pull_up_to_today_is_accepted()
    {
        var body = "{\"schema\":1,\"pageId\":\"1\",\"kind\":\"posts\",\"requestedAt\":\"2026-11-28T05:00:00Z\",\"since\":\"2004-02-04\",\"until\":\"2026-11-28\"}";

        Assert.Equal(new DateOnly(2026, 11, 28), MessageCodec.DecodePull(body, Now).Until);
    }

    [Theory]
    [InlineData("\"key\":\"a\",\"key\":\"b\",\"kind\":\"digest\",\"channel\":\"default\"", "Duplicate")]
    [InlineData("\"key\":\"a\",\"kind\":\"digest\",\"channel\":\"LONG\"", "channel is longer than 100")]
    [InlineData("\"key\":\"LONG\",\"kind\":\"digest\",\"channel\":\"default\"", "key is longer than 1000")]
    [InlineData("\"key\":\"a\",\"kind\":\"digest\",\"channel\":\"default\",\"payload\":{\"type\":\"message\",\"type\":\"other\"}", "Duplicate")]
    public void A_notification_with_duplicate_keys_or_overlong_names_is_rejected(string fields, string reason)
    {
        var payload = fields.Contains("\"payload\"", StringComparison.Ordinal) ? "" : ",\"payload\":{\"type\":\"message\"}";
        var body = "{\"schema\":1," + fields.Replace("LONG", new string('k', 1001), StringComparison.Ordinal) + payload + "}";

        var ex = Assert.Throws<InvalidMessageException>(() => MessageCodec.DecodeNotification(body));

        Assert.Contains(reason, ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void The_splitter_keeps_to_the_decoders_limits_so_a_long_permalink_from_Meta_parks_nothing()
    {
        var capture = new Listening.Core.Meta.PageCapture
        {
            PageId = "104857600000001",
            PageName = new string('n', 1_000),
            CapturedAt = Now.AddMinutes(-5),
            Posts =
            [
                Sample().Posts[0] with { Message = new string('m', 5_000), Permalink = "https://www.facebook.com/" + new string('p', MessageSchema.MaxPermalinkLength) },
                Sample().Posts[0] with { Id = "104857600000001_2", Permalink = "https://www.facebook.com/104857600000001/posts/2" },
            ],
        };

        var decoded = MessageCodec.DecodeSnapshot(MessageCodec.Encode(Assert.Single(SnapshotSplitter.Split(capture))), Now);

        Assert.Equal(MessageSchema.MaxPageNameLength, decoded.PageName.Length);
        Assert.Equal(MessageSchema.MaxMessageLength, decoded.Posts[0].Message!.Length);
        Assert.Null(decoded.Posts[0].Permalink);
        Assert.Equal("https://www.facebook.com/104857600000001/posts/2", decoded.Posts[1].Permalink);
    }

    [Fact]
    public void A_lone_surrogate_escape_is_rejected_as_invalid_json_not_thrown_as_something_else()
    {
        var body = "{\"schema\":1,\"pageId\":\"1\",\"pageName\":\"x\\ud800\",\"capturedAt\":\"2026-11-28T05:00:00Z\",\"parts\":1,\"posts\":[]}";

        var ex = Assert.Throws<InvalidMessageException>(() => MessageCodec.DecodeSnapshot(body, Now));

        Assert.Contains("not valid PageSnapshot JSON", ex.Message, StringComparison.Ordinal);
    }
}
