using System.Text.Json.Nodes;
using Listening.Core.Configuration;
using Listening.Core.Summaries;
using Microsoft.Extensions.Options;

namespace Listening.Core.Notifications;

/// <summary>The morning digest as an Adaptive Card 1.5, in German.</summary>
public sealed class DigestCardBuilder(IOptions<ListeningOptions> options)
{
    public JsonObject Build(DateOnly date, DailySummary? summary)
    {
        var body = new JsonArray
        {
            new JsonObject
            {
                ["type"] = "TextBlock",
                ["text"] = (summary?.Demo ?? options.Value.IsDemo ? "Demo – " : "") + "Tageszusammenfassung " + GermanFormat.Date(date),
                ["weight"] = "Bolder",
                ["size"] = "Large",
                ["wrap"] = true,
            },
        };
        if (summary is null || summary.Pages.Count == 0)
        {
            body.Add(Text("Für diesen Tag liegen keine Daten vor. Bitte prüfen Sie die Verbindung zu Facebook."));
        }
        else
        {
            foreach (var page in summary.Pages)
            {
                body.Add(new JsonObject { ["type"] = "TextBlock", ["text"] = page.Name, ["weight"] = "Bolder", ["wrap"] = true });
                body.Add(new JsonObject
                {
                    ["type"] = "FactSet",
                    ["facts"] = new JsonArray
                    {
                        Fact("Follower", $"{GermanFormat.Number(page.Followers.End)} ({GermanFormat.Change(page.Followers.Change)})"),
                        Fact("Reaktionen", GermanFormat.Number(page.Reactions.Total)),
                        Fact("Kommentare", GermanFormat.Number(page.Comments)),
                        Fact("Mal geteilt", GermanFormat.Number(page.Shares)),
                    },
                });
            }
        }

        var card = new JsonObject
        {
            ["$schema"] = "http://adaptivecards.io/schemas/adaptive-card.json",
            ["type"] = "AdaptiveCard",
            ["version"] = "1.5",
            ["lang"] = "de",
            ["body"] = body,
        };
        if (SummaryLink(date) is { } link)
        {
            card["actions"] = new JsonArray(new JsonObject { ["type"] = "Action.OpenUrl", ["title"] = "Zusammenfassung öffnen", ["url"] = link });
        }

        return card;
    }

    public string? SummaryLink(DateOnly date) =>
        string.IsNullOrWhiteSpace(options.Value.PublicBaseUrl)
            ? null
            : $"{options.Value.PublicBaseUrl.TrimEnd('/')}/api/summaries/{date:yyyy-MM-dd}";

    private static JsonObject Text(string text) => new() { ["type"] = "TextBlock", ["text"] = text, ["wrap"] = true };

    private static JsonObject Fact(string title, string value) => new() { ["title"] = title, ["value"] = value };
}
