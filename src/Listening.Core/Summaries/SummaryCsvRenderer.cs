using System.Globalization;
using System.Text;
using Listening.Core.Contracts;

namespace Listening.Core.Summaries;

/// <summary>
/// The daily summary and the period report as CSV for a German Excel: <c>;</c> between fields, CRLF line ends, UTF-8 with a BOM
/// (<see cref="ToBytes"/>; without it Excel reads the umlauts as Windows-1252). One row per Page (Art "Seite":
/// followers, likes and the day's totals; post columns empty), then one row per post of that Page (Art "Beitrag").
/// Views and reach (issue 13) are the last columns, so the earlier ones keep their place; empty when unknown.
/// </summary>
/// <remarks>
/// Numbers are written without thousands separators so Excel reads them as numbers. Text that Excel would take for
/// a formula (<c>= + - @</c>, tab, CR at the start) gets a leading <c>'</c>: post text is written by whoever runs
/// the Page, and the file is opened by someone else.
/// </remarks>
public static class SummaryCsvRenderer
{
    public const char Separator = ';';

    public const string LineEnd = "\r\n";

    public static readonly IReadOnlyList<string> Columns =
    [
        "Datum", "Seite", "Seiten-ID", "Art", "Beitrag-ID", "Erstellt", "Neu", "Auszug", "Link",
        .. GermanFormat.ReactionKinds.Select(k => k.Name),
        "Reaktionen gesamt", "Kommentare", "Mal geteilt",
        "Reaktionen bis Tagesende", "Kommentare bis Tagesende", "Mal geteilt bis Tagesende",
        "Follower", "Follower-Veränderung", "„Gefällt mir“-Angaben", "„Gefällt mir“-Angaben-Veränderung", "Demo", "Themen",
        "Aufrufe", "Aufrufe bis Tagesende", "Erreichte Personen", "Erreichte Personen bis Tagesende", "Interaktionsrate in %",
    ];

    /// <summary>
    /// Columns of the period export. Rows per Page: one "Tag" per day with data, "Zeitraum" (the sums),
    /// "Zeitraum davor" (the same sums for the period before), "Veränderung in %" (German decimals, 12,5) and one
    /// "Beitrag" per post with something new in the period (its gains in the period).
    /// </summary>
    public static readonly IReadOnlyList<string> PeriodColumns =
    [
        "Zeitraum", "Datum", "Seite", "Seiten-ID", "Art", "Beitrag-ID", "Erstellt", "Neu", "Auszug", "Link", "Themen",
        .. GermanFormat.ReactionKinds.Select(k => k.Name),
        "Reaktionen gesamt", "Kommentare", "Mal geteilt", "Neue Beiträge",
        "Follower", "Follower-Veränderung", "„Gefällt mir“-Angaben", "„Gefällt mir“-Angaben-Veränderung", "Demo",
        "Aufrufe", "Erreichte Personen", "Erreichte Personen bis Ende des Zeitraums", "Interaktionsrate in %",
    ];

    public static string Render(DailySummary summary)
    {
        ArgumentNullException.ThrowIfNull(summary);
        var csv = new StringBuilder();
        AppendRow(csv, Columns.Select(Text));
        var date = GermanFormat.Date(summary.Date);
        foreach (var page in summary.Pages)
        {
            var demo = summary.Demo || page.Demo ? "ja" : "nein";
            AppendRow(csv,
            [
                date, Text(page.Name), Text(page.PageId), "Seite", "", "", "", "", "",
                .. Reactions(page.Reactions),
                Number(page.Reactions.Total), Number(page.Comments), Number(page.Shares),
                "", "", "",
                Number(page.Followers.End), Number(page.Followers.Change), Number(page.Likes.End), Number(page.Likes.Change), demo,
                Topics(page.Topics?.Select(t => t.Topic)),
                Number(page.Views), "", Number(page.Reach), "", "",
            ]);
            foreach (var post in page.Posts)
            {
                var created = GermanFormat.InZone(post.CreatedTime, summary.TimeZone);
                AppendRow(csv,
                [
                    date, Text(page.Name), Text(page.PageId), "Beitrag", Text(post.Id),
                    created.ToString("dd.MM.yyyy HH:mm", CultureInfo.InvariantCulture), post.New ? "ja" : "nein",
                    Text(post.Excerpt), Text(post.Permalink),
                    .. Reactions(post.Reactions),
                    Number(post.Reactions.Total), Number(post.Comments), Number(post.Shares),
                    Number(post.ReactionsTotal.Total), Number(post.CommentsTotal), Number(post.SharesTotal),
                    "", "", "", "", demo, Topics(post.Topics),
                    Number(post.Views), Number(post.ViewsTotal), Number(post.Reach), Number(post.ReachTotal), Rate(post.EngagementRate),
                ]);
            }
        }

        return csv.ToString();
    }

