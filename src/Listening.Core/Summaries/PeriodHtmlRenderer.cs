using System.Text;
using static Listening.Core.Summaries.SummaryHtml;

namespace Listening.Core.Summaries;

/// <summary>
/// A period report (Wochen-, Monats- or Zeitraumbericht) as a German HTML page, under the same rules as the day
/// page (<see cref="SummaryHtmlRenderer"/>): self-contained, no script, WCAG 2.1 AA, every text from Facebook encoded.
/// The followers line chart is inline SVG with a text alternative; its numbers are in the "Tageswerte" table.
/// </summary>
public static class PeriodHtmlRenderer
{
    /// <summary>How many posts the "Top-Beiträge" list shows.</summary>
    public const int TopPostCount = 10;

    private const int ChartWidth = 1000;
    private const int ChartHeight = 200;
    private const int ChartPadding = 12;

    public static string Render(PeriodSummary period, SummaryLinks? links = null)
    {
        ArgumentNullException.ThrowIfNull(period);
        var html = new StringBuilder(48 * 1024);
        var name = ReportName(period.From, period.To);
        var range = GermanFormat.Date(period.From) + " – " + GermanFormat.Date(period.To);
        var title = (period.Demo ? "Demo – " : "") + name + " " + range + period.Pages.Count switch
        {
            0 => "",
            1 => " – " + Encode(period.Pages[0].Name),
            var n => " – " + Invariant(n) + " Seiten",
        };
        Open(html, title, name + " " + range,
            GermanFormat.Number(period.DayCount) + (period.DayCount == 1 ? " Tag" : " Tage") + ", verglichen mit dem Zeitraum davor ("
            + GermanFormat.Date(period.PreviousFrom) + " – " + GermanFormat.Date(period.PreviousTo) + ")", period.Demo);
        if (links is not null)
        {
            ViewLinks(html,
            [
                ("Zeitraum davor", "summaries?from=" + Iso(period.PreviousFrom) + "&to=" + Iso(period.PreviousTo) + links.Query('&')),
                ("Letzter Tag (" + GermanFormat.Date(period.To) + ")", "summaries/" + Iso(period.To) + links.Query('?')),
                ("Als CSV für Excel", "summaries?from=" + Iso(period.From) + "&to=" + Iso(period.To) + links.Query('&') + "&format=csv"),
            ]);
        }

        PageNavigationAndMain(html, period.Pages.Select(p => p.Name).ToList());
        if (period.Pages.Count == 0)
        {
            html.Append("<p class=\"empty\">Für diesen Zeitraum liegen keine Daten vor.</p>\n");
        }

        for (var i = 0; i < period.Pages.Count; i++)
        {
            AppendPage(html, period, period.Pages[i], i, links);
        }

        Close(html,
        [
            "Tage nach Kalender " + Encode(period.TimeZone) + ". Stand: " + GermanFormat.DateTime(GermanFormat.InZone(period.GeneratedAt, period.TimeZone)) + ".",
            "Follower und „Gefällt mir“-Angaben: Stand am Ende des Zeitraums und Veränderung seit dem Ende des Tages davor. "
                + "Reaktionen, Kommentare und „Mal geteilt“ sind die Summen der Tage, an denen sie bei Facebook abgerufen wurden; "
                + "der Vergleich gilt dem gleich langen Zeitraum direkt davor.",
            "Die Daten stammen von Meta (Facebook) und können sich nachträglich noch ändern.",
        ], period.Demo);
        return html.ToString();
    }

    /// <summary>"Wochenbericht" for 7 days, "Monatsbericht" for a calendar month, else "Bericht".</summary>
    public static string ReportName(DateOnly from, DateOnly to)
    {
        var days = to.DayNumber - from.DayNumber + 1;
        if (days == 7)
        {
            return "Wochenbericht";
        }

        return from.Day == 1 && to.Year == from.Year && to.Month == from.Month && to.Day == DateTime.DaysInMonth(to.Year, to.Month)
            ? "Monatsbericht"
            : "Bericht";
    }

