using System.Globalization;
using System.Text;
using System.Text.Encodings.Web;
using Listening.Core.Snapshots;

namespace Listening.Core.Summaries;

/// <summary>
/// The daily summary as a German HTML page for the press office. Self-contained (inline CSS, no script, nothing
/// loaded from elsewhere) so it can be served, saved, mailed and printed as it is; built for WCAG 2.1 AA because
/// BITV 2.0 applies to what a county publishes, reports included.
/// </summary>
/// <remarks>
/// Every text that comes from Facebook or configuration (page names, post text, permalinks, the zone name) goes
/// through <see cref="HtmlEncoder"/>, and only ever into element content or double-quoted attributes; numbers and
/// dates are formatted here. Ids and class names are built from indexes and constants, never from data.
/// </remarks>
public static class SummaryHtmlRenderer
{
    public const string EmptyDayText = "Heute keine neuen Beiträge und keine Interaktionen.";

    private static readonly HtmlEncoder Encoder = HtmlEncoder.Default;

    public static string Render(DailySummary summary)
    {
        ArgumentNullException.ThrowIfNull(summary);
        var html = new StringBuilder(16 * 1024);
        var date = GermanFormat.Date(summary.Date);
        var zone = Encode(summary.TimeZone);

        html.Append("<!DOCTYPE html>\n<html lang=\"de\">\n<head>\n<meta charset=\"utf-8\">\n")
            .Append("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n")
            .Append("<meta name=\"robots\" content=\"noindex\">\n")
            .Append("<title>").Append(Title(summary)).Append("</title>\n")
            .Append("<style>").Append(Css).Append("</style>\n</head>\n<body>\n")
            .Append("<a class=\"skip\" href=\"#inhalt\">Zum Inhalt springen</a>\n")
            .Append("<header class=\"site\"><div class=\"wrap\">\n");
        if (summary.Demo)
        {
            html.Append("<p class=\"demo\" role=\"note\"><strong>Demo</strong> ")
                .Append("Beispieldaten der eingebauten Demo-Seite, keine echte Facebook-Seite.</p>\n");
        }

        html.Append("<h1>").Append(summary.Demo ? "Demo – " : "").Append("Tageszusammenfassung ").Append(date).Append("</h1>\n")
            .Append("<p class=\"subtitle\">").Append(GermanFormat.LongDate(summary.Date)).Append("</p>\n");
        if (summary.Pages.Count > 1)
        {
            html.Append("<nav aria-label=\"Seiten\"><ul>");
            for (var i = 0; i < summary.Pages.Count; i++)
            {
                html.Append("<li><a href=\"#").Append(PageId(i)).Append("\">").Append(Encode(summary.Pages[i].Name)).Append("</a></li>");
            }

            html.Append("</ul></nav>\n");
        }

        html.Append("</div></header>\n<main id=\"inhalt\" tabindex=\"-1\"><div class=\"wrap\">\n");
        if (summary.Pages.Count == 0)
        {
            html.Append("<p class=\"empty\">Für diesen Tag liegen keine Daten vor.</p>\n");
        }

        for (var i = 0; i < summary.Pages.Count; i++)
        {
            AppendPage(html, summary, summary.Pages[i], i);
        }

        html.Append("</div></main>\n<footer><div class=\"wrap\">\n")
            .Append("<p>Tage nach Kalender ").Append(zone).Append(". Stand: ")
            .Append(GermanFormat.DateTime(GermanFormat.InZone(summary.GeneratedAt, summary.TimeZone))).Append(".</p>\n")
            .Append("<p>Follower und „Gefällt mir“-Angaben: Stand am Ende des Tages und Veränderung zum Ende des Vortags. ")
            .Append("Reaktionen, Kommentare und „Mal geteilt“ zählen für den Tag, an dem sie bei Facebook abgerufen wurden.</p>\n")
            .Append("<p>Die Daten stammen von Meta (Facebook) und können sich nachträglich noch ändern.</p>\n");
        if (summary.Demo)
        {
            html.Append("<p><strong>Demo:</strong> Alle Zahlen sind Beispieldaten.</p>\n");
        }

        html.Append("</div></footer>\n</body>\n</html>\n");
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

        html.Append("<section aria-labelledby=\"").Append(id).Append("-zahlen\">\n<h3 id=\"").Append(id).Append("-zahlen\">Kennzahlen</h3>\n")
            .Append("<dl class=\"cards\">\n");
        AppendCounterCard(html, "Follower", page.Followers);
        AppendCounterCard(html, "„Gefällt mir“-Angaben", page.Likes);
        AppendDayCard(html, "Reaktionen", page.Reactions.Total);
        AppendDayCard(html, "Kommentare", page.Comments);
        AppendDayCard(html, "Mal geteilt", page.Shares);
        html.Append("</dl>\n</section>\n");

        var quiet = page.Posts.Count == 0 && page.Reactions.Total == 0 && !page.Reactions.AnyNegative;
        if (!quiet)
        {
            AppendReactions(html, page.Reactions, id, date);
        }

        html.Append("<section aria-labelledby=\"").Append(id).Append("-beitraege\">\n<h3 id=\"").Append(id).Append("-beitraege\">Beiträge des Tages</h3>\n");
        if (page.Posts.Count == 0)
        {
            html.Append("<p class=\"empty\">").Append(EmptyDayText).Append("</p>\n");
        }
        else
        {
            AppendPosts(html, summary, page, id, date);
        }

        html.Append("</section>\n</section>\n");
    }

