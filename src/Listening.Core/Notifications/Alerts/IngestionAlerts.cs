using System.Globalization;
using Listening.Core.Configuration;
using Listening.Core.Contracts;
using Listening.Core.Ingestion;
using Listening.Core.Storage;
using Microsoft.Extensions.Options;

namespace Listening.Core.Notifications.Alerts;

/// <summary>
/// The Graph ingestion's alerts, in plain German, derived from what a pull reports (<see cref="PullOutcome"/>) and
/// raised through <see cref="AlertLog"/> (card, routing, dedupe and the digest's list of the day's alerts): a metric
/// Meta rejected, once per Page and metric, and an invalid Page token, once per Page and local day.
/// A pull reports every metric Meta rejects for the Page, not only the new ones, and the alert log's key (Page and
/// metric) keeps each alert to once: so a retry after a crash between recording the pull and raising its alerts
/// raises the alert that was lost.
/// </summary>
public sealed class IngestionAlerts(IOptions<ListeningOptions> options, LocalCalendar calendar, AlertLog alertLog, IPageStateStore state)
{
    public static string MetricRejectedKey(string pageId, string metric) => $"{AlertKinds.MetricRejected}:{pageId}:{metric}";

    public static string TokenInvalidKey(string pageId, DateOnly localDate) =>
        $"{AlertKinds.TokenInvalid}:{pageId}:{DayKey.Of(localDate)}";

    /// <summary>Raises the alerts of one pull: each metric Meta rejects (once per Page and metric), and an invalid token once a local day.</summary>
    public async Task RaiseAsync(PullOutcome outcome, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(outcome);
        foreach (var dropped in outcome.DroppedMetrics)
        {
            await alertLog.RaiseAsync(MetricRejected(outcome.PageId, outcome.PageName, dropped.Metric, dropped.Successor, outcome.At), cancellationToken);
        }

        if (outcome.Status == PullStatus.TokenInvalid && outcome.TokenProblem is { } problem)
        {
            await RaiseTokenInvalidOnceADayAsync(outcome, problem, cancellationToken);
        }
    }

    public Alert MetricRejected(string pageId, string pageName, string metric, string? successor, DateTimeOffset at) =>
        InstagramMetrics.ParseRejected(metric) is { } instagram
            ? InstagramMetricRejected(pageId, pageName, metric, instagram.Scope, instagram.Metric, at)
            : FacebookMetricRejected(pageId, pageName, metric, successor, at);

    /// <summary>An Instagram metric (issue 14) in the press office's words: for what Meta rejects it (the account, all media, or one media type).</summary>
    private Alert InstagramMetricRejected(string pageId, string pageName, string remembered, string scope, string metric, DateTimeOffset at) => new()
    {
        Kind = AlertKinds.MetricRejected,
        Key = MetricRejectedKey(pageId, remembered),
        PageId = pageId,
        PageName = pageName,
        Severity = AlertSeverity.Warning,
        Title = "Instagram liefert eine Kennzahl nicht mehr",
        Text = $"Meta hat die Instagram-Kennzahl „{metric}“ "
            + scope switch
            {
                InstagramMetrics.AccountScope => "für das Konto abgelehnt. ",
                InstagramMetrics.MediaScope => "für alle Medien abgelehnt. ",
                InstagramMetrics.StoryScope => "für Storys abgelehnt; für Reels und Beiträge kommt sie weiter an. ",
                "reels" => "für Reels abgelehnt; für die anderen Medien kommt sie weiter an. ",
                "feed" => "für Beiträge abgelehnt; für die anderen Medien kommt sie weiter an. ",
                _ => $"für die Medienart {scope} abgelehnt; für die anderen Medien kommt sie weiter an. ",
            }
            + "Alle anderen Zahlen kommen weiter an; in der Zusammenfassung fehlt der Wert (unbekannt, nicht 0).",
        Facts = [new("Kennzahl", metric), new("Bereich", "instagram-" + scope), new("Seite", pageId)],
        Link = HealthLink(),
        LinkTitle = "Status öffnen",
        RaisedAt = at,
    };

    private Alert FacebookMetricRejected(string pageId, string pageName, string metric, string? successor, DateTimeOffset at) => new()
    {
        Kind = AlertKinds.MetricRejected,
        Key = MetricRejectedKey(pageId, metric),
        PageId = pageId,
        PageName = pageName,
        Severity = AlertSeverity.Warning,
        Title = "Facebook liefert eine Kennzahl nicht mehr",
        Text = $"Meta hat die Kennzahl „{metric}“ abgelehnt. Alle anderen Zahlen kommen weiter an. "
            + (successor is null
                ? "Bitte entfernen oder ersetzen Sie die Kennzahl in der Einstellung Listening:Facebook:PageMetrics (oder PostMetrics)."
                : $"Die Zahlen werden unter dem neuen Namen „{successor}“ weitergeführt; die Zusammenfassung nennt die alte Quelle."),
        Facts = [new("Kennzahl", metric), new("Seite", pageId)],
        Link = HealthLink(),
        LinkTitle = "Status öffnen",
        RaisedAt = at,
    };

    public Alert TokenInvalid(string pageId, string pageName, string problem, DateTimeOffset at) => new()
    {
        Kind = AlertKinds.TokenInvalid,
        Key = TokenInvalidKey(pageId, calendar.DateOf(at)),
        PageId = pageId,
        PageName = pageName,
        Severity = AlertSeverity.Attention,
        Title = "Facebook-Zugang ungültig",
        Text = $"Der Zugangsschlüssel (Page-Token) funktioniert nicht mehr: {GermanProblem(problem)}. "
            + "Bis ein neuer Schlüssel eingetragen ist, ruft Listening für diese Seite keine Zahlen ab. "
            + "Bitte erzeugen Sie einen neuen langlebigen Page-Token (Berechtigungen pages_read_engagement und read_insights), "
            + "tragen Sie ihn in Listening:Pages:N:AccessToken ein (in Azure im Key Vault) und prüfen Sie ihn mit „listening check“. "
            + "Diese Meldung kommt höchstens einmal am Tag.",
        Facts = [new("Seite", pageId)],
        Link = HealthLink(),
        LinkTitle = "Status öffnen",
        RaisedAt = at,
    };

    private async Task RaiseTokenInvalidOnceADayAsync(PullOutcome outcome, string problem, CancellationToken cancellationToken)
    {
        var today = calendar.DateOf(outcome.At);
        var current = await state.GetAsync(outcome.PageId, cancellationToken);
        if (current?.TokenAlertedOnDay(today) == true)
        {
            return;
        }

        // Raised before it is marked: at least once; the alert key (Page and day) keeps it to once.
        await alertLog.RaiseAsync(TokenInvalid(outcome.PageId, current?.PageName is { Length: > 0 } name ? name : outcome.PageName, problem, outcome.At), cancellationToken);
        await state.RecordTokenAlertedAsync(outcome.PageId, today, cancellationToken);
    }

    private static string GermanProblem(string problem) => problem switch
    {
        "expired" => "er ist abgelaufen",
        "invalidated" => "er wurde ungültig gemacht (zum Beispiel weil eine Rolle auf der Seite entzogen wurde)",
        "invalidated by a password change" => "das Passwort des Kontos, das ihn erzeugt hat, wurde geändert",
        _ => "Meta lehnt ihn ab",
    };

    private string? HealthLink() =>
        string.IsNullOrWhiteSpace(options.Value.PublicBaseUrl) ? null : options.Value.PublicBaseUrl.TrimEnd('/') + "/api/health";
}
