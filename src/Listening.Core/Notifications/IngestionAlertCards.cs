using System.Globalization;
using System.Text.Json.Nodes;
using Listening.Core.Configuration;
using Listening.Core.Snapshots;
using Listening.Core.Summaries;
using Microsoft.Extensions.Options;

namespace Listening.Core.Notifications;

/// <summary>
/// The Teams alerts of the Graph ingestion, as simple German Adaptive Cards 1.5 in the Workflows envelope:
/// a metric Meta rejected (once per Page and metric) and an invalid Page token (once per Page and local day).
/// The dispatcher dedupes by <see cref="NotificationMessage.Key"/>.
/// </summary>
public sealed class IngestionAlertCards(IOptions<ListeningOptions> options, LocalCalendar calendar)
{
    public const string MetricRejectedKind = "metric-rejected";

    public const string TokenInvalidKind = "token-invalid";

    public static string MetricRejectedKey(string pageId, string metric) => $"metric-rejected:{pageId}:{metric}";

    public static string TokenInvalidKey(string pageId, DateOnly localDate) =>
        $"token-invalid:{pageId}:{localDate.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture)}";

    public NotificationMessage MetricRejected(string pageId, string pageName, string metric, string? successor, DateTimeOffset at)
    {
        var body = new JsonArray
        {
            Heading("Facebook liefert eine Kennzahl nicht mehr"),
            Text($"Meta hat die Kennzahl „{metric}“ für die Seite „{pageName}“ abgelehnt. Alle anderen Zahlen kommen weiter an."),
            Text(successor is null
                ? "Bitte prüfen Sie die Einstellung Listening:Facebook:PageMetrics (oder PostMetrics) und entfernen oder ersetzen Sie die Kennzahl."
                : $"Die Zahlen werden unter dem neuen Namen „{successor}“ weitergeführt; die Zusammenfassung nennt die alte Quelle."),
            Subtle("Festgestellt: " + GermanFormat.DateTime(calendar.ToLocal(at)) + " · Seite " + pageId),
        };
        return new NotificationMessage
        {
            Key = MetricRejectedKey(pageId, metric),
            Kind = MetricRejectedKind,
            Payload = WorkflowsPayload.Wrap(Card(body)),
        };
    }

    public NotificationMessage TokenInvalid(string pageId, string pageName, string problem, DateTimeOffset at)
    {
        var body = new JsonArray
        {
            Heading("Facebook-Zugang ungültig"),
            Text($"Der Zugangsschlüssel (Page-Token) der Seite „{pageName}“ funktioniert nicht mehr: {GermanProblem(problem)}. "
                + "Bis ein neuer Schlüssel eingetragen ist, werden für diese Seite keine Zahlen abgerufen."),
            Text("Bitte erzeugen Sie einen neuen langlebigen Page-Token (Berechtigungen pages_read_engagement und read_insights) "
                + "und tragen Sie ihn in Listening:Pages:N:AccessToken ein (in Azure im Key Vault). Mit „listening check“ lässt er sich prüfen."),
            Subtle("Stand: " + GermanFormat.DateTime(calendar.ToLocal(at)) + " · Seite " + pageId + " · Diese Meldung kommt höchstens einmal am Tag."),
        };
        return new NotificationMessage
        {
            Key = TokenInvalidKey(pageId, calendar.DateOf(at)),
            Kind = TokenInvalidKind,
            Payload = WorkflowsPayload.Wrap(Card(body)),
        };
    }

    private static string GermanProblem(string problem) => problem switch
    {
        "expired" => "er ist abgelaufen",
        "invalidated" => "er wurde ungültig gemacht (zum Beispiel weil eine Rolle auf der Seite entzogen wurde)",
        "invalidated by a password change" => "das Passwort des Kontos, das ihn erzeugt hat, wurde geändert",
        _ => "Meta lehnt ihn ab",
    };

    private JsonObject Card(JsonArray body)
    {
        var card = new JsonObject
        {
            ["$schema"] = "http://adaptivecards.io/schemas/adaptive-card.json",
            ["type"] = "AdaptiveCard",
            ["version"] = "1.5",
            ["lang"] = "de",
            ["body"] = body,
        };
        if (!string.IsNullOrWhiteSpace(options.Value.PublicBaseUrl))
        {
            card["actions"] = new JsonArray(new JsonObject
            {
                ["type"] = "Action.OpenUrl",
                ["title"] = "Status öffnen",
                ["url"] = options.Value.PublicBaseUrl.TrimEnd('/') + "/api/health",
            });
        }

        return card;
    }

    private static JsonObject Heading(string text) => new()
    {
        ["type"] = "TextBlock",
        ["text"] = text,
        ["weight"] = "Bolder",
        ["size"] = "Large",
        ["wrap"] = true,
        ["style"] = "heading",
    };

    private static JsonObject Text(string text) => new() { ["type"] = "TextBlock", ["text"] = text, ["wrap"] = true };

    private static JsonObject Subtle(string text) =>
        new() { ["type"] = "TextBlock", ["text"] = text, ["isSubtle"] = true, ["size"] = "Small", ["wrap"] = true };
}
