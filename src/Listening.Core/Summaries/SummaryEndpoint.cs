using System.Globalization;
using System.Text;
using System.Text.Json;
using Listening.Core.Configuration;
using Listening.Core.Ingestion;

namespace Listening.Core.Summaries;

/// <summary>
/// GET /api/summaries/{date}: validates the request, reads the stored summary, renders it. Free of ASP.NET so
/// that it is tested without a host; the function maps the answer onto the HTTP response.
/// </summary>
public sealed class SummaryEndpoint(SummaryReader reader, PageDirectory pages, LocalCalendar calendar, TimeProvider time)
{
    public async Task<HttpAnswer> GetDayAsync(string? dateText, string? page, string? format, string? accept, CancellationToken cancellationToken)
    {
        var today = calendar.DateOf(time.GetUtcNow());
        DateOnly date;
        switch (dateText?.Trim().ToLowerInvariant())
        {
            case "today" or "heute":
                date = today;
                break;
            case "yesterday" or "gestern":
                date = today.AddDays(-1);
                break;
            default:
                if (!DateOnly.TryParseExact(dateText, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out date))
                {
                    return HttpAnswer.Problem(400, "Ungültiges Datum",
                        "Das Datum muss die Form JJJJ-MM-TT haben (zum Beispiel 2026-11-27) oder today bzw. yesterday sein.");
                }

                break;
        }

        if (date > today)
        {
            return HttpAnswer.Problem(400, "Datum in der Zukunft", $"Für den {GermanFormat.Date(date)} kann es noch keine Zusammenfassung geben.");
        }

        if (page is not null && pages.Find(page) is null)
        {
            return HttpAnswer.Problem(400, "Unbekannte Seite", "Diese Seite ist nicht eingerichtet. Erlaubt sind die Seiten-IDs aus der Konfiguration.");
        }

        var chosen = ChooseFormat(format, accept);
        if (chosen is null)
        {
            return HttpAnswer.Problem(400, "Unbekanntes Format", "Das Format muss html, json oder csv sein.");
        }

        var stored = await reader.ReadDayAsync(date, page, cancellationToken);
        if (stored is null)
        {
            return HttpAnswer.Problem(404, "Keine Daten", $"Für den {GermanFormat.Date(date)} liegen noch keine Daten vor.");
        }

        return chosen switch
        {
            "html" => new HttpAnswer(200, "text/html; charset=utf-8", Encoding.UTF8.GetBytes(SummaryHtmlRenderer.Render(stored.Summary))),
            _ => new HttpAnswer(200, "application/json; charset=utf-8",
                JsonSerializer.SerializeToUtf8Bytes(stored.Summary, SummaryJsonContext.Default.DailySummary)),
        } with { ETag = "\"" + stored.ETag + "-" + chosen + "\"", LastModified = stored.LastModified };
    }

    /// <summary>An explicit ?format= wins; else browsers (Accept: text/html) get HTML and everyone else JSON.</summary>
    internal static string? ChooseFormat(string? format, string? accept)
    {
        if (!string.IsNullOrWhiteSpace(format))
        {
            return format.Trim().ToLowerInvariant() switch
            {
                "html" => "html",
                "json" => "json",
                _ => null,
            };
        }

        return accept?.Contains("text/html", StringComparison.OrdinalIgnoreCase) == true ? "html" : "json";
    }
}

/// <summary>An HTTP answer in plain terms: status, content type, body, validators.</summary>
public sealed record HttpAnswer(int Status, string ContentType, byte[] Body)
{
    public string? ETag { get; init; }

    public DateTimeOffset? LastModified { get; init; }

    /// <summary>RFC 9457 problem details in plain words; never a stack trace.</summary>
    public static HttpAnswer Problem(int status, string title, string detail)
    {
        var body = new ProblemDetails($"https://httpstatuses.io/{status}", title, status, detail);
        return new HttpAnswer(status, "application/problem+json; charset=utf-8",
            JsonSerializer.SerializeToUtf8Bytes(body, ProblemJsonContext.Default.ProblemDetails));
    }
}

public sealed record ProblemDetails(string Type, string Title, int Status, string Detail);

[System.Text.Json.Serialization.JsonSourceGenerationOptions(JsonSerializerDefaults.Web)]
[System.Text.Json.Serialization.JsonSerializable(typeof(ProblemDetails))]
internal sealed partial class ProblemJsonContext : System.Text.Json.Serialization.JsonSerializerContext;