    private static void AppendPage(StringBuilder html, PeriodSummary period, PagePeriodSummary page, int index, SummaryLinks? links)
    {
        var id = PageId(index);
        var when = "vom " + GermanFormat.Date(period.From) + " bis " + GermanFormat.Date(period.To);
        html.Append("<section class=\"page\" aria-labelledby=\"").Append(id).Append("\">\n")
            .Append("<h2 id=\"").Append(id).Append("\">").Append(Encode(page.Name));
        if (page.Demo && !period.Demo)
        {
            html.Append(" <span class=\"badge\">Demo</span>");
        }

        html.Append("</h2>\n<p class=\"meta\">Daten an ").Append(GermanFormat.Number(page.Totals.DaysWithData)).Append(" von ")
            .Append(GermanFormat.Number(period.DayCount)).Append(" Tagen; im Zeitraum davor an ")
            .Append(GermanFormat.Number(page.PreviousTotals.DaysWithData)).Append(page.PreviousTotals.DaysWithData == 1 ? " Tag." : " Tagen.").Append("</p>\n");

        var previousKnown = page.PreviousTotals.DaysWithData > 0;
        OpenSection(html, id + "-zahlen", "Kennzahlen");
        html.Append("<dl class=\"cards\">\n");
        CounterCard(html, "Follower", page.Followers);
        CounterCard(html, "„Gefällt mir“-Angaben", page.Likes);
        SumCard(html, "Reaktionen", page.Totals.Reactions.Total, page.PreviousTotals.Reactions.Total, previousKnown);
        SumCard(html, "Kommentare", page.Totals.Comments, page.PreviousTotals.Comments, previousKnown);
        SumCard(html, "Mal geteilt", page.Totals.Shares, page.PreviousTotals.Shares, previousKnown);
        SumCard(html, "Neue Beiträge", page.Totals.NewPosts, page.PreviousTotals.NewPosts, previousKnown);
        html.Append("</dl>\n");
        CloseSection(html);

        MilestonesAndAlerts(html, page.Milestones, page.Alerts, id, period.TimeZone, withDates: true);
        FollowerChart(html, period, page, id);
        Reactions(html, page.Totals.Reactions, id, when);
        TopPosts(html, page.Posts.Where(p => p.Interactions > 0).Take(TopPostCount).Select(PostView.Of).ToList(), id,
            "Top-Beiträge des Zeitraums", "im Zeitraum", period.TimeZone);
        SummaryHtml.Topics(html, page.Topics, id, when);
        Giveaways(html, page.Giveaways, id, period.TimeZone);
        MetaDays(html, page.MetaDays ?? [], id);
        DayTable(html, period, page, id, links);
        html.Append("</section>\n");
    }

    private static void CounterCard(StringBuilder html, string label, PeriodCounter counter)
    {
        var text = GermanFormat.Change(counter.Change) + " im Zeitraum";
        if (counter.PreviousChange is { } before)
        {
            text += "; davor " + GermanFormat.Change(before);
        }

        Card(html, label, GermanFormat.Number(counter.End), counter.Change, text, "Veränderung unbekannt");
    }

    private static void SumCard(StringBuilder html, string label, long value, long previous, bool previousKnown) =>
        Card(html, label, GermanFormat.Number(value), previousKnown ? value - previous : null,
            ChangeWithPercent(value, previous) + " zum Zeitraum davor", "im Zeitraum; davor keine Daten");

