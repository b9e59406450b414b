using System.Text.Json.Nodes;
using Listening.Core.Notifications;
using Listening.Core.Storage;
using Listening.Core.Summaries;
using Listening.IntegrationTests.Infrastructure;
using Listening.Core.Aggregation;
using Listening.Core.Notifications.Teams;

namespace Listening.IntegrationTests.Teams;

/// <summary>
/// The digest of a day on which no pull arrived: the summary the aggregation stores for it (no observations, the
/// Page id as its name, no counters) read back by the digest through Azurite.
/// </summary>
public sealed class DigestWithoutDataTests
{
    private const string PageId = "104857600000001";
    private const string NoData = "Für diesen Tag sind keine Daten eingegangen. Bitte Abrufstatus unter /api/health und das Seiten-Token prüfen.";
    private static readonly DateTimeOffset Now = new(2026, 11, 28, 7, 5, 0, TimeSpan.Zero);
    private static readonly DateOnly Day = new(2026, 11, 27);

    [Fact]
    public async Task The_digest_of_a_day_without_pulls_names_the_configured_page_and_says_what_to_check()
    {
        await using var app = await StartAsync("Kreis Soest");
        await app.Tables.EnsureCreatedAsync(CancellationToken.None);
        var stored = await app.Get<SummaryMaterializer>().MaterializeAsync(PageId, Day, CancellationToken.None);
        Assert.Equal(0, stored.Observations);
        Assert.Equal(PageId, stored.Name);

        var card = WorkflowsPayload.CardOf((await app.Get<DigestScheduler>().BuildAsync(Day, CancellationToken.None)).Payload)!;

        var texts = Texts(card);
        Assert.Contains("Kreis Soest", texts);
        Assert.Contains(NoData, texts);
        Assert.DoesNotContain(texts, t => t.Contains(PageId, StringComparison.Ordinal) || t.Contains('–', StringComparison.Ordinal));
        Assert.Contains(Descendants(card), n => (string?)n["selectAction"]?["url"] == "https://listening.example.org/api/health");
    }

    [Fact]
    public async Task A_page_without_a_configured_name_gets_the_name_of_its_last_pull()
    {
        await using var app = await StartAsync(name: null);
        await app.Tables.EnsureCreatedAsync(CancellationToken.None);
        await app.Get<PageStateStore>().RecordPullAsync(PageId, "Kreis Soest auf Facebook", Now.AddDays(-3), CancellationToken.None);
        await app.Get<SummaryMaterializer>().MaterializeAsync(PageId, Day, CancellationToken.None);

        var card = WorkflowsPayload.CardOf((await app.Get<DigestScheduler>().BuildAsync(Day, CancellationToken.None)).Payload)!;

        var texts = Texts(card);
        Assert.Contains("Kreis Soest auf Facebook", texts);
        Assert.Contains(NoData, texts);
        Assert.DoesNotContain(texts, t => t.Contains(PageId, StringComparison.Ordinal));
    }

    private static Task<TestApp> StartAsync(string? name) => TestApp.StartAsync(Now, new Dictionary<string, string?>
    {
        ["Listening:Pages:0:Id"] = PageId,
        ["Listening:Pages:0:Name"] = name,
        ["Listening:Pages:0:AccessToken"] = "EAAPageTokenTESTabc123SECRET",
        ["Listening:PublicBaseUrl"] = "https://listening.example.org",
    });

    /// <summary>Every TextBlock, and every RichTextBlock as the line its runs make.</summary>
    private static List<string> Texts(JsonObject card) =>
        Descendants(card)
            .Select(n => (string?)n["type"] switch
            {
                "TextBlock" => (string?)n["text"],
                "RichTextBlock" => string.Concat(n["inlines"]!.AsArray().Select(r => (string?)r!["text"])),
                _ => null,
            })
            .OfType<string>()
            .ToList();

    private static IEnumerable<JsonObject> Descendants(JsonNode? node) => node switch
    {
        JsonObject obj => new[] { obj }.Concat(obj.SelectMany(p => Descendants(p.Value))),
        JsonArray array => array.SelectMany(Descendants),
        _ => [],
    };
}
