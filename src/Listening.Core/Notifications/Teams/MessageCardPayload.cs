using System.Text;
using System.Text.Json.Nodes;

namespace Listening.Core.Notifications.Teams;

/// <summary>
/// The legacy Office 365 connector format (MessageCard), for a channel configured with <c>Format = messagecard</c>.
/// Converted from the Adaptive Card every notification carries: headings become the title and section titles,
/// text blocks become lines, fact sets become facts, links become OpenUri actions. MessageCard text is markdown, like
/// a card's text blocks and facts (whose builders escaped any text from Facebook in them): those are taken as they
/// are, and the text runs, which Teams shows as they are, are escaped (<see cref="TeamsText.Escape"/>).
/// </summary>
public static class MessageCardPayload
{
    private const int MaxActions = 4;

    public static bool IsMessageCard(JsonObject? payload) => WorkflowsPayload.StringOf(payload?["@type"]) == "MessageCard";

    public static JsonObject FromWorkflows(JsonObject workflowsPayload)
    {
        // A copy: the heading gets marked below, and the message's own card goes unchanged to other channels.
        var card = (JsonObject)(WorkflowsPayload.CardOf(workflowsPayload) ?? throw new ArgumentException("The payload holds no Adaptive Card.", nameof(workflowsPayload))).DeepClone();
        var sections = new JsonArray();
        var actions = new JsonArray();
        var current = NewSection();
        var body = card["body"] as JsonArray ?? [];

        // The card's heading (top level or inside the header container) becomes the title, and nothing else.
        var heading = Headings(body).FirstOrDefault();
        var title = heading is null ? "" : Text(heading);
        if (heading is not null)
        {
            heading["isTitle"] = true;
        }

        foreach (var element in body.OfType<JsonObject>())
        {

            if (Type(element) == "Container")
            {
                Flush(sections, ref current);
                Walk(element, current, actions);
                Flush(sections, ref current);
            }
            else
            {
                Walk(element, current, actions);
            }
        }

        Flush(sections, ref current);
        foreach (var action in (card["actions"] as JsonArray ?? []).OfType<JsonObject>())
        {
            AddAction(actions, WorkflowsPayload.StringOf(action["title"]) ?? "Öffnen", WorkflowsPayload.StringOf(action["url"]));
        }

        var result = new JsonObject
        {
            ["@type"] = "MessageCard",
            ["@context"] = "https://schema.org/extensions",
            ["summary"] = title.Length > 0 ? title : "Listening",
            ["themeColor"] = "0F6CBD",
            ["title"] = title,
            ["sections"] = sections,
        };
        if (actions.Count > 0)
        {
            result["potentialAction"] = actions;
        }

        return result;
    }

    /// <summary>Null when the MessageCard is usable, else what is wrong with it.</summary>
    public static string? Validate(JsonObject? payload)
    {
        if (!IsMessageCard(payload))
        {
            return "@type must be \"MessageCard\"";
        }

        if (string.IsNullOrWhiteSpace(WorkflowsPayload.StringOf(payload!["summary"])) && string.IsNullOrWhiteSpace(WorkflowsPayload.StringOf(payload["text"])))
        {
            return "summary or text is required";
        }

        var size = WorkflowsPayload.SizeOf(payload);
        return size > WorkflowsPayload.MaxBytes ? $"it is {size} bytes, more than the {WorkflowsPayload.MaxBytes} bytes Teams accepts" : null;
    }

    private static IEnumerable<JsonObject> Headings(JsonArray elements)
    {
        foreach (var element in elements.OfType<JsonObject>())
        {
            if (Type(element) == "TextBlock" && WorkflowsPayload.StringOf(element["style"]) == "heading")
            {
                yield return element;
            }

            foreach (var nested in Headings(element["items"] as JsonArray ?? []))
            {
                yield return nested;
            }
        }
    }

    private static void Walk(JsonObject element, Section section, JsonArray actions)
    {
        switch (Type(element))
        {
            case "TextBlock" when element["isTitle"] is not null:
                break;
            case "TextBlock":
                var text = Text(element);
                if (section.Title is null && WorkflowsPayload.StringOf(element["weight"]) == "Bolder")
                {
                    section.Title = text;
                }
                else
                {
                    section.Lines.Add(text);
                }

                break;
            case "RichTextBlock":
                var line = new StringBuilder();
                var bold = true;
                foreach (var run in (element["inlines"] as JsonArray ?? []).OfType<JsonObject>())
                {
                    var runText = TeamsText.Escape(Text(run));
                    bold &= WorkflowsPayload.StringOf(run["weight"]) == "Bolder";
                    var url = WorkflowsPayload.StringOf(run["selectAction"]?["url"]);
                    line.Append(url is not null && IsWebLink(url) ? $"[{runText.Trim()}]({url})" : runText);
                }

                if (bold && section.Title is null && line.Length > 0)
                {
                    section.Title = line.ToString();
                }
                else if (line.Length > 0)
                {
                    section.Lines.Add(line.ToString());
                }

                break;
            case "FactSet":
                foreach (var fact in (element["facts"] as JsonArray ?? []).OfType<JsonObject>())
                {
                    section.Facts.Add(new JsonObject
                    {
                        ["name"] = WorkflowsPayload.StringOf(fact["title"]) ?? "",
                        ["value"] = WorkflowsPayload.StringOf(fact["value"]) ?? "",
                    });
                }

                break;
            case "ActionSet":
                foreach (var action in (element["actions"] as JsonArray ?? []).OfType<JsonObject>())
                {
                    AddAction(actions, WorkflowsPayload.StringOf(action["title"]) ?? "Öffnen", WorkflowsPayload.StringOf(action["url"]));
                }

                break;
            default:
                foreach (var key in new[] { "items", "columns" })
                {
                    foreach (var child in (element[key] as JsonArray ?? []).OfType<JsonObject>())
                    {
                        Walk(child, section, actions);
                    }
                }

                break;
        }
    }

    private static void AddAction(JsonArray actions, string title, string? url)
    {
        if (url is null || !IsWebLink(url) || actions.Count >= MaxActions)
        {
            return;
        }

        actions.Add(new JsonObject
        {
            ["@type"] = "OpenUri",
            ["name"] = title,
            ["targets"] = new JsonArray(new JsonObject { ["os"] = "default", ["uri"] = url }),
        });
    }

    private static void Flush(JsonArray sections, ref Section current)
    {
        if (current.Title is null && current.Lines.Count == 0 && current.Facts.Count == 0)
        {
            return;
        }

        var section = new JsonObject();
        if (current.Title is not null)
        {
            section["activityTitle"] = current.Title;
        }

        if (current.Lines.Count > 0)
        {
            // Two trailing spaces and a newline: a line break in the connector's markdown.
            section["text"] = string.Join("  \n", current.Lines);
        }

        if (current.Facts.Count > 0)
        {
            section["facts"] = new JsonArray([.. current.Facts]);
        }

        sections.Add(section);
        current = NewSection();
    }

    private static Section NewSection() => new();

    private static string Type(JsonObject element) => WorkflowsPayload.StringOf(element["type"]) ?? "";

    private static string Text(JsonObject element) => WorkflowsPayload.StringOf(element["text"]) ?? "";

    private static bool IsWebLink(string url) =>
        Uri.TryCreate(url, UriKind.Absolute, out var uri) && (uri.Scheme == Uri.UriSchemeHttps || uri.Scheme == Uri.UriSchemeHttp);

    private sealed class Section
    {
        public string? Title { get; set; }

        public List<string> Lines { get; } = [];

        public List<JsonObject> Facts { get; } = [];
    }
}
