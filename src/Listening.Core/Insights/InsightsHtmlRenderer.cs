using System.Text;
using Listening.Core.Summaries;
using Microsoft.AspNetCore.Components;
using static Listening.Core.Summaries.SummaryHtml;

namespace Listening.Core.Insights;

/// <summary>
/// The insights report as a German HTML page under the summaries' rules (self-contained, no script, WCAG 2.1 AA,
/// Facebook's text encoded). The posting-time heat map is inline SVG built from numbers only, with a text
/// alternative; every cell's numbers are in the table beside it, as the day page does for reactions.
/// </summary>
public static class InsightsHtmlRenderer
{
    private const int LabelWidth = 40;
    private const int CellWidth = 44;
    private const int CellHeight = 28;
    private const int HeaderHeight = 22;

    /// <param name="page">The <c>page</c> parameter for links to neighbouring views; null for a file (no links).</param>
    public static string Render(InsightsReport report, string? page = null)
    {
        ArgumentNullException.ThrowIfNull(report);
        return SummaryHtml.Render<InsightsPage>(new Dictionary<string, object?>
        {
            [nameof(InsightsPage.Report)] = report,
            [nameof(InsightsPage.LinkPage)] = page,
        });
    }

    /// <summary>Weekdays (rows) by the hours that have posts (columns); darker is more people reached within 24 hours.</summary>
    internal static MarkupString HeatMap(PostingTimeInsights timing, int minPosts, string id)
    {
        var hours = timing.Cells.Select(c => c.Hour).Distinct().Order().ToList();
        var max = timing.Cells.Where(c => c.MedianReach24h is not null).Select(c => c.MedianReach24h!.Value).DefaultIfEmpty(0).Max();
        var description = new StringBuilder("Wärmebild: Wochentag und Uhrzeit der Veröffentlichung gegen die erreichten Personen in den ersten 24 Stunden, aus ")
            .Append(InsightsText.Posts(timing.Posts)).Append(". Je dunkler ein Feld, desto mehr Personen; helle Felder mit Strich haben weniger als ")
            .Append(GermanFormat.Number(minPosts)).Append(" Beiträge und zeigen keine Zahl. ");
        if (timing.BestSlots.Count > 0)
        {
            description.Append("Am besten: ").AppendJoin("; ", timing.BestSlots.Select(s => InsightsText.Slot(s) + " (" + InsightsText.Posts(s.Posts) + ")")).Append(". ");
        }

        description.Append("Alle Werte stehen in der Tabelle daneben.");
        var text = Encode(description.ToString());
        var width = LabelWidth + (CellWidth * hours.Count);
        var height = HeaderHeight + (CellHeight * 7);
        var svg = new StringBuilder(8192);
        svg.Append("<svg class=\"chart\" id=\"").Append(id).Append("\" role=\"img\" aria-label=\"").Append(text).Append("\" width=\"").Append(Invariant(width))
            .Append("\" height=\"").Append(Invariant(height)).Append("\" viewBox=\"0 0 ").Append(Invariant(width)).Append(' ').Append(Invariant(height))
            .Append("\" style=\"max-width:100%;height:auto\" xmlns=\"http://www.w3.org/2000/svg\"><title>").Append(text).Append("</title>");
        for (var column = 0; column < hours.Count; column++)
        {
            svg.Append("<text x=\"").Append(Invariant(LabelWidth + (column * CellWidth) + 4)).Append("\" y=\"15\">")
                .Append(hours[column].ToString("00", GermanFormat.Culture)).Append("</text>");
        }

        for (var weekday = 1; weekday <= 7; weekday++)
        {
            var top = HeaderHeight + ((weekday - 1) * CellHeight);
            svg.Append("<text x=\"0\" y=\"").Append(Invariant(top + 18)).Append("\">").Append(InsightsText.ShortWeekday(weekday)).Append("</text>");
            for (var column = 0; column < hours.Count; column++)
            {
                var cell = timing.Cells.FirstOrDefault(c => c.Weekday == weekday && c.Hour == hours[column]);
                var x = LabelWidth + (column * CellWidth);
                svg.Append("<rect x=\"").Append(Invariant(x)).Append("\" y=\"").Append(Invariant(top)).Append("\" width=\"")
                    .Append(Invariant(CellWidth - 2)).Append("\" height=\"").Append(Invariant(CellHeight - 2)).Append('"');
                if (cell?.MedianReach24h is { } reach && max > 0)
                {
                    svg.Append(" fill=\"#1f5fa8\" fill-opacity=\"").Append(Invariant(Math.Round(0.15 + (0.85 * reach / max), 2))).Append("\"/>");
                }
                else
                {
                    svg.Append(" fill=\"#f3f5f8\" stroke=\"#8a94a3\" stroke-width=\"0.5\"/>");
                    if (cell is not null)
                    {
                        svg.Append("<line x1=\"").Append(Invariant(x + 8)).Append("\" y1=\"").Append(Invariant(top + 13)).Append("\" x2=\"")
                            .Append(Invariant(x + CellWidth - 10)).Append("\" y2=\"").Append(Invariant(top + 13)).Append("\" stroke=\"#555\"/>");
                    }
                }
            }
        }

        return new MarkupString(svg.Append("</svg>").ToString());
    }
}
