using System.Globalization;
using System.Text;
using Listening.Core.Summaries;

namespace Listening.Core.Insights;

/// <summary>
/// The insights report as CSV for a German Excel, with the conventions of the summaries' export
/// (<see cref="SummaryCsvRenderer"/>: ';', CRLF, UTF-8 with BOM, text neutralised against formulas). One row per
/// figure: "Seite" (the Page's medians), "Thema", "Format", "Sendezeit" (a weekday and hour), "Gewinnspiel".
/// Decimals with a German comma; an empty field is unknown, or a cell with too few posts ("Hinweis" says which).
/// </summary>
public static class InsightsCsvRenderer
{
    public static readonly IReadOnlyList<string> Columns =
    [
        "Seite", "Seiten-ID", "Bereich", "Name", "Wochentag", "Stunde", "Beiträge", "Beiträge mit Reichweite",
        "Median erreichte Personen", "Median Interaktionen", "Median Interaktionsrate in %", "Reichweite gegenüber Seite",
        "Follower vorher", "Follower gewonnen", "Follower gehalten", "Hinweis",
    ];

    public static string Render(InsightsReport report)
    {
        ArgumentNullException.ThrowIfNull(report);
        var csv = new StringBuilder();
        Row(csv, Columns.Select(SummaryCsvRenderer.Text));
        foreach (var page in report.Pages)
        {
            var name = SummaryCsvRenderer.Text(page.Name);
            var id = SummaryCsvRenderer.Text(page.PageId);
            Row(csv, [name, id, "Seite", "", "", "", .. Figures(page.Page), "", "", "", "", ""]);
            foreach (var topic in page.Topics)
            {
                Row(csv, [name, id, "Thema", SummaryCsvRenderer.Text(InsightsText.TopicName(topic.Name)), "", "", .. Figures(topic.Figures), Decimal(topic.ReachVsPage), "", "", "", ""]);
            }

            foreach (var format in page.Formats)
            {
                Row(csv, [name, id, "Format", InsightsText.FormatName(format.Name), "", "", .. Figures(format.Figures), Decimal(format.ReachVsPage), "", "", "", ""]);
            }

            foreach (var cell in page.PostingTime.Cells)
            {
                Row(csv,
                [
                    name, id, "Sendezeit", "", InsightsText.Weekday(cell.Weekday), Int(cell.Hour), Int(cell.Posts), "",
                    Decimal(cell.MedianReach24h), Decimal(cell.MedianInteractions24h), "", "", "", "", "",
                    cell.Enough ? "in den ersten 24 Stunden" : InsightsText.TooFewPosts(cell.Posts, report.MinPostsPerCell),
                ]);
            }

            foreach (var giveaway in page.Giveaways)
            {
                Row(csv,
                [
                    name, id, "Gewinnspiel", SummaryCsvRenderer.Text(giveaway.Excerpt), "", "", Int(giveaway.Posts), giveaway.Reach is null ? "0" : "1",
                    Long(giveaway.Reach), Long(giveaway.Interactions), "", "",
                    Long(giveaway.FollowersBefore), Long(giveaway.FollowersGained), Long(giveaway.FollowersKept),
                    giveaway.FollowersKept is null ? "30 Tage noch nicht vorbei oder Follower unbekannt" : "",
                ]);
            }

            foreach (var month in page.Accessibility)
            {
                Row(csv,
                [
                    name, id, "Barrierefreiheit", month.Month, "", "", Int(month.Posts), "", "", "", "", "", "", "", "",
                    Int(month.ImagesWithAltText) + " von " + Int(month.Images) + " Bildern mit Alternativtext ("
                        + Math.Round(100 * month.Share, 1).ToString("0.0", GermanFormat.Culture) + " %)",
                ]);
            }
        }

        return csv.ToString();
    }

    private static IEnumerable<string> Figures(InsightFigures figures) =>
    [
        Int(figures.Posts), Int(figures.PostsWithReach), Decimal(figures.MedianReach), Decimal(figures.MedianInteractions),
        figures.MedianEngagementRate is { } rate ? Math.Round(100 * rate, 2).ToString("0.0#", GermanFormat.Culture) : "",
    ];

    private static string Int(int value) => value.ToString(CultureInfo.InvariantCulture);

    private static string Long(long? value) => value is { } v ? v.ToString(CultureInfo.InvariantCulture) : "";

    private static string Decimal(double? value) => value is { } v ? v.ToString("0.##", GermanFormat.Culture) : "";

    private static void Row(StringBuilder csv, IEnumerable<string> fields) =>
        csv.AppendJoin(SummaryCsvRenderer.Separator, fields).Append(SummaryCsvRenderer.LineEnd);
}