    private static void AppendCounterCard(StringBuilder html, string label, CounterChange counter)
    {
        html.Append("<div class=\"card\"><dt>").Append(label).Append("</dt><dd class=\"value\">")
            .Append(GermanFormat.Number(counter.End)).Append("</dd><dd class=\"change")
            .Append(counter.Change switch { > 0 => " up", < 0 => " down", _ => "" }).Append("\">");
        if (counter.Change is { } change)
        {
            // The arrow only repeats the sign; it is hidden from screen readers, which read the signed number.
            html.Append("<span aria-hidden=\"true\">").Append(change switch { > 0 => "▲ ", < 0 => "▼ ", _ => "● " }).Append("</span>")
                .Append(GermanFormat.Change(change)).Append(" zum Vortag");
        }
        else
        {
            html.Append("Vortag unbekannt");
        }

        html.Append("</dd></div>\n");
    }

    private static void AppendDayCard(StringBuilder html, string label, long value) =>
        html.Append("<div class=\"card\"><dt>").Append(label).Append("</dt><dd class=\"value\">")
            .Append(GermanFormat.Number(value)).Append("</dd><dd class=\"change\">an diesem Tag</dd></div>\n");

    private static void AppendReactions(StringBuilder html, ReactionCounts reactions, string id, string date)
    {
        var kinds = GermanFormat.ReactionKinds;
        var total = reactions.Total;
        var max = kinds.Max(k => k.Count(reactions));
        html.Append("<section aria-labelledby=\"").Append(id).Append("-reaktionen\">\n<h3 id=\"").Append(id)
            .Append("-reaktionen\">Reaktionen nach Art</h3>\n<div class=\"reactions\">\n");

        var label = new StringBuilder("Balkendiagramm: Reaktionen nach Art am ").Append(date).Append(". ");
        label.AppendJoin(", ", kinds.Select(k => k.Name + " " + GermanFormat.Number(k.Count(reactions)))).Append('.');
        // Only reaction names and numbers: nothing from Facebook goes into this attribute.
        var text = label.ToString();

        // Bar lengths are percentages of the drawing's width and the labels sit above the bars, so the text keeps
        // its size at any width (a viewBox would shrink it to nothing on a phone).
        const int rowHeight = 40;
        html.Append("<svg class=\"chart\" role=\"img\" aria-label=\"").Append(text).Append("\" width=\"100%\" height=\"")
            .Append(Invariant(kinds.Count * rowHeight)).Append("\" xmlns=\"http://www.w3.org/2000/svg\">")
            .Append("<title>").Append(text).Append("</title>");
        for (var i = 0; i < kinds.Count; i++)
        {
            var count = kinds[i].Count(reactions);
            var top = i * rowHeight;
            var share = max > 0 && count > 0 ? Math.Max(0.5, 100.0 * count / max) : 0;
            html.Append("<text x=\"0\" y=\"").Append(Invariant(top + 15)).Append("\">").Append(kinds[i].Name).Append(": ")
                .Append(GermanFormat.Number(count)).Append("</text>")
                .Append("<rect class=\"track\" x=\"0\" y=\"").Append(Invariant(top + 21)).Append("\" width=\"100%\" height=\"12\"/>")
                .Append("<rect class=\"bar\" x=\"0\" y=\"").Append(Invariant(top + 21)).Append("\" width=\"")
                .Append(share.ToString("0.##", CultureInfo.InvariantCulture)).Append("%\" height=\"12\"/>");
        }

        html.Append("</svg>\n");

        html.Append("<table class=\"reaction-table\">\n<caption>Reaktionen nach Art am ").Append(date).Append("</caption>\n")
            .Append("<thead><tr><th scope=\"col\">Reaktion</th><th scope=\"col\" class=\"num\">Anzahl</th><th scope=\"col\" class=\"num\">Anteil</th></tr></thead>\n<tbody>\n");
        foreach (var kind in kinds)
        {
            var count = kind.Count(reactions);
            html.Append("<tr><th scope=\"row\">").Append(kind.Name).Append("</th><td class=\"num\">").Append(GermanFormat.Number(count))
                .Append("</td><td class=\"num\">").Append(total > 0 ? GermanFormat.Percent(100.0 * count / total) : "–").Append("</td></tr>\n");
        }

        html.Append("</tbody>\n<tfoot><tr><th scope=\"row\">Gesamt</th><td class=\"num\">").Append(GermanFormat.Number(total))
            .Append("</td><td class=\"num\">").Append(total > 0 ? GermanFormat.Percent(100) : "–").Append("</td></tr></tfoot>\n</table>\n</div>\n</section>\n");
    }

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

