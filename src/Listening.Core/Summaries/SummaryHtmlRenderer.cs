using Listening.Core.Summaries.Templates;

namespace Listening.Core.Summaries;

/// <summary>
/// The daily summary as a German HTML page for the press office. Self-contained (inline CSS, no script, nothing
/// loaded from elsewhere) so it can be served, saved, mailed and printed as it is; built for WCAG 2.1 AA because
/// BITV 2.0 applies to what a county publishes, reports included.
/// </summary>
/// <remarks>
/// The page is the Razor component <see cref="DayPage"/> (Summaries/Templates), rendered to a string by
/// <see cref="Microsoft.AspNetCore.Components.Web.HtmlRenderer"/>, which encodes every value it writes: page names, post
/// text, permalinks, topic names, the zone name only ever land in element content or double-quoted attributes;
/// numbers and dates are formatted in the templates. Ids and class names are built from indexes and
/// constants, never from data. Sections for topics, Meta's day metrics, giveaways and alerts appear only when the
/// summary carries them.
/// </remarks>
public static class SummaryHtmlRenderer
{
    public const string EmptyDayText = "Heute keine neuen Beiträge und keine Interaktionen.";

    /// <summary>How many posts the "Top-Beiträge" list shows.</summary>
    public const int TopPostCount = 3;

    /// <param name="summary">The day.</param>
    /// <param name="links">Links to neighbouring views (when served over HTTP); none for a saved file.</param>
    public static string Render(DailySummary summary, SummaryLinks? links = null)
    {
        ArgumentNullException.ThrowIfNull(summary);
        return SummaryHtml.Render<DayPage>(new Dictionary<string, object?>
        {
            [nameof(DayPage.Summary)] = summary,
            [nameof(DayPage.Links)] = links,
        });
    }

    /// <summary>The permalink when it is an absolute http(s) address; anything else is never made a link.</summary>
    internal static string? SafeLink(string? permalink) =>
        Uri.TryCreate(permalink, UriKind.Absolute, out var uri) && (uri.Scheme == Uri.UriSchemeHttps || uri.Scheme == Uri.UriSchemeHttp)
            ? uri.AbsoluteUri
            : null;
}

/// <summary>Links to neighbouring views in a served page: relative URLs under /api/summaries, keeping <c>?page=</c>.</summary>
public sealed record SummaryLinks(string? Page)
{
    /// <summary>"?page=…" or "&amp;page=…" (unencoded ampersand; the renderer encodes the whole href), or nothing.</summary>
    public string Query(char separator) => Page is null ? "" : separator + "page=" + Uri.EscapeDataString(Page);
}
