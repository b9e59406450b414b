using System.Globalization;
using System.Text;
using static Listening.Core.Summaries.SummaryHtml;

namespace Listening.Core.Summaries;

/// <summary>
/// The daily summary as a German HTML page for the press office. Self-contained (inline CSS, no script, nothing
/// loaded from elsewhere) so it can be served, saved, mailed and printed as it is; built for WCAG 2.1 AA because
/// BITV 2.0 applies to what a county publishes, reports included.
/// </summary>
/// <remarks>
/// Every text that comes from Facebook or configuration (page names, post text, permalinks, topic names, the zone
/// name) goes through <see cref="System.Text.Encodings.Web.HtmlEncoder"/>, and only ever into element content or
/// double-quoted attributes; numbers and dates are formatted here. Ids and class names are built from indexes and
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
        var html = new StringBuilder(24 * 1024);
        var date = GermanFormat.Date(summary.Date);
        Open(html, Title(summary), "Tageszusammenfassung " + date, GermanFormat.LongDate(summary.Date), summary.Demo);
        if (links is not null)
        {
            var week = summary.Date.AddDays(-6);
            var month = summary.Date.AddDays(-29);
            ViewLinks(html,
            [
                ("Vortag (" + GermanFormat.Date(summary.Date.AddDays(-1)) + ")", Iso(summary.Date.AddDays(-1)) + links.Query('?')),
                ("Letzte 7 Tage", "../summaries?from=" + Iso(week) + "&to=" + Iso(summary.Date) + links.Query('&')),
                ("Letzte 30 Tage", "../summaries?from=" + Iso(month) + "&to=" + Iso(summary.Date) + links.Query('&')),
            ]);
        }

        PageNavigationAndMain(html, summary.Pages.Select(p => p.Name).ToList());
        if (summary.Pages.Count == 0)
        {
            html.Append("<p class=\"empty\">Für diesen Tag liegen keine Daten vor.</p>\n");
        }

        for (var i = 0; i < summary.Pages.Count; i++)
        {
            AppendPage(html, summary, summary.Pages[i], i);
        }

        var zone = Encode(summary.TimeZone);
        Close(html,
        [
            "Tage nach Kalender " + zone + ". Stand: " + GermanFormat.DateTime(GermanFormat.InZone(summary.GeneratedAt, summary.TimeZone)) + ".",
            "Follower und „Gefällt mir“-Angaben: Stand am Ende des Tages und Veränderung zum Ende des Vortags. "
                + "Reaktionen, Kommentare und „Mal geteilt“ zählen für den Tag, an dem sie bei Facebook abgerufen wurden.",
            "Die Daten stammen von Meta (Facebook) und können sich nachträglich noch ändern.",
        ], summary.Demo);
        return html.ToString();
    }

    private static string Title(DailySummary summary)
    {
        var title = (summary.Demo ? "Demo – " : "") + "Tageszusammenfassung " + GermanFormat.Date(summary.Date);
        return summary.Pages.Count switch
        {
            0 => title,
            1 => title + " – " + Encode(summary.Pages[0].Name),
            var n => title + " – " + Invariant(n) + " Seiten",
        };
    }

    private static void AppendPage(StringBuilder html, DailySummary summary, PageDaySummary page, int index)
    {
        var id = PageId(index);
        var date = GermanFormat.Date(page.Date);
        html.Append("<section class=\"page\" aria-labelledby=\"").Append(id).Append("\">\n")
            .Append("<h2 id=\"").Append(id).Append("\">").Append(Encode(page.Name));
        if (page.Demo && !summary.Demo)
        {
            html.Append(" <span class=\"badge\">Demo</span>");
        }

        html.Append("</h2>\n<p class=\"meta\">");
        if (page.Observations > 0)
        {
            html.Append("Letzter Abruf: ").Append(GermanFormat.DateTime(GermanFormat.InZone(page.GeneratedAt, summary.TimeZone)))
                .Append(" · ").Append(GermanFormat.Number(page.Observations)).Append(page.Observations == 1 ? " Abruf" : " Abrufe")
                .Append(" an diesem Tag");
        }
        else
        {
            html.Append("An diesem Tag wurde die Seite nicht abgerufen.");
        }

        html.Append("</p>\n");

        OpenSection(html, id + "-zahlen", "Kennzahlen");
        html.Append("<dl class=\"cards\">\n");
        CounterCard(html, "Follower", page.Followers);
        CounterCard(html, "„Gefällt mir“-Angaben", page.Likes);
        var before = page.PreviousDay;
        var newPosts = page.Posts.Count(p => p.New);
        DayCard(html, "Reaktionen", page.Reactions.Total, before?.Reactions);
        DayCard(html, "Kommentare", page.Comments, before?.Comments);
        DayCard(html, "Mal geteilt", page.Shares, before?.Shares);
        DayCard(html, "Neue Beiträge", newPosts, before?.NewPosts);
        html.Append("</dl>\n");
        CloseSection(html);

        MilestonesAndAlerts(html, page.Milestones ?? Milestones.Of(page), page.Alerts, id, summary.TimeZone, withDates: false);
        Giveaways(html, page.Giveaways, id, summary.TimeZone);

        var quiet = page.Posts.Count == 0 && page.Reactions.Total == 0 && !page.Reactions.AnyNegative;
        if (!quiet)
        {
            Reactions(html, page.Reactions, id, "am " + date);
        }

        // The posts that drew the most that day; ties go to the newer post (the digest card picks the same way).
        var top = page.Posts
            .Where(p => p.Reactions.Total + p.Comments + p.Shares > 0)
            .OrderByDescending(p => p.Reactions.Total + p.Comments + p.Shares)
            .ThenByDescending(p => p.CreatedTime.UtcTicks)
            .ThenBy(p => p.Id, StringComparer.Ordinal)
            .Take(TopPostCount)
            .Select(PostView.Of)
            .ToList();
        TopPosts(html, top, id, "Top-Beiträge des Tages", "am Tag", summary.TimeZone);
        SummaryHtml.Topics(html, page.Topics, id, "am " + date);
        MetaDays(html, page.MetaDay is null ? [] : [page.MetaDay], id);

        OpenSection(html, id + "-beitraege", "Alle Beiträge des Tages");
        if (page.Posts.Count == 0)
        {
            html.Append("<p class=\"empty\">").Append(EmptyDayText).Append("</p>\n");
        }
        else
        {
            AppendPosts(html, summary, page, id, date);
        }

        CloseSection(html);
        html.Append("</section>\n");
    }

    private static void CounterCard(StringBuilder html, string label, CounterChange counter) =>
        Card(html, label, GermanFormat.Number(counter.End), counter.Change, GermanFormat.Change(counter.Change) + " zum Vortag", "Vortag unbekannt");

    private static void DayCard(StringBuilder html, string label, long value, long? before) =>
        Card(html, label, GermanFormat.Number(value), before is { } b ? value - b : null,
            before is { } previous ? ChangeWithPercent(value, previous) + " zum Vortag" : "", "an diesem Tag");

    private static void AppendPosts(StringBuilder html, DailySummary summary, PageDaySummary page, string id, string date)
    {
        // On narrow screens the CSS stacks each row into a block so nothing needs sideways scrolling at 320px;
        // some browsers drop table semantics when display changes, so the roles are spelled out.
        var caption = id + "-beitraege-tabelle";
        html.Append("<div class=\"table-scroll\" role=\"region\" aria-labelledby=\"").Append(caption).Append("\" tabindex=\"0\">\n")
            .Append("<table class=\"posts\" role=\"table\">\n<caption id=\"").Append(caption).Append("\">Beiträge am ").Append(date)
            .Append(": neue Beiträge und ältere mit neuen Interaktionen, neueste zuerst. Zahlen jeweils an diesem Tag und insgesamt.</caption>\n")
            .Append("<thead role=\"rowgroup\"><tr role=\"row\"><th scope=\"col\" role=\"columnheader\">Erstellt</th><th scope=\"col\" role=\"columnheader\">Beitrag</th>")
            .Append("<th scope=\"col\" role=\"columnheader\" class=\"num\">Reaktionen</th><th scope=\"col\" role=\"columnheader\" class=\"num\">Kommentare</th>")
            .Append("<th scope=\"col\" role=\"columnheader\" class=\"num\">Mal geteilt</th></tr></thead>\n<tbody role=\"rowgroup\">\n");
        foreach (var post in page.Posts)
        {
            var created = GermanFormat.InZone(post.CreatedTime, summary.TimeZone);
            var createdText = GermanFormat.DateTime(created);
            html.Append("<tr role=\"row\"><td role=\"cell\" class=\"created\"><time datetime=\"")
                .Append(created.ToString("yyyy-MM-dd'T'HH:mmzzz", CultureInfo.InvariantCulture)).Append("\">").Append(createdText).Append("</time>");
            if (post.New)
            {
                html.Append(" <strong class=\"badge\">neu</strong>");
            }

            html.Append("</td><th scope=\"row\" role=\"rowheader\" class=\"excerpt\">");
            if (post.Excerpt.Length > 0)
            {
                html.Append("<span class=\"text\">").Append(Encode(post.Excerpt)).Append("</span>");
            }
            else
            {
                html.Append("<span class=\"text none\">(ohne Text)</span>");
            }

            Tags(html, post.Topics);
            if (SafeLink(post.Permalink) is { } href)
            {
                html.Append(" <a class=\"permalink\" href=\"").Append(Encode(href)).Append("\">Beitrag auf Facebook öffnen")
                    .Append("<span class=\"visually-hidden\"> (vom ").Append(createdText).Append(")</span></a>");
            }
            else if (!string.IsNullOrWhiteSpace(post.Permalink))
            {
                html.Append(" <span class=\"url\">Adresse: ").Append(Encode(post.Permalink)).Append("</span>");
            }

            html.Append("</th>");
            AppendDayAndTotal(html, "Reaktionen", post.Reactions.Total, post.ReactionsTotal.Total);
            AppendDayAndTotal(html, "Kommentare", post.Comments, post.CommentsTotal);
            AppendDayAndTotal(html, "Mal geteilt", post.Shares, post.SharesTotal);
            html.Append("</tr>\n");
        }

        html.Append("</tbody>\n</table>\n</div>\n");
    }

    private static void AppendDayAndTotal(StringBuilder html, string label, long day, long total) =>
        html.Append("<td role=\"cell\" class=\"num\" data-label=\"").Append(label).Append("\">").Append(GermanFormat.Number(day)).Append(" <span class=\"sub\">am Tag</span>")
            .Append("<span class=\"total\">").Append(GermanFormat.Number(total)).Append(" <span class=\"sub\">gesamt</span></span></td>");

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
