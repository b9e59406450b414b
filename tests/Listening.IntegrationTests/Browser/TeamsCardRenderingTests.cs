using System.Text.Json.Nodes;
using Listening.Core.Configuration;
using Listening.Core.Notifications;
using Listening.Core.Notifications.Alerts;
using Listening.Core.Meta.Sample;
using Microsoft.Extensions.Options;
using Listening.Core.Notifications.Teams;

namespace Listening.IntegrationTests.Browser;

/// <summary>
/// Every kind of card the system posts, rendered by the official Adaptive Cards renderer in headless Chromium:
/// no parse or validation event, no page error. The digest of the demo's storm day is also the README screenshot
/// (written to docs/images when LISTENING_UPDATE_SCREENSHOTS=1, else to the test's output folder).
/// </summary>
[Collection(TeamsBrowserGroup.Name)]
public sealed class TeamsCardRenderingTests(AdaptiveCardsBrowserFixture fixture) : IClassFixture<AdaptiveCardsBrowserFixture>
{
    private static readonly LocalCalendar Calendar = new("Europe/Berlin");
    private static readonly DateOnly FirstDay = new(2026, 10, 29);
    private readonly AdaptiveCardsBrowser _browser = fixture.Browser;

    public static TheoryData<string> CardKinds() => new(Cards().Keys);

    [Theory]
    [MemberData(nameof(CardKinds))]
    public async Task Card_renders_without_errors_or_warnings(string kind)
    {
        var card = Cards()[kind];

        var rendering = await _browser.RenderAsync(card, ScreenshotPath(kind));

        Assert.Empty(rendering.Problems);
        Assert.Null(WorkflowsPayload.Validate(WorkflowsPayload.Wrap(card)));
        Assert.False(string.IsNullOrWhiteSpace(rendering.Text));
    }

    [Fact]
    public async Task Digest_of_the_storm_day_shows_numbers_posts_alerts_and_crisis_mode()
    {
        var rendering = await _browser.RenderAsync(Cards()["digest-storm-day"]);

        Assert.Contains("Demo – Tageszusammenfassung 20.11.2026", rendering.Text, StringComparison.Ordinal);
        Assert.Contains("Follower", rendering.Text, StringComparison.Ordinal);
        Assert.Contains("UNWETTERWARNUNG", rendering.Text, StringComparison.Ordinal);
        Assert.Contains("Krisenmodus", rendering.Text, StringComparison.Ordinal);
        Assert.Contains("Warnungen des Tages", rendering.Text, StringComparison.Ordinal);
        Assert.Contains("Zusammenfassung öffnen", rendering.Text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_broken_card_is_reported_by_the_renderer()
    {
        // The check must be able to fail: an element type Teams does not know and a bad property value.
        var card = new JsonObject
        {
            ["type"] = "AdaptiveCard",
            ["version"] = "1.5",
            ["body"] = new JsonArray(
                new JsonObject { ["type"] = "Fancybox", ["text"] = "x" },
                new JsonObject { ["type"] = "TextBlock", ["text"] = "y", ["size"] = "Gigantic" }),
        };

        var rendering = await _browser.RenderAsync(card);

        Assert.Contains(rendering.Problems, p => p.Contains("UnknownElementType", StringComparison.Ordinal));
        Assert.Contains(rendering.Problems, p => p.Contains("InvalidPropertyValue", StringComparison.Ordinal));
    }

    /// <summary>Every card kind, built by the real builders from demo data.</summary>
    private static Dictionary<string, JsonObject> Cards()
    {
        var options = Options.Create(new ListeningOptions { PublicBaseUrl = "https://listening-kreis.azurewebsites.net" });
        var digests = new DigestCardBuilder(options);
        var days = DemoDigests.Days(new DemoPage(FirstDay, Calendar), Calendar, 30).ToList();
        var (storm, beforeStorm) = days[DemoStormDay];
        var stormWarning = storm.Pages[0].Posts.First(p => p.Excerpt.StartsWith("UNWETTERWARNUNG", StringComparison.Ordinal));
        var raisedAt = stormWarning.CreatedTime.AddMinutes(5);
        var cards = new Dictionary<string, JsonObject>(StringComparer.Ordinal)
        {
            ["digest-storm-day"] = digests.Build(new DigestContent(storm.Date, storm)
            {
                Previous = beforeStorm,
                Alerts =
                [
                    new(AlertKinds.Crisis, "Krisenmodus an: " + DemoPage.PageName, DemoPage.PageName, raisedAt, stormWarning.Permalink),
                    new(AlertKinds.TakeOff, "Ein Beitrag hebt ab", DemoPage.PageName, raisedAt.AddHours(1), stormWarning.Permalink),
                    new(AlertKinds.NegativeSurge, "Ungewöhnlich viele negative Reaktionen", DemoPage.PageName, raisedAt.AddHours(2), stormWarning.Permalink),
                ],
                Crises = [new(DemoPage.PageName, "Unwetter", stormWarning.CreatedTime, stormWarning.CreatedTime.AddHours(24))],
            }),
            ["digest-quiet-day"] = digests.Build(new DigestContent(days[27].Summary.Date, days[27].Summary) { Previous = days[26].Summary }),
            ["digest-without-data"] = digests.Build(new DigestContent(FirstDay.AddDays(40), null)),
        };

        var severities = Enum.GetValues<AlertSeverity>();
        var kinds = new[] { AlertKinds.Milestone, AlertKinds.TakeOff, AlertKinds.NegativeSurge, AlertKinds.Crisis, AlertKinds.TokenInvalid, AlertKinds.TokenLapsing, AlertKinds.MetricRejected, AlertKinds.Stalled };
        for (var i = 0; i < kinds.Length; i++)
        {
            var kind = kinds[i];
            cards["alert-" + kind] = AlertCardBuilder.Build(new Alert
            {
                Kind = kind,
                Key = kind + ":" + DemoPage.PageId,
                PageId = DemoPage.PageId,
                PageName = DemoPage.PageName,
                Demo = i % 2 == 0,
                Title = AlertKinds.GermanName(kind) + ": " + DemoPage.PageName,
                Text = "„" + stormWarning.Excerpt + "“ " + new string('·', i * 40),
                Facts = i % 3 == 2 ? [] : [new("Stichwort", "Unwetter"), new("Krisenmodus bis", "21.11.2026, 07:40 Uhr")],
                Link = i % 4 == 3 ? null : stormWarning.Permalink,
                LinkTitle = "Beitrag öffnen",
                RaisedAt = raisedAt,
                Severity = severities[i % severities.Length],
            }, "Europe/Berlin");
        }

        return cards;
    }

    /// <summary>Day 22 of the demo story: the storm warning.</summary>
    private const int DemoStormDay = 22;

    private static string ScreenshotPath(string kind)
    {
        var root = AdaptiveCardsBrowser.RepositoryRoot();
        var file = kind switch
        {
            "digest-storm-day" => "teams-digest.png",
            "alert-crisis" => "teams-alert-crisis.png",
            _ => null,
        };
        return file is not null && root is not null && Environment.GetEnvironmentVariable("LISTENING_UPDATE_SCREENSHOTS") == "1"
            ? Path.Combine(root, "docs", "images", file)
            : Path.Combine(AppContext.BaseDirectory, "screenshots", kind + ".png");
    }
}
