using System.Globalization;
using Listening.Core.Configuration;
using Listening.Core.Meta;
using Listening.Core.Telemetry;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Testing;

namespace Listening.Core.Tests.Configuration;

public sealed class SecretMaskerTests
{
    private const string Token = "EAAMaskerToken0123456789abcdef";
    private const string AppSecret = "MaskerAppSecret4711";
    private const string Sig = "MaskerSig_aB3dE5fG7hI9jK1lM3nO5";
    private const string ConnectorPath = "/webhookb2/0b5c3f0e-1d2e-4f6a-9b8c-7d6e5f4a3b2c@9f8e7d6c-5b4a-3c2d-1e0f-a9b8c7d6e5f4/IncomingWebhook/4c2a9e7b1d3f5a6c8e0b2d4f6a8c0e2b/1a2b3c4d-5e6f-7a8b-9c0d-1e2f3a4b5c6d";
    private const string AccountKey = "Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==";
    private const string VerifyToken = "MaskerVerifyToken99";

    private static readonly SecretMasker Masker = new(new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
    {
        ["Listening:Pages:0:Id"] = "104857600000001",
        ["Listening:Pages:0:AccessToken"] = Token,
        ["Listening:Pages:1:AccessToken"] = "short", // too short to mask: it would mask ordinary words
        ["Listening:Facebook:AppSecret"] = AppSecret,
        ["Listening:Teams:WebhookUrl"] = "https://prod-12.westeurope.logic.azure.com:443/workflows/5e8f0a1b2c3d4e5f6a7b8c9d0e1f2a3b/triggers/manual/paths/invoke?api-version=2016-06-01&sv=1.0&sig=" + Sig,
        ["Listening:Teams:Channels:alt:WebhookUrl"] = "https://kreis.webhook.office.com" + ConnectorPath,
        ["Listening:Webhooks:VerifyToken"] = VerifyToken,
        ["AzureWebJobsStorage"] = "DefaultEndpointsProtocol=https;AccountName=kreis;AccountKey=" + AccountKey + ";EndpointSuffix=core.windows.net",
        ["Listening:TimeZone"] = "Europe/Berlin",
    }).Build());

    [Theory]
    [InlineData("Malformed access token " + Token, "Malformed access token ***")]
    [InlineData("token " + Token + "." + Token, "token ***.***")]
    [InlineData("app secret " + AppSecret + "!", "app secret ***!")]
    [InlineData("see https://kreis.webhook.office.com" + ConnectorPath + " now", "see *** now")]
    [InlineData("POST https://other.example" + ConnectorPath, "POST https://other.example***")]
    [InlineData("segment 4c2a9e7b1d3f5a6c8e0b2d4f6a8c0e2b only", "segment *** only")]
    [InlineData("sig " + Sig, "sig ***")]
    [InlineData("verify " + VerifyToken, "verify ***")]
    [InlineData("key " + AccountKey, "key ***")]
    [InlineData("escaped Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq%2FK1SZFPTOtr%2FKBHBeksoGMGw%3D%3D", "escaped ***")]
    [InlineData("https://x.example/?access_token=unknownToken&limit=5", "https://x.example/?access_token=***&limit=5")]
    [InlineData("Page 104857600000001 in Europe/Berlin: a short token stays", "Page 104857600000001 in Europe/Berlin: a short token stays")]
    public void Masks_every_configured_secret_in_any_form_and_leaves_other_text_alone(string text, string expected)
    {
        Assert.Equal(expected, Masker.Mask(text));
    }

    [Fact]
    public void Masks_the_appsecret_proof_of_each_token()
    {
        Assert.Equal("proof ***", Masker.Mask("proof " + GraphClient.Proof(Token, AppSecret)));
    }

    [Fact]
    public void Webhook_URLs_are_those_of_configured_webhook_hosts_and_of_Teams()
    {
        Assert.True(Masker.IsWebhookUrl(new Uri("https://prod-12.westeurope.logic.azure.com/anything")));
        Assert.True(Masker.IsWebhookUrl(new Uri("https://someone.webhook.office.com/webhookb2/x")));
        Assert.False(Masker.IsWebhookUrl(new Uri("https://graph.facebook.com/v24.0/104857600000001")));
        Assert.False(Masker.IsWebhookUrl(new Uri("https://notwebhook.office.com.example/x")));
    }

    [Fact]
    public void The_writer_masks_a_secret_written_in_pieces()
    {
        using var inner = new StringWriter(CultureInfo.InvariantCulture);
        using (var writer = Masker.Wrap(inner))
        {
            writer.Write("token ");
            writer.Write(Token[..10]);
            writer.Write(Token[10..]);
            writer.WriteLine(" end");
            writer.Write("and " + AppSecret); // no newline: written when the writer is flushed
        }

        Assert.Equal("token *** end" + inner.NewLine + "and ***", inner.ToString());
    }

    [Fact]
    public void A_log_record_is_masked_in_its_message_state_and_exception_before_a_provider_sees_it()
    {
        var collector = new FakeLogCollector();
        using var provider = new FakeLoggerProvider(collector);
        using var factory = new MaskingLoggerFactory(new LoggerFactory([provider]), Masker);
        var logger = factory.CreateLogger("Test");

        logger.Log(LogLevel.Warning, new EventId(1), new Dictionary<string, object?>
        {
            ["Problem"] = "Malformed access token " + Token,
            ["Count"] = 3,
            ["{OriginalFormat}"] = "Problem: {Problem}",
        }.ToList(), new InvalidOperationException("boom " + AppSecret), (_, _) => "Problem: Malformed access token " + Token);

        var record = Assert.Single(collector.GetSnapshot());
        Assert.Equal("Problem: Malformed access token ***", record.Message);
        Assert.Equal("Malformed access token ***", record.GetStructuredStateValue("Problem"));
        Assert.Equal("3", record.GetStructuredStateValue("Count"));
        Assert.Equal("Problem: {Problem}", record.GetStructuredStateValue("{OriginalFormat}"));
        var exception = Assert.IsType<MaskedException>(record.Exception);
        Assert.Equal("boom ***", exception.Message);
        Assert.Equal(typeof(InvalidOperationException).FullName, exception.OriginalType);
        Assert.DoesNotContain(AppSecret, exception.ToString(), StringComparison.Ordinal);
    }
}
