using System.Globalization;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using Listening.Core.Configuration;
using Listening.Core.Ingestion;
using Listening.Core.Contracts;

namespace Listening.Core.Summaries;

/// <summary>
/// <c>GET /api/summaries/{date}</c> and <c>GET /api/summaries?from=&amp;to=</c>: validate the request, read the
/// stored summaries, answer 304 when the caller's copy is current, else render HTML, JSON or CSV. Free of ASP.NET
/// so that it is tested without a host; the functions map the answer onto the HTTP response. Every refusal is a
/// 400/404 problem+json in plain German, never an exception.
/// </summary>
public sealed class SummaryEndpoint(SummaryReader reader, PageDirectory pages, LocalCalendar calendar, TimeProvider time)
{
    /// <summary>Part of every ETag: bump it when the rendering changes, so browsers do not keep an old page.</summary>
    public const string RenderVersion = "r2";

    /// <summary>
    /// Data changes every 15 minutes: a browser may reuse a page for 5 minutes, then asks again with
    /// If-None-Match and usually gets a 304. Private: the answers are for signed-in people only.
    /// </summary>
    public const string CacheControl = "private, max-age=300, must-revalidate";

    /// <summary>Answers that must not be kept: refusals and missing data (which may arrive any minute).</summary>
    public const string NoStore = "no-store";

    private static readonly DateOnly Earliest = new(2004, 1, 1);

    public Task<HttpAnswer> GetDayAsync(string? dateText, string? page, string? format, string? accept, CancellationToken cancellationToken) =>
        GetDayAsync(dateText, new SummaryRequest { Page = page, Format = format, Accept = accept }, cancellationToken);

    public async Task<HttpAnswer> GetDayAsync(string? dateText, SummaryRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        var today = Today;
        if (ParseDay(dateText, today) is not { } date)
        {
            return HttpAnswer.Problem(400, "Ungültiges Datum",
                "Das Datum muss die Form JJJJ-MM-TT haben (zum Beispiel 2026-11-27) oder today bzw. yesterday sein.");
        }

        if (CheckDate(date, today, "Datum") is { } dateProblem)
        {
            return dateProblem;
        }

        if (CheckPageAndFormat(request, out var page, out var format) is { } problem)
        {
            return problem;
        }

        if (await UnknownPageAsync(page, cancellationToken) is { } unknown)
        {
            return unknown;
        }

        var stored = await reader.ReadDayAsync(date, page, cancellationToken);
        if (stored is null)
        {
            return HttpAnswer.Problem(404, "Keine Daten", $"Für den {GermanFormat.Date(date)} liegen noch keine Daten vor.");
        }

        var stamp = IsoDate.Format(date);
        return Answer(request, format, stored.ETag, stored.LastModified, () => format switch
        {
            "html" => Html(SummaryHtmlRenderer.Render(stored.Summary, request.Links(page))),
            "csv" => Csv(SummaryCsvRenderer.Render(stored.Summary), $"zusammenfassung-{stamp}.csv"),
            _ => Json(JsonSerializer.SerializeToUtf8Bytes(stored.Summary, SummaryJsonContext.Default.DailySummary)),
        });
    }

    public async Task<HttpAnswer> GetPeriodAsync(string? fromText, string? toText, SummaryRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (string.IsNullOrWhiteSpace(fromText) || string.IsNullOrWhiteSpace(toText))
        {
            return HttpAnswer.Problem(400, "Zeitraum fehlt",
                "Bitte geben Sie den Zeitraum mit from und to an, zum Beispiel ?from=2026-11-01&to=2026-11-30.");
        }

        var today = Today;
        if (ParseDay(fromText, today) is not { } from || ParseDay(toText, today) is not { } to)
        {
            return HttpAnswer.Problem(400, "Ungültiges Datum",
                "from und to müssen die Form JJJJ-MM-TT haben (zum Beispiel from=2026-11-01&to=2026-11-30).");
        }

        if ((CheckDate(from, today, "Beginn") ?? CheckDate(to, today, "Ende")) is { } dateProblem)
        {
            return dateProblem;
        }

        if (to < from)
        {
            return HttpAnswer.Problem(400, "Zeitraum verkehrt herum",
                $"Der Zeitraum endet ({GermanFormat.Date(to)}) vor seinem Beginn ({GermanFormat.Date(from)}): from muss vor oder gleich to sein.");
        }

        var days = to.DayNumber - from.DayNumber + 1;
        if (days > PeriodSummaryBuilder.MaxDays)
        {
            return HttpAnswer.Problem(400, "Zeitraum zu lang",
                $"Ein Bericht umfasst höchstens {PeriodSummaryBuilder.MaxDays} Tage; gewählt sind {GermanFormat.Number(days)} Tage.");
        }

        if (CheckPageAndFormat(request, out var page, out var format) is { } problem)
        {
            return problem;
        }

        if (await UnknownPageAsync(page, cancellationToken) is { } unknown)
        {
            return unknown;
        }

        var stored = await reader.ReadPeriodAsync(from, to, page, cancellationToken);
        if (stored is null)
        {
            return HttpAnswer.Problem(404, "Keine Daten",
                $"Vom {GermanFormat.Date(from)} bis zum {GermanFormat.Date(to)} liegen keine Daten vor.");
        }

        var stamp = IsoDate.Format(from) + "-bis-" + IsoDate.Format(to);
        return Answer(request, format, stored.ETag, stored.LastModified, () => format switch
        {
            "html" => Html(PeriodHtmlRenderer.Render(stored.Summary, request.Links(page))),
            "csv" => Csv(SummaryCsvRenderer.RenderPeriod(stored.Summary), $"bericht-{stamp}.csv"),
            _ => Json(JsonSerializer.SerializeToUtf8Bytes(stored.Summary, PeriodJsonContext.Default.PeriodSummary)),
        });
    }

