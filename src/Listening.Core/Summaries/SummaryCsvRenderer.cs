using System.Globalization;
using System.Text;
using Listening.Core.Snapshots;

namespace Listening.Core.Summaries;

/// <summary>
/// The daily summary as CSV for a German Excel: <c>;</c> between fields, CRLF line ends, UTF-8 with a BOM
/// (<see cref="ToBytes"/>; without it Excel reads the umlauts as Windows-1252). One row per Page (Art "Seite":
/// followers, likes and the day's totals; post columns empty), then one row per post of that Page (Art "Beitrag").
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
        "Follower", "Follower-Veränderung", "„Gefällt mir“-Angaben", "„Gefällt mir“-Angaben-Veränderung", "Demo",
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
                    "", "", "", "", demo,
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

    private static string Number(long value) => value.ToString(CultureInfo.InvariantCulture);

    private static string Number(long? value) => value is { } v ? Number(v) : "";

    private static IEnumerable<string> Reactions(ReactionCounts counts) =>
        GermanFormat.ReactionKinds.Select(k => Number(k.Count(counts)));

    // Fields reach here already neutralised and quoted: numbers and constants need neither.
    private static void AppendRow(StringBuilder csv, IEnumerable<string> fields) =>
        csv.AppendJoin(Separator, fields).Append(LineEnd);
}
