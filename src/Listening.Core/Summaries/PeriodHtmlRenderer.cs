using System.Text;
using Microsoft.AspNetCore.Components;
using static Listening.Core.Summaries.SummaryHtml;
using Listening.Core.Contracts;

namespace Listening.Core.Summaries;

/// <summary>
/// A period report (Wochen-, Monats- or Zeitraumbericht) as a German HTML page, under the same rules as the day
/// page (<see cref="SummaryHtmlRenderer"/>): self-contained, no script, WCAG 2.1 AA, every text from Facebook encoded.
/// The page is the Razor component <see cref="PeriodPage"/> (Summaries/Templates). The followers line chart is inline
/// SVG with a text alternative, drawn here from numbers and dates only; its numbers are in the "Tageswerte" table.
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
        return SummaryHtml.Render<PeriodPage>(new Dictionary<string, object?>
        {
            [nameof(PeriodPage.Period)] = period,
            [nameof(PeriodPage.Links)] = links,
        });
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

    /// <summary>
    /// Followers at the end of each day as a line (inline SVG, stretched to the width; the stroke keeps its width).
    /// The axis labels are HTML beside it, so text never scales with the drawing; the text alternative tells the
    /// story in one sentence and points to the table with every value.
    /// </summary>
    internal static MarkupString FollowerSvg(PeriodSummary period, PagePeriodSummary page, string id, bool instagram = false)
    {
        var points = FollowerPoints(page, instagram);
        var min = points.Min(p => p.Value);
        var max = points.Max(p => p.Value);
        var first = points[0];
        var last = points[^1];
        var highest = points.First(p => p.Value == max);
        var lowest = points.First(p => p.Value == min);
        var description = new StringBuilder(instagram ? "Liniendiagramm: Instagram-Follower am Ende jedes Tages vom " : "Liniendiagramm: Follower am Ende jedes Tages vom ")
            .Append(GermanFormat.Date(period.From)).Append(" bis ").Append(GermanFormat.Date(period.To)).Append(". Von ")
            .Append(GermanFormat.Number(first.Value)).Append(" am ").Append(GermanFormat.Date(first.Date)).Append(" auf ")
            .Append(GermanFormat.Number(last.Value)).Append(" am ").Append(GermanFormat.Date(last.Date))
            .Append(" (").Append(GermanFormat.Change(last.Value - first.Value)).Append("). Höchster Stand ")
            .Append(GermanFormat.Number(max)).Append(" am ").Append(GermanFormat.Date(highest.Date)).Append(", niedrigster ")
            .Append(GermanFormat.Number(min)).Append(" am ").Append(GermanFormat.Date(lowest.Date))
            .Append(". Alle Werte stehen in der Tabelle „Tageswerte“.").ToString();
        return instagram
            ? LineSvg(period, points, id + "-instagram-verlauf", "Instagram-Follower-Verlauf", description)
            : LineSvg(period, points, id + "-verlauf", "Follower-Verlauf", description);
    }

    /// <summary>The days whose follower count is known, as (date, followers at its end): the Page's, or its Instagram account's.</summary>
    internal static List<(DateOnly Date, long Value)> FollowerPoints(PagePeriodSummary page, bool instagram) =>
        [.. page.Days
            .Select(d => (d.Date, End: instagram ? d.Instagram?.Followers.End : d.Followers.End))
            .Where(d => d.End is not null)
            .Select(d => (d.Date, Value: d.End!.Value))];

    /// <summary>The days whose posts' reach is known, as (date, people reached that day).</summary>
    internal static List<(DateOnly Date, long Value)> ReachPoints(PagePeriodSummary page) =>
        page.Days.Where(d => d.Reach is not null).Select(d => (d.Date, Value: d.Reach!.Value)).ToList();

    /// <summary>People reached each day (the sum over the day's posts) as a line, like the followers' chart.</summary>
    internal static MarkupString ReachSvg(PeriodSummary period, PagePeriodSummary page, string id)
    {
        var points = ReachPoints(page);
        var max = points.Max(p => p.Value);
        var highest = points.First(p => p.Value == max);
        var description = new StringBuilder("Liniendiagramm: erreichte Personen je Tag (Summe über die Beiträge) vom ")
            .Append(GermanFormat.Date(period.From)).Append(" bis ").Append(GermanFormat.Date(period.To)).Append(". Zusammen ")
            .Append(GermanFormat.Number(points.Sum(p => p.Value))).Append(" an ").Append(GermanFormat.Number(points.Count))
            .Append(points.Count == 1 ? " Tag" : " Tagen").Append("; am meisten am ").Append(GermanFormat.Date(highest.Date)).Append(" mit ")
            .Append(GermanFormat.Number(max)).Append(". Alle Werte stehen in der Tabelle „Tageswerte“.").ToString();
        return LineSvg(period, points, id + "-reichweite", "Erreichte Personen je Tag", description);
    }

    private static MarkupString LineSvg(PeriodSummary period, List<(DateOnly Date, long Value)> points, string chartId, string title, string description)
    {
        var min = points.Min(p => p.Value);
        var max = points.Max(p => p.Value);
        var titleId = chartId + "-titel";
        var descId = chartId + "-text";
        var html = new StringBuilder(4096);
        html.Append("<svg role=\"img\" aria-labelledby=\"").Append(titleId).Append(' ').Append(descId).Append("\" viewBox=\"0 0 ")
            .Append(Invariant(ChartWidth)).Append(' ').Append(Invariant(ChartHeight))
            .Append("\" preserveAspectRatio=\"none\" xmlns=\"http://www.w3.org/2000/svg\">")
            .Append("<title id=\"").Append(titleId).Append("\">").Append(Encode(title)).Append("</title>")
            .Append("<desc id=\"").Append(descId).Append("\">").Append(Figures(description).Value).Append("</desc>");
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

        return new MarkupString(html.Append("</svg>").ToString());
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
}