    /// <summary>
    /// An explicit <c>?format=</c> wins; else the Accept header: browsers (text/html) get HTML, text/csv gets CSV,
    /// everyone else JSON. Null for an unknown format.
    /// </summary>
    internal static string? ChooseFormat(string? format, string? accept)
    {
        if (!string.IsNullOrWhiteSpace(format))
        {
            return format.Trim().ToLowerInvariant() switch
            {
                "html" => "html",
                "json" => "json",
                "csv" => "csv",
                _ => null,
            };
        }

        string? best = null;
        var bestQuality = 0.0;
        foreach (var part in (accept ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            if (!MediaTypeWithQualityHeaderValue.TryParse(part, out var media))
            {
                continue;
            }

            var kind = media.MediaType?.ToLowerInvariant() switch
            {
                "text/html" or "application/xhtml+xml" => "html",
                "application/json" or "application/problem+json" => "json",
                "text/csv" => "csv",
                _ => null,
            };
            var quality = media.Quality ?? 1.0;
            if (kind is not null && quality > bestQuality)
            {
                best = kind;
                bestQuality = quality;
            }
        }

        return best ?? "json";
    }

    /// <summary>Whether an If-None-Match header names this ETag (weak comparison, as RFC 9110 asks for GET).</summary>
    internal static bool MatchesAny(string? ifNoneMatch, string etag)
    {
        if (string.IsNullOrWhiteSpace(ifNoneMatch))
        {
            return false;
        }

        var ours = Opaque(etag);
        foreach (var candidate in ifNoneMatch.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            if (candidate == "*" || string.Equals(Opaque(candidate), ours, StringComparison.Ordinal))
            {
                return true;
            }
        }

        return false;

        static string Opaque(string tag) => tag.StartsWith("W/", StringComparison.Ordinal) ? tag[2..] : tag;
    }

    internal DateOnly Today => calendar.DateOf(time.GetUtcNow());

    internal static DateOnly? ParseDay(string? text, DateOnly today) => text?.Trim().ToLowerInvariant() switch
    {
        "today" or "heute" => today,
        "yesterday" or "gestern" => today.AddDays(-1),
        var other => IsoDate.TryParse(other, out var date) ? date : null,
    };

    internal static HttpAnswer? CheckDate(DateOnly date, DateOnly today, string what)
    {
        if (date > today)
        {
            return HttpAnswer.Problem(400, "Datum in der Zukunft",
                $"{what} {GermanFormat.Date(date)} liegt in der Zukunft: dafür kann es noch keine Zusammenfassung geben.");
        }

        if (date < Earliest)
        {
            return HttpAnswer.Problem(400, "Datum zu früh",
                $"{what} {GermanFormat.Date(date)} liegt vor {GermanFormat.Date(Earliest)}: aus dieser Zeit gibt es keine Daten.");
        }

        return null;
    }

    internal async Task<HttpAnswer?> UnknownPageAsync(string? page, CancellationToken cancellationToken) =>
        page is not null && !(await pages.AllAsync(cancellationToken)).Any(p => string.Equals(p.Id, page, StringComparison.Ordinal))
            ? HttpAnswer.Problem(400, "Unbekannte Seite",
                "Diese Seite ist nicht eingerichtet. Erlaubt sind die Seiten-IDs aus der Konfiguration (Listening:Pages) und aus dem Seitenverzeichnis (listening pages list).")
            : null;

    internal static HttpAnswer? CheckPageAndFormat(SummaryRequest request, out string? page, out string format)
    {
        page = string.IsNullOrWhiteSpace(request.Page) ? null : request.Page;
        format = "json";
        if (ChooseFormat(request.Format, request.Accept) is not { } chosen)
        {
            return HttpAnswer.Problem(400, "Unbekanntes Format", "Das Format muss html, json oder csv sein (zum Beispiel ?format=csv).");
        }

        format = chosen;
        return null;
    }

    /// <summary>304 when the caller's copy is current; else the rendered body, with the validators and caching rules.</summary>
    internal HttpAnswer Answer(SummaryRequest request, string format, string validator, DateTimeOffset lastModified, Func<HttpAnswer> render)
    {
        var etag = "\"" + validator + "-" + RenderVersion + "-" + format + "\"";
        var modified = lastModified == DateTimeOffset.MinValue ? (DateTimeOffset?)null : TruncateToSeconds(lastModified);
        var notModified = request.IfNoneMatch is not null
            ? MatchesAny(request.IfNoneMatch, etag)
            : modified is { } m && NotModifiedSince(request.IfModifiedSince, m, time.GetUtcNow());
        var answer = notModified ? new HttpAnswer(304, "", []) : render();
        return answer with { ETag = etag, LastModified = modified, CacheControl = CacheControl, Vary = "Accept" };
    }

    /// <summary>
    /// Whether an If-Modified-Since header says the caller's copy is current. RFC 9110 (13.1.3): a value that is not
    /// one HTTP-date, or a date later than the server's clock, is ignored. The Last-Modified we served comes from
    /// the storage service's clock, which may run a little ahead of ours, so that date itself still counts.
    /// </summary>
    internal static bool NotModifiedSince(string? ifModifiedSince, DateTimeOffset modified, DateTimeOffset now)
    {
        if (string.IsNullOrWhiteSpace(ifModifiedSince)
            || !DateTimeOffset.TryParseExact(ifModifiedSince.Trim(), HttpDateFormats, CultureInfo.InvariantCulture, DateTimeStyles.AdjustToUniversal | DateTimeStyles.AssumeUniversal, out var since))
        {
            return false;
        }

        return since <= (now > modified ? now : modified) && modified <= since;
    }

    /// <summary>IMF-fixdate, and the obsolete RFC 850 and asctime forms a recipient must accept (RFC 9110, 5.6.7).</summary>
    private static readonly string[] HttpDateFormats = ["r", "dddd, dd-MMM-yy HH:mm:ss 'GMT'", "ddd MMM d HH:mm:ss yyyy", "ddd MMM  d HH:mm:ss yyyy"];

    private static DateTimeOffset TruncateToSeconds(DateTimeOffset value) =>
        new(value.Ticks - (value.Ticks % TimeSpan.TicksPerSecond), value.Offset);

    internal static HttpAnswer Html(string html) => new(200, "text/html; charset=utf-8", Encoding.UTF8.GetBytes(html));

    internal static HttpAnswer Json(byte[] json) => new(200, "application/json; charset=utf-8", json);

    internal static HttpAnswer Csv(string csv, string fileName) =>
        new(200, "text/csv; charset=utf-8; header=present", SummaryCsvRenderer.ToBytes(csv)) { ContentDisposition = $"attachment; filename=\"{fileName}\"" };
}

/// <summary>What a summary request brings besides its dates: all optional, all validated.</summary>
public sealed record SummaryRequest
{
    /// <summary><c>?page=</c>: one configured Page id; all configured Pages when absent.</summary>
    public string? Page { get; init; }

