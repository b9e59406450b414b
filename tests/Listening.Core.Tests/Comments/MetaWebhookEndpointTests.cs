using System.Text;
using System.Text.Json.Nodes;
using Listening.Core.Configuration;
using Listening.Core.Contracts;
using Listening.Core.Ingestion;
using Listening.Core.Meta;
using Listening.Core.Pipeline.Webhooks;
using Listening.Core.Storage;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using NSubstitute;
using static Listening.Core.Tests.Comments.WebhookPayloads;

namespace Listening.Core.Tests.Comments;

public sealed class MetaWebhookEndpointTests
{
    private const string Secret = "app-secret-0123456789";
    private const string VerifyToken = "verify-token-abcdef";

    private static readonly DateTimeOffset Now = new(2026, 12, 3, 7, 0, 0, TimeSpan.Zero);

    private readonly IQueuePublisher _queue = Substitute.For<IQueuePublisher>();
    private readonly ICommentStore _store = Substitute.For<ICommentStore>();
    private readonly List<CommentBatch> _sent = [];

    public MetaWebhookEndpointTests()
    {
        _queue.PublishAsync(Arg.Do<CommentBatch>(_sent.Add), Arg.Any<CancellationToken>()).Returns(Task.CompletedTask);
    }

    [Fact]
    public void Verification_with_the_verify_token_answers_the_challenge_as_plain_text()
    {
        var answer = Endpoint().Verify("subscribe", VerifyToken, "1158201444");

        Assert.Equal(200, answer.Status);
        Assert.StartsWith("text/plain", answer.ContentType, StringComparison.Ordinal);
        Assert.Equal("1158201444", Encoding.UTF8.GetString(answer.Body));
    }

    [Theory]
    [InlineData("subscribe", "wrong-token-123456", "1")]
    [InlineData("unsubscribe", VerifyToken, "1")]
    [InlineData(null, VerifyToken, "1")]
    [InlineData("subscribe", null, "1")]
    [InlineData("subscribe", VerifyToken, null)]
    [InlineData("subscribe", VerifyToken + "x", "1")]
    public void Verification_with_anything_else_answers_403(string? mode, string? token, string? challenge)
    {
        var answer = Endpoint().Verify(mode, token, challenge);

        Assert.Equal(403, answer.Status);
        Assert.DoesNotContain(VerifyToken, Encoding.UTF8.GetString(answer.Body), StringComparison.Ordinal);
    }

    [Fact]
    public void Without_a_configured_verify_token_verification_answers_403()
    {
        Assert.Equal(403, Endpoint(verifyToken: null).Verify("subscribe", "", "1").Status);
    }

    [Fact]
    public async Task A_signed_delivery_is_queued_and_answered_200()
    {
        var body = Delivery([Change("add", CommentId(1), "Wo gibt es Sandsäcke?"), Change("add", "1_2", item: "reaction")]);

        var answer = await ReceiveAsync(body, WebhookSignature.Sign(body, Secret));

        Assert.Equal(200, answer.Status);
        var message = Assert.Single(_sent);
        Assert.Equal(CommentSources.Webhook, message.Source);
        Assert.Equal(Now, message.ReceivedAt);
        Assert.Equal(CommentId(1), Assert.Single(message.Events).CommentId);
        await _store.Received(1).RecordWebhookEventAsync(PageId, Now, Arg.Any<CancellationToken>());
    }

    [Theory]
    [InlineData(null)]
    [InlineData("sha256=0000000000000000000000000000000000000000000000000000000000000000")]
    [InlineData("wrong")]
    public async Task A_delivery_without_a_valid_signature_gets_401_and_is_not_processed(string? signature)
    {
        var body = Delivery([Change("add", CommentId(1), "Hilfe")]);

        var answer = await ReceiveAsync(body, signature);

        Assert.Equal(401, answer.Status);
        Assert.Empty(_sent);
        await _store.DidNotReceiveWithAnyArgs().RecordWebhookEventAsync(default!, default, default);
    }

    [Fact]
    public async Task A_tampered_body_gets_401()
    {
        var body = Delivery([Change("add", CommentId(1), "Danke")]);
        var signature = WebhookSignature.Sign(body, Secret);
        var tampered = Delivery([Change("add", CommentId(1), "Idiot")]);

        Assert.Equal(401, (await ReceiveAsync(tampered, signature)).Status);
        Assert.Empty(_sent);
    }

