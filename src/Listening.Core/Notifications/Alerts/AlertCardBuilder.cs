using System.Text.Json.Nodes;
using Listening.Core.Summaries;
using Listening.Core.Notifications.Teams;

namespace Listening.Core.Notifications.Alerts;

/// <summary>
/// An alert as an Adaptive Card 1.5 in German. Alert texts can quote posts, so they go into <c>TextRun</c>s, which
/// Teams does not read as markdown; the title (it can name the Page) and the facts are markdown and escaped
/// (<see cref="TeamsText"/>).
/// </summary>
public static class AlertCardBuilder
{
    /// <summary>Quoted post text is cut to this many characters; an alert card stays far below Teams' 28 KB.</summary>
    public const int MaxTextLength = 1200;

    public static JsonObject Build(Alert alert, string timeZone)
    {
        ArgumentNullException.ThrowIfNull(alert);
        var header = new JsonArray
        {
            new JsonObject
            {
                ["type"] = "TextBlock",
                ["text"] = (alert.Demo ? "Demo – " : "") + TeamsText.Escape(alert.Title),
                ["weight"] = "Bolder",
                ["size"] = "Medium",
                ["wrap"] = true,
                ["style"] = "heading",
            },
            new JsonObject
            {
                ["type"] = "RichTextBlock",
                ["spacing"] = "None",
                ["inlines"] = new JsonArray(new JsonObject
                {
                    ["type"] = "TextRun",
                    ["text"] = TeamsText.Plain(alert.PageName) + " · " + GermanFormat.DateTime(GermanFormat.InZone(alert.RaisedAt, timeZone)),
                    ["isSubtle"] = true,
                    ["size"] = "Small",
                }),
            },
        };
        var body = new JsonArray
        {
            new JsonObject
            {
                ["type"] = "Container",
                ["style"] = alert.Severity switch
                {
                    AlertSeverity.Good => "good",
                    AlertSeverity.Warning => "warning",
                    AlertSeverity.Attention => "attention",
                    _ => "emphasis",
                },
                ["bleed"] = true,
                ["items"] = header,
            },
            new JsonObject
            {
                ["type"] = "RichTextBlock",
                ["inlines"] = new JsonArray(new JsonObject { ["type"] = "TextRun", ["text"] = TeamsText.Shorten(TeamsText.Plain(alert.Text), MaxTextLength) }),
            },
        };
        if (alert.Facts.Count > 0)
        {
            body.Add(new JsonObject
            {
                ["type"] = "FactSet",
                ["facts"] = new JsonArray([.. alert.Facts.Select(f => (JsonNode)new JsonObject { ["title"] = TeamsText.Escape(f.Title), ["value"] = TeamsText.Escape(f.Value) })]),
            });
        }

        var card = new JsonObject
        {
            ["$schema"] = "http://adaptivecards.io/schemas/adaptive-card.json",
            ["type"] = "AdaptiveCard",
            ["version"] = "1.5",
            ["lang"] = "de",
            ["body"] = body,
        };
        if (SummaryHtmlRenderer.SafeLink(alert.Link) is { } link)
        {
            card["actions"] = new JsonArray(new JsonObject { ["type"] = "Action.OpenUrl", ["title"] = alert.LinkTitle ?? "Öffnen", ["url"] = link });
        }

        return card;
    }
}