    private static string PageId(int index) => "seite-" + Invariant(index + 1);

    private static string Invariant(int value) => value.ToString(CultureInfo.InvariantCulture);

    private static string Encode(string? text) => Encoder.Encode(text ?? "");

    // Colours: every text pair is at least 4.5:1 (most above 7:1); changes carry a sign and words, never colour alone.
    private const string Css = """
:root{color-scheme:light;--ink:#1b1f24;--muted:#4b5563;--accent:#1f4e79;--link:#0b57a4;--line:#c3c9d2;--card:#f3f5f8;--up:#1d6b35;--down:#a4262c}
*{box-sizing:border-box}
html{-webkit-text-size-adjust:100%;text-size-adjust:100%}
body{margin:0;font-family:system-ui,-apple-system,"Segoe UI",Roboto,"Helvetica Neue",Arial,sans-serif;font-size:1rem;line-height:1.5;color:var(--ink);background:#fff}
.wrap{max-width:72rem;margin:0 auto;padding:1rem}
a{color:var(--link);text-decoration:underline;text-underline-offset:.15em}
a:hover{text-decoration-thickness:.15em}
:focus-visible{outline:3px solid var(--accent);outline-offset:2px}
main:focus{outline:none}
.skip{position:absolute;left:.5rem;top:-10rem;z-index:10;padding:.5rem 1rem;background:#fff;color:var(--accent);border:2px solid var(--accent);font-weight:700}
.skip:focus{top:.5rem}
.site{border-bottom:4px solid var(--accent)}
h1{font-size:clamp(1.3rem,5.5vw,1.75rem);line-height:1.2;margin:.25rem 0;overflow-wrap:break-word;hyphens:auto}
.subtitle,.meta{margin:0;color:var(--muted)}
.demo{margin:0 0 1rem;padding:.75rem 1rem;background:#fff4ce;color:var(--ink);border:2px solid #8a6100;border-left-width:.75rem;font-size:1.05rem}
.demo strong{margin-right:.5rem;font-size:1.15rem;letter-spacing:.05em;text-transform:uppercase}
nav ul{list-style:none;display:flex;flex-wrap:wrap;gap:.25rem 1.25rem;margin:.75rem 0 0;padding:0}
.page{margin:1rem 0 2.5rem}
h2{font-size:1.5rem;line-height:1.25;margin:0 0 .25rem;padding-bottom:.25rem;border-bottom:2px solid var(--line);overflow-wrap:anywhere}
h3{font-size:1.15rem;margin:1.5rem 0 .5rem}
.cards{display:grid;grid-template-columns:repeat(auto-fit,minmax(8rem,1fr));gap:.5rem;margin:0}
.card{background:var(--card);border:1px solid var(--line);border-radius:.5rem;padding:.6rem .75rem}
.card dt{font-size:.9rem;font-weight:600;color:var(--muted)}
.card dd{margin:0}
.card .value{font-size:1.6rem;font-weight:700;line-height:1.3;font-variant-numeric:tabular-nums}
.card .change{font-size:.875rem}
.up{color:var(--up)}
.down{color:var(--down)}
.reactions{display:grid;gap:1rem}
@media (min-width:48em){.reactions{grid-template-columns:minmax(0,1fr) minmax(0,1fr);align-items:start;gap:2rem}}
.chart{display:block;max-width:32rem;overflow:visible;font-size:14px}
.chart text{fill:var(--ink)}
.chart .track{fill:#e4e8ee}
.chart .bar{fill:var(--accent)}
.table-scroll{overflow-x:auto;max-width:100%}
table{border-collapse:collapse;width:100%;font-variant-numeric:tabular-nums}
caption{caption-side:top;text-align:left;font-weight:600;padding:0 0 .5rem}
th,td{padding:.45rem .5rem;border-bottom:1px solid var(--line);text-align:left;vertical-align:top}
thead th{background:var(--card);border-bottom:2px solid var(--ink)}
tfoot th,tfoot td{border-top:2px solid var(--ink);font-weight:700}
.num{text-align:right;white-space:nowrap}
.posts tbody th{font-weight:400;min-width:14rem}
.posts .text{overflow-wrap:anywhere}
.posts .none{font-style:italic;color:var(--muted)}
.posts .created{white-space:nowrap}
.posts .total{display:block;color:var(--muted);font-size:.875rem}
.sub{font-size:.8rem;color:var(--muted)}
.permalink,.url{display:block;margin-top:.25rem;overflow-wrap:anywhere}
@media (max-width:40em){
.posts,.posts caption,.posts tbody,.posts tr,.posts th,.posts td{display:block;width:auto}
.posts thead{position:absolute;width:1px;height:1px;overflow:hidden;clip:rect(0 0 0 0)}
.posts tr{margin-bottom:.75rem;padding:.5rem .75rem;border:1px solid var(--line);border-radius:.5rem}
.posts tbody th,.posts td{min-width:0;padding:.15rem 0;border:0}
.posts td.num{text-align:left;white-space:normal}
.posts td.num::before{content:attr(data-label) ": ";font-weight:600}
.posts .total{display:inline;margin-left:.35rem}
}
.badge{display:inline-block;padding:0 .4rem;border:1px solid var(--accent);border-radius:.25rem;color:var(--accent);font-size:.8rem;font-weight:700;line-height:1.4;vertical-align:.1em}
.empty{margin:0;padding:.75rem 1rem;background:var(--card);border-left:4px solid var(--muted)}
.visually-hidden{position:absolute;width:1px;height:1px;margin:-1px;padding:0;overflow:hidden;clip:rect(0 0 0 0);white-space:nowrap;border:0}
footer{margin-top:1rem;border-top:1px solid var(--line);color:var(--muted);font-size:.9rem}
footer p{margin:.25rem 0}
@media print{
body{font-size:10pt;color:#000}
.wrap{max-width:none;padding:0}
.skip,nav{display:none}
.site{border-bottom:2px solid #000}
.demo{background:none;border:2px solid #000;color:#000}
.card,.empty,thead th{background:none}
.card{border-color:#000;break-inside:avoid}
.subtitle,.meta,.card dt,.sub,.posts .total,footer,.up,.down{color:#000}
a{color:#000}
a.permalink::after{content:" (" attr(href) ")";font-size:.85em}
.table-scroll{overflow:visible}
tr,.chart{break-inside:avoid}
h2,h3{break-after:avoid}
.page+.page{break-before:page}
.chart .track{fill:#fff;stroke:#000;stroke-width:.5}
.chart .bar{fill:#555}
}
""";
}