    [Fact]
    public async Task Without_a_configured_app_secret_every_delivery_gets_401()
    {
        var body = Delivery([Change("add", CommentId(1), "Danke")]);

        var answer = await Endpoint(appSecret: null).ReceiveAsync(new MemoryStream(body), body.Length, WebhookSignature.Sign(body, Secret), CancellationToken.None);

        Assert.Equal(401, answer.Status);
    }

    [Fact]
    public async Task A_body_over_4_MB_gets_413_before_the_signature_is_checked()
    {
        var body = new byte[MetaWebhookEndpoint.MaxBodyBytes + 1];

        Assert.Equal(413, (await ReceiveAsync(body, WebhookSignature.Sign(body, Secret))).Status);
        // A lying Content-Length does not help: the body is read no further than the limit.
        Assert.Equal(413, (await Endpoint().ReceiveAsync(new MemoryStream(body), contentLength: 10, "x", CancellationToken.None)).Status);
        Assert.Equal(413, (await Endpoint().ReceiveAsync(new MemoryStream([]), contentLength: MetaWebhookEndpoint.MaxBodyBytes + 1L, "x", CancellationToken.None)).Status);
        Assert.Empty(_sent);
    }

    [Fact]
    public async Task A_signed_body_that_is_no_json_gets_400()
    {
        var body = "{\"object\":"u8.ToArray();

        Assert.Equal(400, (await ReceiveAsync(body, WebhookSignature.Sign(body, Secret))).Status);
        Assert.Empty(_sent);
    }

    [Fact]
    public async Task A_delivery_of_1000_long_comments_is_split_into_messages_under_the_queue_limit()
    {
        var text = string.Concat(Enumerable.Repeat("Wo bekomme ich Sandsäcke? \"Keller\" \\ voll ", 60));
        var body = Delivery(Enumerable.Range(0, 1000).Select(i => Change("add", CommentId(i), text)));

        var answer = await ReceiveAsync(body, WebhookSignature.Sign(body, Secret));

        Assert.Equal(200, answer.Status);
        Assert.True(_sent.Count > 1);
        Assert.All(_sent, m => Assert.True(Encoding.UTF8.GetByteCount(MessageCodec.Encode(m with { TraceParent = "00-" + new string('a', 32) + "-" + new string('b', 16) + "-01" })) <= MessageSchema.MaxPayloadBytes));
        Assert.Equal(Enumerable.Range(0, 1000).Select(CommentId), _sent.SelectMany(m => m.Events).Select(e => e.CommentId));
        Assert.All(_sent, m => MessageCodec.DecodeComments(MessageCodec.Encode(m), Now));
    }

    [Fact]
    public async Task A_null_entry_in_a_signed_delivery_is_skipped_and_the_comments_beside_it_are_queued()
    {
        // Before: the null entry's time was read as if it were an object, the parse threw, the function answered 500,
        // and Meta retried the whole delivery (comments beside it included) for 36 hours until it dropped it.
        var good = Delivery([Change("add", CommentId(1), "Hilfe, Keller voll")]);
        var body = Encoding.UTF8.GetBytes(Encoding.UTF8.GetString(good).Replace("\"entry\":[", "\"entry\":[null,", StringComparison.Ordinal));

        var answer = await ReceiveAsync(body, WebhookSignature.Sign(body, Secret));

        Assert.Equal(200, answer.Status);
        Assert.Equal(CommentId(1), Assert.Single(Assert.Single(_sent).Events).CommentId);
    }

    [Fact]
    public async Task Comments_of_pages_that_are_not_configured_are_ignored()
    {
        var body = Delivery([Change("add", "5_6", "Hilfe", postId: "5_1")], pageId: "5");

        var answer = await ReceiveAsync(body, WebhookSignature.Sign(body, Secret));

        Assert.Equal(200, answer.Status);
        Assert.Empty(_sent);
    }

    private Task<Listening.Core.Summaries.HttpAnswer> ReceiveAsync(byte[] body, string? signature) =>
        Endpoint().ReceiveAsync(new MemoryStream(body), body.Length, signature, CancellationToken.None);

    private MetaWebhookEndpoint Endpoint(string? appSecret = Secret, string? verifyToken = VerifyToken)
    {
        var options = Options.Create(new ListeningOptions
        {
            Facebook = new FacebookOptions { AppSecret = appSecret, WebhookVerifyToken = verifyToken },
            Pages = [new PageOptions { Id = PageId, Name = "Kreis Musterland", AccessToken = "page-token-0123456789" }],
        });
        return new MetaWebhookEndpoint(_queue, _store, new PageDirectory(options), options, new FakeTimeProvider(Now), NullLogger<MetaWebhookEndpoint>.Instance);
    }
}
