using System.Text.Json.Nodes;
using Listening.Cli;
using Listening.Core.Contracts;
using Listening.Core.Storage;
using Listening.Functions;
using Listening.IntegrationTests.Infrastructure;

namespace Listening.IntegrationTests.Teams;

/// <summary><c>listening notify --date yyyy-MM-dd [--dry-run]</c> against Azurite and a webhook fake.</summary>
public sealed class NotifyCommandTests : IAsyncLifetime
{
    private const string PageId = "104857600000001";
    private FakeTeamsWebhook _teams = null!;
    private TestApp _app = null!;
    private Dictionary<string, string?> _settings = null!;

    public async Task InitializeAsync()
    {
        _teams = await FakeTeamsWebhook.StartAsync();
        _settings = new Dictionary<string, string?>
        {
            ["Listening:Pages:0:Id"] = PageId,
            ["Listening:Pages:0:Name"] = "Kreis Soest",
            ["Listening:Pages:0:AccessToken"] = "EAAtoken",
            ["Listening:Teams:WebhookUrl"] = _teams.Url(),
            ["Listening:PublicBaseUrl"] = "https://listening.example.org",
        };
        _app = await TestApp.StartAsync(new DateTimeOffset(2026, 11, 27, 20, 0, 0, TimeSpan.Zero), _settings);
        _settings["AzureWebJobsStorage"] = (await SharedAzurite.GetAsync()).ConnectionString;
        _settings["Listening:Tables:Prefix"] = _app.Options.Tables.Prefix;
        _settings["NotificationsQueue"] = _app.Options.Queues.Notifications;

        await _app.Get<IQueuePublisher>().PublishAsync(new PageSnapshot
        {
            PageId = PageId,
            PageName = "Kreis Soest",
            CapturedAt = new DateTimeOffset(2026, 11, 27, 19, 0, 0, TimeSpan.Zero),
            Followers = 52_000,
            Fans = 48_000,
            Posts = [new PostObservation
            {
                Id = PageId + "_1",
                CreatedTime = new DateTimeOffset(2026, 11, 27, 8, 0, 0, TimeSpan.Zero),
                Message = "Jetzt für eine Ausbildung beim Kreis bewerben! #Ausbildung",
                Permalink = "https://www.facebook.com/" + PageId + "/posts/1",
                Reactions = new ReactionCounts { Like = 120, Love = 8 },
                Comments = 9,
            }],
        }, CancellationToken.None);
        await _app.DeliverAsync(_app.Options.Queues.Snapshots, m => _app.Get<AggregateSnapshot>().Run(m, CancellationToken.None));
    }

    public async Task DisposeAsync()
    {
        await _app.DisposeAsync();
        await _teams.DisposeAsync();
    }

    [Fact]
    public async Task Dry_run_prints_the_workflows_payload_and_sends_nothing()
    {
        using var output = new StringWriter();
        using var error = new StringWriter();

        var exit = await NotifyCommand.RunAsync("2026-11-27", dryRun: true, verbose: false, output, error, CancellationToken.None, _settings);

        Assert.Equal(0, exit);
        var payload = JsonNode.Parse(output.ToString())!;
        Assert.Equal("message", (string?)payload["type"]);
        Assert.Contains("Tageszusammenfassung 27.11.2026", payload.ToJsonString(), StringComparison.Ordinal);
        Assert.Contains("#Ausbildung (1 Beitrag, 137 Interaktionen)", payload.ToJsonString(), StringComparison.Ordinal);
        Assert.Contains("nothing sent", error.ToString(), StringComparison.Ordinal);
        Assert.Empty(_teams.Requests);
    }

    [Fact]
    public async Task Notify_sends_the_digest_once()
    {
        using var output = new StringWriter();
        using var error = new StringWriter();

        Assert.Equal(0, await NotifyCommand.RunAsync("2026-11-27", dryRun: false, verbose: false, output, error, CancellationToken.None, _settings));
        Assert.Equal(0, await NotifyCommand.RunAsync("2026-11-27", dryRun: false, verbose: false, output, error, CancellationToken.None, _settings));

        Assert.Contains("Tageszusammenfassung 27.11.2026", Assert.Single(_teams.DeliveredText()), StringComparison.Ordinal);
        Assert.Contains("default: sent the digest of 2026-11-27.", output.ToString(), StringComparison.Ordinal);
        Assert.Contains("default: the digest of 2026-11-27 was sent before; not sent again.", output.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Notify_reports_a_refusing_webhook_with_exit_code_1_and_without_the_secret()
    {
        _teams.Script(FakeTeamsWebhook.Answer.TooManyRequests(90)); // longer than the CLI waits
        using var output = new StringWriter();
        using var error = new StringWriter();

        var exit = await NotifyCommand.RunAsync("2026-11-27", dryRun: false, verbose: false, output, error, CancellationToken.None, _settings);

        Assert.Equal(1, exit);
        Assert.Contains("Teams channel default answered HTTP 429 (Retry-After 90 s).", error.ToString(), StringComparison.Ordinal);
        Assert.DoesNotContain("TopSecretSig", output.ToString() + error.ToString(), StringComparison.Ordinal);
        Assert.Single(_teams.Requests);
    }

    [Fact]
    public async Task Notify_waits_for_one_Retry_After_and_then_sends()
    {
        _teams.Script(FakeTeamsWebhook.Answer.TooManyRequests(1));
        using var output = new StringWriter();
        using var error = new StringWriter();

        var exit = await NotifyCommand.RunAsync("2026-11-27", dryRun: false, verbose: false, output, error, CancellationToken.None, _settings);

        Assert.True(exit == 0, error.ToString());
        Assert.Equal(2, _teams.Requests.Count);
        Assert.Contains("Tageszusammenfassung 27.11.2026", Assert.Single(_teams.DeliveredText()), StringComparison.Ordinal);
        Assert.Contains("default: sent the digest of 2026-11-27.", output.ToString(), StringComparison.Ordinal);
        Assert.Empty(error.ToString());
    }

    [Fact]
    public async Task Notify_waits_only_once_and_gives_up_on_a_second_429()
    {
        _teams.Script(FakeTeamsWebhook.Answer.TooManyRequests(1), FakeTeamsWebhook.Answer.TooManyRequests(1));
        using var output = new StringWriter();
        using var error = new StringWriter();

        var exit = await NotifyCommand.RunAsync("2026-11-27", dryRun: false, verbose: false, output, error, CancellationToken.None, _settings);

        Assert.Equal(1, exit);
        Assert.Equal(2, _teams.Requests.Count);
        Assert.Empty(_teams.DeliveredText());
        Assert.Contains("Teams channel default answered HTTP 429 (Retry-After 1 s).", error.ToString(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("27.11.2026")]
    [InlineData("2026-13-01")]
    public async Task A_date_not_in_iso_form_is_refused(string date)
    {
        using var output = new StringWriter();
        using var error = new StringWriter();

        Assert.Equal(2, await NotifyCommand.RunAsync(date, dryRun: true, verbose: false, output, error, CancellationToken.None, _settings));
        Assert.Contains("use yyyy-MM-dd", error.ToString(), StringComparison.Ordinal);
    }
}
