using System.Text;
using Listening.Core.Meta;

namespace Listening.Core.Tests.Comments;

public sealed class WebhookSignatureTests
{
    private const string Secret = "app-secret-0123456789";

    private static readonly byte[] Body = Encoding.UTF8.GetBytes("""{"object":"page","entry":[]}""");

    [Fact]
    public void A_signature_of_the_body_with_the_app_secret_is_valid()
    {
        var header = WebhookSignature.Sign(Body, Secret);

        Assert.StartsWith("sha256=", header, StringComparison.Ordinal);
        Assert.Equal(71, header.Length);
        Assert.True(WebhookSignature.IsValid(Body, header, Secret));
        Assert.True(WebhookSignature.IsValid(Body, "SHA256=" + header[7..].ToUpperInvariant(), Secret));
    }

    [Fact]
    public void A_signature_made_with_another_secret_is_refused()
    {
        Assert.False(WebhookSignature.IsValid(Body, WebhookSignature.Sign(Body, "another-secret-987"), Secret));
    }

    [Fact]
    public void A_tampered_body_is_refused()
    {
        var header = WebhookSignature.Sign(Body, Secret);
        var tampered = (byte[])Body.Clone();
        tampered[^2] = (byte)' ';

        Assert.False(WebhookSignature.IsValid(tampered, header, Secret));
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("sha256=")]
    [InlineData("sha1=0123456789abcdef0123456789abcdef01234567")]
    [InlineData("sha256=zz23456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef")]
    [InlineData("sha256=0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcd")]
    public void A_missing_or_malformed_signature_is_refused(string? header)
    {
        Assert.False(WebhookSignature.IsValid(Body, header, Secret));
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    public void Without_an_app_secret_nothing_is_valid(string? secret)
    {
        Assert.False(WebhookSignature.IsValid(Body, WebhookSignature.Sign(Body, Secret), secret));
    }
}
