using Listening.Core.Snapshots;

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
}
