using System.Text.Json;
using Listening.Core.Contracts;
using Listening.Core.Summaries;

namespace Listening.Core.Insights;

/// <summary>
/// <c>GET /api/insights?from=&amp;to=[&amp;page=][&amp;format=html|json|csv]</c> and <c>listening insights</c>: the same
/// request rules, caching and refusals as the summaries (<see cref="SummaryEndpoint"/>); without from and to the
/// last <see cref="DefaultDays"/> days up to today.
/// </summary>
public sealed class InsightsEndpoint(SummaryEndpoint summaries, InsightsReader reader)
{
    public const int DefaultDays = 90;

    public const int MaxDays = 366;

    public async Task<HttpAnswer> GetAsync(string? fromText, string? toText, SummaryRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        var today = summaries.Today;
        var hasFrom = !string.IsNullOrWhiteSpace(fromText);
        var hasTo = !string.IsNullOrWhiteSpace(toText);
        if (hasFrom != hasTo)
        {
            return HttpAnswer.Problem(400, "Zeitraum unvollständig",
                "Bitte geben Sie from und to zusammen an (zum Beispiel ?from=2026-09-01&to=2026-11-30) oder keines von beiden für die letzten 90 Tage.");
        }

        var from = today.AddDays(1 - DefaultDays);
        var to = today;
        if (hasFrom)
        {
            if (SummaryEndpoint.ParseDay(fromText, today) is not { } first || SummaryEndpoint.ParseDay(toText, today) is not { } last)
            {
                return HttpAnswer.Problem(400, "Ungültiges Datum",
                    "from und to müssen die Form JJJJ-MM-TT haben (zum Beispiel from=2026-09-01&to=2026-11-30).");
            }

            (from, to) = (first, last);
        }

        if ((SummaryEndpoint.CheckDate(from, today, "Beginn") ?? SummaryEndpoint.CheckDate(to, today, "Ende")) is { } dateProblem)
        {
            return dateProblem;
        }

        if (to < from)
        {
            return HttpAnswer.Problem(400, "Zeitraum verkehrt herum",
                $"Der Zeitraum endet ({GermanFormat.Date(to)}) vor seinem Beginn ({GermanFormat.Date(from)}): from muss vor oder gleich to sein.");
        }

        var days = to.DayNumber - from.DayNumber + 1;
        if (days > MaxDays)
        {
            return HttpAnswer.Problem(400, "Zeitraum zu lang",
                $"Eine Auswertung umfasst höchstens {MaxDays} Tage; gewählt sind {GermanFormat.Number(days)} Tage.");
        }

        if (SummaryEndpoint.CheckPageAndFormat(request, out var page, out var format) is { } problem)
        {
            return problem;
        }

        if (await summaries.UnknownPageAsync(page, cancellationToken) is { } unknown)
        {
            return unknown;
        }

        var stored = await reader.ReadAsync(from, to, page, cancellationToken);
        if (stored is null)
        {
            return HttpAnswer.Problem(404, "Keine Daten",
                $"Vom {GermanFormat.Date(from)} bis zum {GermanFormat.Date(to)} liegen keine Daten vor.");
        }

        var stamp = IsoDate.Format(from) + "-bis-" + IsoDate.Format(to);
        return summaries.Answer(request, format, "i-" + stored.ETag, stored.LastModified, () => format switch
        {
            "html" => SummaryEndpoint.Html(InsightsHtmlRenderer.Render(stored.Report, request.WithLinks ? request.Page ?? "" : null)),
            "csv" => SummaryEndpoint.Csv(InsightsCsvRenderer.Render(stored.Report), $"auswertung-{stamp}.csv"),
            _ => SummaryEndpoint.Json(JsonSerializer.SerializeToUtf8Bytes(stored.Report, InsightsJsonContext.Default.InsightsReport)),
        });
    }
}