    /// <summary><c>?format=</c>: html, json or csv; wins over <see cref="Accept"/>.</summary>
    public string? Format { get; init; }

    public string? Accept { get; init; }

    public string? IfNoneMatch { get; init; }

    public string? IfModifiedSince { get; init; }

    /// <summary>HTML with links to neighbouring views (served pages); off for files the CLI writes.</summary>
    public bool WithLinks { get; init; }

    internal SummaryLinks? Links(string? page) => WithLinks ? new SummaryLinks(page) : null;
}

/// <summary>An HTTP answer in plain terms: status, content type, body, validators and caching headers.</summary>
public sealed record HttpAnswer(int Status, string ContentType, byte[] Body)
{
    public string? ETag { get; init; }

    public DateTimeOffset? LastModified { get; init; }

    public string? CacheControl { get; init; }

    public string? Vary { get; init; }

    public string? ContentDisposition { get; init; }

    /// <summary>RFC 9457 problem details in plain words; never a stack trace. Never cached.</summary>
    public static HttpAnswer Problem(int status, string title, string detail)
    {
        var body = new ProblemDetails($"https://httpstatuses.io/{status}", title, status, detail);
        return new HttpAnswer(status, "application/problem+json; charset=utf-8",
            JsonSerializer.SerializeToUtf8Bytes(body, ProblemJsonContext.Default.ProblemDetails))
        {
            CacheControl = SummaryEndpoint.NoStore,
        };
    }
}

public sealed record ProblemDetails(string Type, string Title, int Status, string Detail);

[System.Text.Json.Serialization.JsonSourceGenerationOptions(JsonSerializerDefaults.Web)]
[System.Text.Json.Serialization.JsonSerializable(typeof(ProblemDetails))]
internal sealed partial class ProblemJsonContext : System.Text.Json.Serialization.JsonSerializerContext;
