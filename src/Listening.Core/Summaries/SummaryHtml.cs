using System.Globalization;
using System.Text;
using System.Text.Encodings.Web;
using Listening.Core.Snapshots;

namespace Listening.Core.Summaries;

/// <summary>
/// The building blocks the day page and the period page share: document frame, cards, charts, post lists,
/// topic and Meta tables, milestones. See <see cref="SummaryHtmlRenderer"/> for the rules every block keeps.
/// </summary>
/// <remarks>
/// Every text that comes from Facebook or configuration goes through <see cref="Encode"/> and only ever into
/// element content or double-quoted attributes; ids are built from indexes and constants; numbers and dates are
/// formatted here.
/// </remarks>
internal static class SummaryHtml
{
    /// <summary>Meta's day ends at midnight in this zone.</summary>
    public const string MetaZone = "America/Los_Angeles";

    /// <summary>Encodes what HTML gives meaning to (&lt; &gt; &amp; " ' and more) but leaves umlauts and emoji readable.</summary>
    private static readonly HtmlEncoder Encoder = HtmlEncoder.Create(System.Text.Unicode.UnicodeRanges.All);

    /// <summary>German names of Meta's Page metrics, as Facebook's German interface calls them.</summary>
    private static readonly Dictionary<string, string> MetricNames = new(StringComparer.Ordinal)
    {
        ["page_media_view"] = "Aufrufe",
        ["page_total_media_view_unique"] = "Reichweite (erreichte Personen)",
        ["page_impressions"] = "Aufrufe",
        ["page_impressions_unique"] = "Reichweite (erreichte Personen)",
        ["page_post_engagements"] = "Interaktionen mit Beiträgen",
        ["page_views_total"] = "Aufrufe der Seite",
        ["page_video_views"] = "Videoaufrufe",
        ["page_follows"] = "Follower laut Meta",
        ["page_daily_follows"] = "Neue Follower",
        ["page_daily_follows_unique"] = "Neue Follower (Personen)",
        ["page_total_actions"] = "Klicks auf Handlungsaufrufe",
    };

    public static string Encode(string? text) => Encoder.Encode(text ?? "");

    public static string Invariant(int value) => value.ToString(CultureInfo.InvariantCulture);

    public static string Invariant(double value) => value.ToString("0.##", CultureInfo.InvariantCulture);