    /// <summary>
    /// Followers at the end of each day as a line (inline SVG, stretched to the width; the stroke keeps its width).
    /// The axis labels are HTML beside it, so text never scales with the drawing; the text alternative tells the
    /// story in one sentence and points to the table with every value.
    /// </summary>
    private static void FollowerChart(StringBuilder html, PeriodSummary period, PagePeriodSummary page, string id)
    {
        var points = page.Days.Where(d => d.Followers.End is not null).Select(d => (d.Date, Value: d.Followers.End!.Value)).ToList();
        if (points.Count == 0)
        {
            return;
        }

        OpenSection(html, id + "-verlauf", "Follower-Verlauf");
        var min = points.Min(p => p.Value);
        var max = points.Max(p => p.Value);
        var first = points[0];
        var last = points[^1];
        var highest = points.First(p => p.Value == max);
        var lowest = points.First(p => p.Value == min);
        var description = new StringBuilder("Liniendiagramm: Follower am Ende jedes Tages vom ")
            .Append(GermanFormat.Date(period.From)).Append(" bis ").Append(GermanFormat.Date(period.To)).Append(". Von ")
            .Append(GermanFormat.Number(first.Value)).Append(" am ").Append(GermanFormat.Date(first.Date)).Append(" auf ")
            .Append(GermanFormat.Number(last.Value)).Append(" am ").Append(GermanFormat.Date(last.Date))
            .Append(" (").Append(GermanFormat.Change(last.Value - first.Value)).Append("). Höchster Stand ")
            .Append(GermanFormat.Number(max)).Append(" am ").Append(GermanFormat.Date(highest.Date)).Append(", niedrigster ")
            .Append(GermanFormat.Number(min)).Append(" am ").Append(GermanFormat.Date(lowest.Date))
            .Append(". Alle Werte stehen in der Tabelle „Tageswerte“.").ToString();

        var titleId = id + "-verlauf-titel";
        var descId = id + "-verlauf-text";
        html.Append("<figure class=\"linechart\">\n<figcaption>Follower am Ende jedes Tages</figcaption>\n<div class=\"plot\">")
            .Append("<div class=\"yaxis\" aria-hidden=\"true\"><span>").Append(GermanFormat.Number(max)).Append("</span><span>")
            .Append(GermanFormat.Number(min)).Append("</span></div>")
            .Append("<svg role=\"img\" aria-labelledby=\"").Append(titleId).Append(' ').Append(descId).Append("\" viewBox=\"0 0 ")
            .Append(Invariant(ChartWidth)).Append(' ').Append(Invariant(ChartHeight))
            .Append("\" preserveAspectRatio=\"none\" xmlns=\"http://www.w3.org/2000/svg\">")
            .Append("<title id=\"").Append(titleId).Append("\">Follower-Verlauf</title>")
            .Append("<desc id=\"").Append(descId).Append("\">").Append(description).Append("</desc>");
        foreach (var y in new[] { ChartPadding, ChartHeight / 2, ChartHeight - ChartPadding })
        {
            html.Append("<line class=\"grid\" x1=\"0\" x2=\"").Append(Invariant(ChartWidth)).Append("\" y1=\"").Append(Invariant(y))
                .Append("\" y2=\"").Append(Invariant(y)).Append("\" vector-effect=\"non-scaling-stroke\"/>");
        }

        // One line per run of consecutive days; a day without data leaves a gap instead of a made-up slope.
        foreach (var run in Runs(points))
        {
            var coordinates = run.Select(p => (X: X(period, p.Date), Y: Y(p.Value, min, max))).ToList();
            if (coordinates.Count == 1)
            {
                var (x, y) = coordinates[0];
                coordinates = [(Math.Max(0, x - 4), y), (Math.Min(ChartWidth, x + 4), y)];
            }

            html.Append("<polyline class=\"line\" vector-effect=\"non-scaling-stroke\" points=\"")
                .AppendJoin(' ', coordinates.Select(c => Invariant(c.X) + "," + Invariant(c.Y))).Append("\"/>");
        }

        html.Append("</svg></div>\n<div class=\"xaxis\" aria-hidden=\"true\"><span>").Append(GermanFormat.Date(period.From))
            .Append("</span><span>").Append(GermanFormat.Date(period.To)).Append("</span></div>\n</figure>\n");
        CloseSection(html);
    }

    private static IEnumerable<List<(DateOnly Date, long Value)>> Runs(List<(DateOnly Date, long Value)> points)
    {
        var run = new List<(DateOnly Date, long Value)>();
        foreach (var point in points)
        {
            if (run.Count > 0 && point.Date.DayNumber != run[^1].Date.DayNumber + 1)
            {
                yield return run;
                run = [];
            }

            run.Add(point);
        }

        if (run.Count > 0)
        {
            yield return run;
        }
    }

