using System.Globalization;
using Listening.Core.Configuration;
using Listening.Core.Ingestion;
using Listening.Core.Storage;
using Listening.Core.Summaries;
using Microsoft.Extensions.Options;

namespace Listening.Core.Notifications.Alerts;

/// <summary>
/// Checked by the hourly digest timer: a Page with no successful pull for <c>Alerts:Stalled:Hours</c> (the pipeline
/// stalled), and a Page token or its data access lapsing within <c>Alerts:Token:WarnDays</c>. Each stall (named by
/// its last successful pull) and each expiry date is raised once.
/// </summary>
public sealed class PipelineWatch(
    PageDirectory pages,
    PageStateStore states,
    AlertLog log,
    LocalCalendar calendar,
    TimeProvider time,
    IOptions<ListeningOptions> options)
{
    public async Task<IReadOnlyList<string>> RunAsync(CancellationToken cancellationToken)
    {
        var rules = options.Value.Alerts;
        var now = time.GetUtcNow();
        var raised = new List<string>();
        var known = (await states.AllAsync(cancellationToken)).ToDictionary(s => s.RowKey, StringComparer.Ordinal);
        foreach (var page in pages.All)
        {
            known.TryGetValue(page.Id, out var state);
            var name = state?.PageName is { Length: > 0 } stored ? stored : page.Name ?? page.Id;
            if (rules.Stalled.Enabled && state?.LastSuccessfulPull is { } last && now - last >= TimeSpan.FromHours(rules.Stalled.Hours))
            {
                var alert = new Alert
                {
                    Kind = AlertKinds.Stalled,
                    Key = $"stalled:{page.Id}:{InstantKey.SecondOf(last)}",
                    PageId = page.Id,
                    PageName = name,
                    Demo = options.Value.IsDemo,
                    Severity = AlertSeverity.Warning,
                    Title = "Abruf gestört: keine neuen Zahlen",
                    Text = $"Seit {When(last)} hat Listening keine Zahlen von {name} mehr abgerufen "
                        + $"(mehr als {rules.Stalled.Hours} Stunden). Bitte prüfen Sie die Seite /api/health und die Warteschlangen mit der Endung -poison.",
                    Facts = [new("Letzter erfolgreicher Abruf", When(last))],
                    Link = HealthLink(),
                    LinkTitle = "Status öffnen",
                    RaisedAt = now,
                };
                if (await log.RaiseAsync(alert, cancellationToken))
                {
                    raised.Add(alert.Key);
                }
            }

            if (!rules.Token.Enabled || state is null)
            {
                continue;
            }

            foreach (var (label, expiry, what) in new[]
            {
                ("token", state.TokenExpiresAt, "Der Zugangsschlüssel (Page-Token)"),
                ("data-access", state.DataAccessExpiresAt, "Der Datenzugriff des Zugangsschlüssels"),
            })
            {
                if (expiry is not { } at || at - now > TimeSpan.FromDays(rules.Token.WarnDays))
                {
                    continue;
                }

                var expired = at <= now;
                var alert = new Alert
                {
                    Kind = AlertKinds.TokenLapsing,
                    Key = $"token-lapsing:{page.Id}:{label}:{DayKey.Of(DateOnly.FromDateTime(at.UtcDateTime))}" + (expired ? ":expired" : ""),
                    PageId = page.Id,
                    PageName = name,
                    Severity = expired ? AlertSeverity.Attention : AlertSeverity.Warning,
                    Title = expired ? "Zugang zu Facebook abgelaufen" : "Zugang zu Facebook läuft bald ab",
                    Text = $"{what} für {name} " + (expired ? $"ist am {When(at)} abgelaufen." : $"läuft am {When(at)} ab, in {Days(at - now)}.")
                        + " Bitte melden Sie sich als Administrator der Seite bei Facebook an und erneuern Sie den Page-Token (README, \"Page token\"); "
                        + "der Datenzugriff verfällt 90 Tage nach der letzten Anmeldung.",
                    Facts = [new(label == "token" ? "Token gültig bis" : "Datenzugriff bis", When(at))],
                    Link = HealthLink(),
                    LinkTitle = "Status öffnen",
                    RaisedAt = now,
                };
                if (await log.RaiseAsync(alert, cancellationToken))
                {
                    raised.Add(alert.Key);
                }
            }
        }

        return raised;
    }

    private static string Days(TimeSpan left) =>
        left.TotalDays < 1 ? "weniger als einem Tag" : left.TotalDays < 2 ? "einem Tag" : $"{(int)left.TotalDays} Tagen";

    private string When(DateTimeOffset instant) => GermanFormat.DateTime(calendar.ToLocal(instant));

    private string? HealthLink() =>
        string.IsNullOrWhiteSpace(options.Value.PublicBaseUrl) ? null : options.Value.PublicBaseUrl.TrimEnd('/') + "/api/health";
}