    public static string RenderPeriod(PeriodSummary period)
    {
        ArgumentNullException.ThrowIfNull(period);
        var csv = new StringBuilder();
        AppendRow(csv, PeriodColumns.Select(Text));
        var range = GermanFormat.Date(period.From) + "–" + GermanFormat.Date(period.To);
        var previousRange = GermanFormat.Date(period.PreviousFrom) + "–" + GermanFormat.Date(period.PreviousTo);
        foreach (var page in period.Pages)
        {
            var name = Text(page.Name);
            var id = Text(page.PageId);
            var demo = period.Demo || page.Demo ? "ja" : "nein";
            foreach (var day in page.Days)
            {
                AppendRow(csv,
                [
                    range, GermanFormat.Date(day.Date), name, id, "Tag", "", "", "", "", "", "",
                    .. Reactions(day.Reactions),
                    Number(day.Reactions.Total), Number(day.Comments), Number(day.Shares), Number(day.NewPosts),
                    Number(day.Followers.End), Number(day.Followers.Change), Number(day.Likes.End), Number(day.Likes.Change), demo,
                    Number(day.Views), Number(day.Reach), "", "",
                ]);
            }

            AppendRow(csv, TotalsRow(range, range, name, id, "Zeitraum", page.Totals, page.Followers.End, page.Followers.Change, page.Likes.End, page.Likes.Change, demo));
            AppendRow(csv, TotalsRow(range, previousRange, name, id, "Zeitraum davor", page.PreviousTotals,
                page.Followers.Start, page.Followers.PreviousChange, page.Likes.Start, page.Likes.PreviousChange, demo));
            var now = page.Totals;
            var before = page.PreviousTotals;
            AppendRow(csv,
            [
                range, range, name, id, "Veränderung in %", "", "", "", "", "", "",
                .. GermanFormat.ReactionKinds.Select(k => PercentChange(k.Count(now.Reactions), k.Count(before.Reactions), before.DaysWithData)),
                PercentChange(now.Reactions.Total, before.Reactions.Total, before.DaysWithData),
                PercentChange(now.Comments, before.Comments, before.DaysWithData),
                PercentChange(now.Shares, before.Shares, before.DaysWithData),
                PercentChange(now.NewPosts, before.NewPosts, before.DaysWithData),
                "", "", "", "", demo,
                PercentChange(now.Views, before.Views, before.DaysWithData), PercentChange(now.Reach, before.Reach, before.DaysWithData), "", "",
            ]);
            foreach (var post in page.Posts)
            {
                var created = GermanFormat.InZone(post.CreatedTime, period.TimeZone);
                AppendRow(csv,
                [
                    range, "", name, id, "Beitrag", Text(post.Id), created.ToString("dd.MM.yyyy HH:mm", CultureInfo.InvariantCulture),
                    post.New ? "ja" : "nein", Text(post.Excerpt), Text(post.Permalink), Topics(post.Topics),
                    .. Reactions(post.Reactions),
                    Number(post.Reactions.Total), Number(post.Comments), Number(post.Shares), "",
                    "", "", "", "", demo,
                    Number(post.Views), Number(post.Reach), Number(post.ReachTotal), Rate(post.EngagementRate),
                ]);
            }
        }

        return csv.ToString();
    }

    /// <summary>The CSV as UTF-8 with a byte order mark, which is how Excel recognises UTF-8.</summary>
    public static byte[] ToBytes(string csv)
    {
        ArgumentNullException.ThrowIfNull(csv);
        var preamble = Encoding.UTF8.Preamble;
        var bytes = new byte[preamble.Length + Encoding.UTF8.GetByteCount(csv)];
        preamble.CopyTo(bytes);
        Encoding.UTF8.GetBytes(csv, bytes.AsSpan(preamble.Length));
        return bytes;
    }

    /// <summary>A text value, neutralised against formula injection and quoted when it has to be.</summary>
    internal static string Text(string? value)
    {
        if (string.IsNullOrEmpty(value))
        {
            return "";
        }

        if (value[0] is '=' or '+' or '-' or '@' or '\t' or '\r')
        {
            value = "'" + value;
        }

        return value.AsSpan().IndexOfAny(";\"\r\n") >= 0
            ? "\"" + value.Replace("\"", "\"\"", StringComparison.Ordinal) + "\""
            : value;
    }

    /// <summary>A change in percent with a German decimal comma (12,5), which a German Excel reads as a number; empty when there is nothing to compare with.</summary>
    internal static string PercentChange(long current, long previous, int previousDays) =>
        previousDays == 0 || previous == 0
            ? ""
            : Math.Round(100.0 * (current - previous) / Math.Abs(previous), 1).ToString("0.0", GermanFormat.Culture);

    private static IEnumerable<string> TotalsRow(
        string range, string date, string name, string id, string kind, PeriodTotals totals,
        long? followers, long? followersChange, long? likes, long? likesChange, string demo) =>
    [
        range, date, name, id, kind, "", "", "", "", "", "",
        .. Reactions(totals.Reactions),
        Number(totals.Reactions.Total), Number(totals.Comments), Number(totals.Shares), Number(totals.NewPosts),
        Number(followers), Number(followersChange), Number(likes), Number(likesChange), demo,
        Number(totals.Views), Number(totals.Reach), "", "",
    ];

    /// <summary>A change in percent of values that may be unknown: empty when either is.</summary>
    internal static string PercentChange(long? current, long? previous, int previousDays) =>
        current is { } c && previous is { } p ? PercentChange(c, p, previousDays) : "";

    /// <summary>An engagement rate (a fraction) in percent with a German decimal comma (5,1); empty when unknown.</summary>
    internal static string Rate(double? rate) =>
        rate is { } r ? Math.Round(100 * r, 2).ToString("0.0#", GermanFormat.Culture) : "";

    private static string Topics(IEnumerable<string>? topics) => topics is null ? "" : Text(string.Join(", ", topics));

    private static string Number(long value) => value.ToString(CultureInfo.InvariantCulture);

    private static string Number(long? value) => value is { } v ? Number(v) : "";

    private static IEnumerable<string> Reactions(ReactionCounts counts) =>
        GermanFormat.ReactionKinds.Select(k => Number(k.Count(counts)));

    // Fields reach here already neutralised and quoted: numbers and constants need neither.
    private static void AppendRow(StringBuilder csv, IEnumerable<string> fields) =>
        csv.AppendJoin(Separator, fields).Append(LineEnd);
}