    private static double X(PeriodSummary period, DateOnly date) =>
        period.DayCount == 1 ? ChartWidth / 2.0 : Math.Round((double)ChartWidth * (date.DayNumber - period.From.DayNumber) / (period.DayCount - 1), 2);

    private static double Y(long value, long min, long max) =>
        max == min ? ChartHeight / 2.0 : Math.Round(ChartHeight - ChartPadding - ((ChartHeight - (2.0 * ChartPadding)) * (value - min) / (max - min)), 2);

    /// <summary>Every day of the period, with or without data: the numbers behind the chart.</summary>
    private static void DayTable(StringBuilder html, PeriodSummary period, PagePeriodSummary page, string id, SummaryLinks? links)
    {
        OpenSection(html, id + "-tage", "Tageswerte");
        var caption = id + "-tage-tabelle";
        var byDate = page.Days.ToDictionary(d => d.Date);
        html.Append("<div class=\"table-scroll\" role=\"region\" aria-labelledby=\"").Append(caption).Append("\" tabindex=\"0\">\n")
            .Append("<table class=\"days\">\n<caption id=\"").Append(caption).Append("\">Tageswerte vom ").Append(GermanFormat.Date(period.From))
            .Append(" bis ").Append(GermanFormat.Date(period.To)).Append(": Follower am Ende des Tages, Reaktionen, Kommentare, „Mal geteilt“ und neue Beiträge an diesem Tag</caption>\n")
            .Append("<thead><tr><th scope=\"col\">Tag</th><th scope=\"col\" class=\"num\">Follower</th><th scope=\"col\" class=\"num\">Veränderung</th>")
            .Append("<th scope=\"col\" class=\"num\">Reaktionen</th><th scope=\"col\" class=\"num\">Kommentare</th><th scope=\"col\" class=\"num\">Mal geteilt</th>")
            .Append("<th scope=\"col\" class=\"num\">Neue Beiträge</th></tr></thead>\n<tbody>\n");
        for (var date = period.From; date <= period.To; date = date.AddDays(1))
        {
            html.Append(byDate.ContainsKey(date) ? "<tr>" : "<tr class=\"nodata\">").Append("<th scope=\"row\">");
            var label = date.ToString("dddd", GermanFormat.Culture) + ", " + GermanFormat.Date(date);
            if (links is not null && byDate.ContainsKey(date))
            {
                html.Append("<a href=\"").Append(Encode("summaries/" + Iso(date) + links.Query('?'))).Append("\">").Append(label).Append("</a>");
            }
            else
            {
                html.Append(label);
            }

            html.Append("</th>");
            if (byDate.TryGetValue(date, out var day))
            {
                html.Append("<td class=\"num\">").Append(GermanFormat.Number(day.Followers.End)).Append("</td><td class=\"num\">")
                    .Append(GermanFormat.Change(day.Followers.Change)).Append("</td><td class=\"num\">").Append(GermanFormat.Number(day.Reactions.Total))
                    .Append("</td><td class=\"num\">").Append(GermanFormat.Number(day.Comments)).Append("</td><td class=\"num\">")
                    .Append(GermanFormat.Number(day.Shares)).Append("</td><td class=\"num\">").Append(GermanFormat.Number(day.NewPosts)).Append("</td>");
            }
            else
            {
                html.Append("<td colspan=\"6\">keine Daten</td>");
            }

            html.Append("</tr>\n");
        }

        html.Append("</tbody>\n<tfoot><tr><th scope=\"row\">Zeitraum</th><td class=\"num\">").Append(GermanFormat.Number(page.Followers.End))
            .Append("</td><td class=\"num\">").Append(GermanFormat.Change(page.Followers.Change)).Append("</td><td class=\"num\">")
            .Append(GermanFormat.Number(page.Totals.Reactions.Total)).Append("</td><td class=\"num\">").Append(GermanFormat.Number(page.Totals.Comments))
            .Append("</td><td class=\"num\">").Append(GermanFormat.Number(page.Totals.Shares)).Append("</td><td class=\"num\">")
            .Append(GermanFormat.Number(page.Totals.NewPosts)).Append("</td></tr></tfoot>\n</table>\n</div>\n");
        CloseSection(html);
    }
}