    public static string Iso(DateOnly date) => date.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);

    /// <summary>Opens the document: head with inline CSS, skip link, header with the demo banner and the title.</summary>
    public static void Open(StringBuilder html, string title, string heading, string subtitle, bool demo)
    {
        html.Append("<!DOCTYPE html>\n<html lang=\"de\">\n<head>\n<meta charset=\"utf-8\">\n")
            .Append("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n")
            .Append("<meta name=\"robots\" content=\"noindex\">\n")
            .Append("<title>").Append(title).Append("</title>\n")
            .Append("<style>").Append(Css).Append("</style>\n</head>\n<body>\n")
            .Append("<a class=\"skip\" href=\"#inhalt\">Zum Inhalt springen</a>\n")
            .Append("<header class=\"site\"><div class=\"wrap\">\n");
        if (demo)
        {
            html.Append("<p class=\"demo\" role=\"note\"><strong>Demo</strong> ")
                .Append("Beispieldaten der eingebauten Demo-Seite, keine echte Facebook-Seite.</p>\n");
        }

        html.Append("<h1>").Append(demo ? "Demo – " : "").Append(heading).Append("</h1>\n")
            .Append("<p class=\"subtitle\">").Append(subtitle).Append("</p>\n");
    }

    /// <summary>A list of links to the Pages' sections when there is more than one, then the start of main.</summary>
    public static void PageNavigationAndMain(StringBuilder html, IReadOnlyList<string> pageNames)
    {
        if (pageNames.Count > 1)
        {
            html.Append("<nav aria-label=\"Seiten\"><ul class=\"inline\">");
            for (var i = 0; i < pageNames.Count; i++)
            {
                html.Append("<li><a href=\"#").Append(PageId(i)).Append("\">").Append(Encode(pageNames[i])).Append("</a></li>");
            }

            html.Append("</ul></nav>\n");
        }

        html.Append("</div></header>\n<main id=\"inhalt\" tabindex=\"-1\"><div class=\"wrap\">\n");
    }

    /// <summary>Links to other views (relative URLs under /api/summaries), or nothing when rendered for a file.</summary>
    public static void ViewLinks(StringBuilder html, IReadOnlyList<(string Text, string Href)> links)
    {
        if (links.Count == 0)
        {
            return;
        }

        html.Append("<nav class=\"views\" aria-label=\"Weitere Berichte\"><ul class=\"inline\">");
        foreach (var (text, href) in links)
        {
            html.Append("<li><a href=\"").Append(Encode(href)).Append("\">").Append(text).Append("</a></li>");
        }

        html.Append("</ul></nav>\n");
    }

    public static void Close(StringBuilder html, IEnumerable<string> footerParagraphs, bool demo)
    {
        html.Append("</div></main>\n<footer><div class=\"wrap\">\n");
        foreach (var paragraph in footerParagraphs)
        {
            html.Append("<p>").Append(paragraph).Append("</p>\n");
        }

        if (demo)
        {
            html.Append("<p><strong>Demo:</strong> Alle Zahlen sind Beispieldaten.</p>\n");
        }

        html.Append("</div></footer>\n</body>\n</html>\n");
    }

    public static string PageId(int index) => "seite-" + Invariant(index + 1);

    public static void OpenSection(StringBuilder html, string id, string heading) =>
        html.Append("<section aria-labelledby=\"").Append(id).Append("\">\n<h3 id=\"").Append(id).Append("\">").Append(heading).Append("</h3>\n");

    public static void CloseSection(StringBuilder html) => html.Append("</section>\n");

    /// <summary>A headline number with its change; the arrow only repeats the sign and is hidden from screen readers.</summary>
    public static void Card(StringBuilder html, string label, string value, long? change, string changeText, string? unknownText = null)
    {
        html.Append("<div class=\"card\"><dt>").Append(label).Append("</dt><dd class=\"value\">").Append(value)
            .Append("</dd><dd class=\"change").Append(change switch { > 0 => " up", < 0 => " down", _ => "" }).Append("\">");
        if (change is { } c)
        {
            html.Append("<span aria-hidden=\"true\">").Append(c switch { > 0 => "▲ ", < 0 => "▼ ", _ => "● " }).Append("</span>")
                .Append(changeText);
        }
        else
        {
            html.Append(unknownText ?? changeText);
        }

        html.Append("</dd></div>\n");
    }

    /// <summary>"+12 (+5,0 %)": the change of a sum against the same sum before, with the percentage where it means something.</summary>
    public static string ChangeWithPercent(long current, long previous)
    {
        var text = GermanFormat.Change(current - previous);
        return previous > 0 ? text + " (" + GermanFormat.PercentChange(current, previous) + ")" : text;
    }

    /// <summary>Bar chart of reactions by type (inline SVG with a text alternative) and the same numbers as a table.</summary>
    public static void Reactions(StringBuilder html, ReactionCounts reactions, string id, string when)
    {
        var kinds = GermanFormat.ReactionKinds;
        var total = reactions.Total;
        var max = kinds.Max(k => k.Count(reactions));
        OpenSection(html, id + "-reaktionen", "Reaktionen nach Art");
        html.Append("<div class=\"reactions\">\n");

        var label = new StringBuilder("Balkendiagramm: Reaktionen nach Art ").Append(when).Append(". ");
        label.AppendJoin(", ", kinds.Select(k => k.Name + " " + GermanFormat.Number(k.Count(reactions)))).Append('.');
        // Only reaction names, dates and numbers: nothing from Facebook goes into this attribute.
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
                .Append(Invariant(share)).Append("%\" height=\"12\"/>");
        }

        html.Append("</svg>\n");

        html.Append("<table class=\"reaction-table\">\n<caption>Reaktionen nach Art ").Append(when).Append("</caption>\n")
            .Append("<thead><tr><th scope=\"col\">Reaktion</th><th scope=\"col\" class=\"num\">Anzahl</th><th scope=\"col\" class=\"num\">Anteil</th></tr></thead>\n<tbody>\n");
        foreach (var kind in kinds)
        {
            var count = kind.Count(reactions);
            html.Append("<tr><th scope=\"row\">").Append(kind.Name).Append("</th><td class=\"num\">").Append(GermanFormat.Number(count))
                .Append("</td><td class=\"num\">").Append(total > 0 ? GermanFormat.Percent(100.0 * count / total) : "–").Append("</td></tr>\n");
        }

        html.Append("</tbody>\n<tfoot><tr><th scope=\"row\">Gesamt</th><td class=\"num\">").Append(GermanFormat.Number(total))
            .Append("</td><td class=\"num\">").Append(total > 0 ? GermanFormat.Percent(100) : "–").Append("</td></tr></tfoot>\n</table>\n</div>\n");
        CloseSection(html);
    }

    /// <summary>
    /// The posts that drew the most interactions, as an ordered list: excerpt, link, topic tags, reactions by type,
    /// comments and shares. <paramref name="gainedWhen"/> says what the numbers count ("am Tag", "im Zeitraum").
    /// </summary>
    public static void TopPosts(StringBuilder html, IReadOnlyList<PostView> posts, string id, string heading, string gainedWhen, string timeZone)
    {
        if (posts.Count == 0)
        {
            return;
        }

        OpenSection(html, id + "-top", heading);
        html.Append("<ol class=\"top\">\n");
        foreach (var post in posts)
        {
            var created = GermanFormat.DateTime(GermanFormat.InZone(post.CreatedTime, timeZone));
            html.Append("<li><article class=\"post\">\n<p class=\"text\">");
            if (post.Excerpt.Length > 0)
            {
                html.Append(Encode(post.Excerpt));
            }
            else
            {
                html.Append("<span class=\"none\">(ohne Text)</span>");
            }

            html.Append("</p>\n<p class=\"meta\">Erstellt <time datetime=\"")
                .Append(GermanFormat.InZone(post.CreatedTime, timeZone).ToString("yyyy-MM-dd'T'HH:mmzzz", CultureInfo.InvariantCulture))
                .Append("\">").Append(created).Append("</time>");
            if (post.New)
            {
                html.Append(" <strong class=\"badge\">neu</strong>");
            }

            html.Append("</p>\n");
            Tags(html, post.Topics);
            html.Append("<p class=\"counts\"><strong>").Append(GermanFormat.Number(post.Reactions.Total)).Append(" Reaktionen</strong>");
            var types = GermanFormat.ReactionKinds.Where(k => k.Count(post.Reactions) != 0).ToList();
            if (types.Count > 0)
            {
                html.Append(" (").AppendJoin(", ", types.Select(k => k.Name + " " + GermanFormat.Number(k.Count(post.Reactions)))).Append(')');
            }

            html.Append(" · ").Append(GermanFormat.Number(post.Comments)).Append(" Kommentare · ")
                .Append(GermanFormat.Number(post.Shares)).Append(" Mal geteilt <span class=\"sub\">").Append(gainedWhen).Append("</span></p>\n");
            if (SummaryHtmlRenderer.SafeLink(post.Permalink) is { } href)
            {
                html.Append("<p><a class=\"permalink\" href=\"").Append(Encode(href)).Append("\">Beitrag auf Facebook öffnen")
                    .Append("<span class=\"visually-hidden\"> (vom ").Append(created).Append(")</span></a></p>\n");
            }

            html.Append("</article></li>\n");
        }

        html.Append("</ol>\n");
        CloseSection(html);
    }

    /// <summary>Topic tags of a post, as a labelled list.</summary>
    public static void Tags(StringBuilder html, IReadOnlyList<string>? topics)
    {
        if (topics is not { Count: > 0 })
        {
            return;
        }

        html.Append("<ul class=\"tags\" aria-label=\"Themen\">");
        foreach (var topic in topics)
        {
            html.Append("<li>").Append(Encode(topic)).Append("</li>");
        }

        html.Append("</ul>");
    }

    public static void Topics(StringBuilder html, IReadOnlyList<TopicSummary>? topics, string id, string when)
    {
        if (topics is not { Count: > 0 })
        {
            return;
        }

        OpenSection(html, id + "-themen", "Themen");
        html.Append("<div class=\"table-scroll\" role=\"region\" aria-labelledby=\"").Append(id).Append("-themen-tabelle\" tabindex=\"0\">\n")
            .Append("<table class=\"topics\">\n<caption id=\"").Append(id).Append("-themen-tabelle\">Themen der Beiträge ").Append(when)
            .Append(", nach Interaktionen geordnet</caption>\n<thead><tr><th scope=\"col\">Thema</th><th scope=\"col\" class=\"num\">Beiträge</th>")
            .Append("<th scope=\"col\" class=\"num\">Reaktionen</th><th scope=\"col\" class=\"num\">Kommentare</th><th scope=\"col\" class=\"num\">Mal geteilt</th></tr></thead>\n<tbody>\n");
        foreach (var topic in topics)
        {
            html.Append("<tr><th scope=\"row\">").Append(Encode(topic.Topic)).Append("</th><td class=\"num\">").Append(GermanFormat.Number(topic.Posts))
                .Append("</td><td class=\"num\">").Append(GermanFormat.Number(topic.Reactions))
                .Append("</td><td class=\"num\">").Append(GermanFormat.Number(topic.Comments))
                .Append("</td><td class=\"num\">").Append(GermanFormat.Number(topic.Shares)).Append("</td></tr>\n");
        }

        html.Append("</tbody>\n</table>\n</div>\n");
        CloseSection(html);
    }

    /// <summary>Meta's day metrics: one row per metric for one day, or one row per day for a period.</summary>
    public static void MetaDays(StringBuilder html, IReadOnlyList<MetaDaySummary> days, string id)
    {
        if (days.Count == 0)
        {
            return;
        }

        OpenSection(html, id + "-meta", "Kennzahlen von Meta");
        html.Append("<p class=\"note\">Diese Werte meldet Meta für <strong>Metas Tag</strong>: Er läuft von Mitternacht bis Mitternacht ")
            .Append("pazifischer Zeit (").Append(MetaZone).Append("), in Deutschland also von 9 Uhr bis 9 Uhr (8 Uhr in den Wochen, in denen ")
            .Append("die Uhren in den USA und in Europa nicht gleichzeitig umgestellt sind). ")
            .Append("Meta liefert sie erst, wenn dieser Tag vorbei ist, und ändert sie manchmal nachträglich.</p>\n");
        var metrics = days.SelectMany(d => d.Metrics.Keys).Distinct(StringComparer.Ordinal).OrderBy(MetricOrder).ThenBy(m => m, StringComparer.Ordinal).ToList();
        var sources = days.Where(d => d.Sources is not null).SelectMany(d => d.Sources!)
            .GroupBy(s => s.Key, StringComparer.Ordinal).ToDictionary(g => g.Key, g => g.Select(s => s.Value).Distinct(StringComparer.Ordinal).ToList(), StringComparer.Ordinal);
        var caption = id + "-meta-tabelle";
        html.Append("<div class=\"table-scroll\" role=\"region\" aria-labelledby=\"").Append(caption).Append("\" tabindex=\"0\">\n");
        if (days.Count == 1)
        {
            var day = days[0];
            html.Append("<table class=\"meta-table\">\n<caption id=\"").Append(caption).Append("\">Kennzahlen von Meta für Metas Tag ")
                .Append(GermanFormat.Date(day.Date)).Append("</caption>\n<thead><tr><th scope=\"col\">Kennzahl</th><th scope=\"col\" class=\"num\">Wert</th>")
                .Append("<th scope=\"col\">Quelle bei Meta</th></tr></thead>\n<tbody>\n");
            foreach (var metric in metrics)
            {
                html.Append("<tr><th scope=\"row\">").Append(MetricName(metric)).Append("</th><td class=\"num\">")
                    .Append(day.Metrics.TryGetValue(metric, out var value) ? GermanFormat.Number(value) : "–").Append("</td><td>");
                SourceText(html, metric, day.Sources is not null && day.Sources.TryGetValue(metric, out var source) ? [source] : null);
                html.Append("</td></tr>\n");
            }
        }
        else
        {
            html.Append("<table class=\"meta-table\">\n<caption id=\"").Append(caption).Append("\">Kennzahlen von Meta je Metas Tag</caption>\n<thead><tr><th scope=\"col\">Metas Tag</th>");
            foreach (var metric in metrics)
            {
                html.Append("<th scope=\"col\" class=\"num\">").Append(MetricName(metric)).Append("</th>");
            }

            html.Append("</tr></thead>\n<tbody>\n");
            foreach (var day in days)
            {
                html.Append("<tr><th scope=\"row\">").Append(GermanFormat.Date(day.Date)).Append("</th>");
                foreach (var metric in metrics)
                {
                    html.Append("<td class=\"num\">").Append(day.Metrics.TryGetValue(metric, out var value) ? GermanFormat.Number(value) : "–").Append("</td>");
                }

                html.Append("</tr>\n");
            }
        }

        html.Append("</tbody>\n</table>\n</div>\n");
        if (days.Count > 1 && sources.Count > 0)
        {
            html.Append("<p class=\"note\">Quellen: ");
            var first = true;
            foreach (var (metric, names) in sources.OrderBy(s => s.Key, StringComparer.Ordinal))
            {
                html.Append(first ? "" : " ");
                first = false;
                html.Append(MetricName(metric)).Append(": ");
                SourceText(html, metric, names);
            }

            html.Append("</p>\n");
        }

        CloseSection(html);
    }

    /// <summary>Milestones crossed and alerts raised; nothing when there are none.</summary>
    public static void MilestonesAndAlerts(StringBuilder html, IReadOnlyList<Milestone> milestones, IReadOnlyList<SummaryAlert>? alerts, string id, string timeZone, bool withDates)
    {
        if (milestones.Count == 0 && alerts is not { Count: > 0 })
        {
            return;
        }

        OpenSection(html, id + "-hinweise", "Meilensteine und Hinweise");
        html.Append("<ul class=\"notes\">\n");
        foreach (var milestone in milestones)
        {
            html.Append("<li class=\"milestone\"><strong>Meilenstein:</strong> ")
                .Append(GermanFormat.Number(milestone.Threshold)).Append(milestone.Kind == Milestones.Likes ? " „Gefällt mir“-Angaben" : " Follower")
                .Append(" erreicht").Append(withDates ? " am " + GermanFormat.Date(milestone.Date) : "").Append(".</li>\n");
        }

        foreach (var alert in alerts ?? [])
        {
            html.Append("<li class=\"alert\"><strong>Hinweis:</strong> ").Append(Encode(alert.Text));
            if (alert.At is { } at)
            {
                html.Append(" <span class=\"sub\">(").Append(GermanFormat.DateTime(GermanFormat.InZone(at, timeZone))).Append(")</span>");
            }

            html.Append("</li>\n");
        }

        html.Append("</ul>\n");
        CloseSection(html);
    }

    /// <summary>Giveaway follow-through: followers gained in 3 days after the post, still there after 30 days.</summary>
    public static void Giveaways(StringBuilder html, IReadOnlyList<GiveawayFollowThrough>? giveaways, string id, string timeZone)
    {
        if (giveaways is not { Count: > 0 })
        {
            return;
        }

        OpenSection(html, id + "-gewinnspiele", "Gewinnspiele: Was bleibt?");
        html.Append("<ul class=\"notes\">\n");
        foreach (var giveaway in giveaways)
        {
            html.Append("<li>Gewinnspiel");
            if (giveaway.CreatedTime is { } created)
            {
                html.Append(" vom ").Append(GermanFormat.DateTime(GermanFormat.InZone(created, timeZone)));
            }

            if (!string.IsNullOrWhiteSpace(giveaway.Excerpt))
            {
                html.Append(" („").Append(Encode(DigestShort(giveaway.Excerpt))).Append("“)");
            }

            html.Append(": ").Append(GermanFormat.Change(giveaway.FollowersGained)).Append(" Follower in den 3 Tagen danach");
            if (giveaway.FollowersRetained is { } retained)
            {
                html.Append(", davon nach 30 Tagen noch ").Append(GermanFormat.Number(retained));
                if (giveaway.FollowersGained is > 0 and var gained)
                {
                    html.Append(" (").Append(GermanFormat.Percent(100.0 * retained / gained)).Append(')');
                }
            }

            html.Append('.');
            if (SummaryHtmlRenderer.SafeLink(giveaway.Permalink) is { } href)
            {
                html.Append(" <a href=\"").Append(Encode(href)).Append("\">Gewinnspiel-Beitrag öffnen</a>");
            }

            html.Append("</li>\n");
        }

        html.Append("</ul>\n");
        CloseSection(html);
    }

    private static string DigestShort(string text) => text.Length <= 60 ? text : text[..59].TrimEnd() + "…";

    private static string MetricName(string metric) =>
        MetricNames.TryGetValue(metric, out var name)
            ? name + " <span class=\"sub\">(" + Encode(metric) + ")</span>"
            : Encode(metric);

    private static void SourceText(StringBuilder html, string metric, IReadOnlyList<string>? sources)
    {
        if (sources is not { Count: > 0 })
        {
            html.Append(Encode(metric));
            return;
        }

        html.Append("aus ").AppendJoin(", ", sources.Select(Encode)).Append(" (bei Meta umbenannt in ").Append(Encode(metric)).Append(')');
    }

    private static int MetricOrder(string metric) => metric switch
    {
        "page_media_view" => 0,
        "page_total_media_view_unique" => 1,
        "page_post_engagements" => 2,
        "page_views_total" => 3,
        "page_video_views" => 4,
        "page_follows" => 5,
        "page_daily_follows" => 6,
        "page_daily_follows_unique" => 7,
        _ => 10,
    };

    // Colours: every text pair is at least 4.5:1 (most above 7:1); changes carry a sign and words, never colour alone.
    public const string Css = """
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
ul.inline{list-style:none;display:flex;flex-wrap:wrap;gap:.25rem 1.25rem;margin:.75rem 0 0;padding:0}
.views ul.inline{margin:.5rem 0 0}
.page{margin:1rem 0 2.5rem}
h2{font-size:1.5rem;line-height:1.25;margin:0 0 .25rem;padding-bottom:.25rem;border-bottom:2px solid var(--line);overflow-wrap:anywhere}
h3{font-size:1.15rem;margin:1.5rem 0 .5rem}
.cards{display:grid;grid-template-columns:repeat(auto-fit,minmax(9.5rem,1fr));gap:.5rem;margin:0}
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
.linechart{margin:0}
.linechart .plot{display:grid;grid-template-columns:auto minmax(0,1fr);gap:.5rem;align-items:stretch}
.linechart .yaxis{display:flex;flex-direction:column;justify-content:space-between;text-align:right;font-size:.875rem;color:var(--muted);font-variant-numeric:tabular-nums}
.linechart svg{display:block;width:100%;height:12rem;border-left:1px solid var(--ink);border-bottom:1px solid var(--ink);background:#fff}
.linechart .grid{stroke:#d5dae1;stroke-width:1}
.linechart .line{fill:none;stroke:var(--accent);stroke-width:3;stroke-linejoin:round;stroke-linecap:round}
.linechart .xaxis{display:flex;justify-content:space-between;font-size:.875rem;color:var(--muted);margin-left:3.5rem}
.linechart figcaption{font-weight:600;margin-bottom:.5rem}
.table-scroll{overflow-x:auto;max-width:100%}
table{border-collapse:collapse;width:100%;font-variant-numeric:tabular-nums}
caption{caption-side:top;text-align:left;font-weight:600;padding:0 0 .5rem}
th,td{padding:.45rem .5rem;border-bottom:1px solid var(--line);text-align:left;vertical-align:top}
thead th{background:var(--card);border-bottom:2px solid var(--ink)}
tfoot th,tfoot td{border-top:2px solid var(--ink);font-weight:700}
.num{text-align:right;white-space:nowrap}
.posts tbody th{font-weight:400;min-width:14rem}
.posts .text{overflow-wrap:anywhere}
.none{font-style:italic;color:var(--muted)}
.posts .created{white-space:nowrap}
.posts .total{display:block;color:var(--muted);font-size:.875rem}
.sub{font-size:.8rem;color:var(--muted)}
.permalink,.url{display:block;margin-top:.25rem;overflow-wrap:anywhere}
.top{margin:0;padding-left:1.5rem;display:grid;gap:.75rem}
.top .post{padding:.5rem .75rem;border:1px solid var(--line);border-radius:.5rem}
.top p{margin:.15rem 0}
.top .text{font-weight:600;overflow-wrap:anywhere}
.tags{list-style:none;display:flex;flex-wrap:wrap;gap:.25rem;margin:.25rem 0;padding:0}
.tags li{padding:0 .45rem;border-radius:1rem;background:#e6eef7;color:var(--accent);font-size:.8rem;font-weight:600}
.notes{margin:0;padding-left:1.25rem}
.notes li{margin:.2rem 0}
.note{margin:.25rem 0 .75rem;color:var(--muted)}
.nodata td{color:var(--muted)}
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
.card,.empty,thead th,.tags li{background:none}
.card,.top .post{border-color:#000;break-inside:avoid}
.subtitle,.meta,.card dt,.sub,.posts .total,footer,.up,.down,.note,.linechart .yaxis,.linechart .xaxis,.tags li{color:#000}
a{color:#000}
a.permalink::after{content:" (" attr(href) ")";font-size:.85em}
.table-scroll{overflow:visible}
tr,.chart,.linechart{break-inside:avoid}
h2,h3{break-after:avoid}
.page+.page{break-before:page}
.chart .track{fill:#fff;stroke:#000;stroke-width:.5}
.chart .bar{fill:#555}
.linechart .line{stroke:#000}
}
""";
}

/// <summary>What the post lists show of a post, from a day's or a period's summary.</summary>
internal sealed record PostView(
    DateTimeOffset CreatedTime, string? Permalink, string Excerpt, bool New, ReactionCounts Reactions, long Comments, long Shares, IReadOnlyList<string>? Topics)
{
    public static PostView Of(PostDaySummary post) =>
        new(post.CreatedTime, post.Permalink, post.Excerpt, post.New, post.Reactions, post.Comments, post.Shares, post.Topics);

    public static PostView Of(PeriodPost post) =>
        new(post.CreatedTime, post.Permalink, post.Excerpt, post.New, post.Reactions, post.Comments, post.Shares, post.Topics);
}
