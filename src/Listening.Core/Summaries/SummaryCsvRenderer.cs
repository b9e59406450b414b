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

    /// <summary>
    /// Columns added at the end of the day export when a Page has a linked Instagram account that day (issue 14);
    /// without one the export keeps its columns. Instagram rows ("Instagram-Konto", then one "Instagram-Reel",
    /// "Instagram-Beitrag" or "Instagram-Story" per medium) use the shared columns where they mean the same
    /// (Follower, Kommentare, Mal geteilt, Aufrufe, Erreichte Personen, their end-of-day totals) and these for the rest.
    /// </summary>
    /// <remarks>"Instagram-Konto" holds the username without its "@" (a leading "@" would be neutralised as a formula).</remarks>
    public static readonly IReadOnlyList<string> InstagramColumns =
    [
        "Instagram-Konto", "„Gefällt mir“ (Instagram)", "„Gefällt mir“ bis Tagesende (Instagram)", "Gespeichert (Instagram)", "Gespeichert bis Tagesende (Instagram)",
    ];

    /// <summary>
    /// Columns added at the end of the period export when a Page has a linked Instagram account in the period or the
    /// one before: per "Tag" the account's followers at the end of the day and the day's views and reach (sums over its
    /// media); "Zeitraum", "Zeitraum davor" and "Veränderung in %" as for the Page's columns.
    /// </summary>
    public static readonly IReadOnlyList<string> InstagramPeriodColumns =
    [
        "Instagram-Konto", "Instagram-Follower", "Instagram-Follower-Veränderung", "Aufrufe (Instagram)", "Erreichte Personen (Instagram)",
    ];

    public static string Render(DailySummary summary)
    {
        ArgumentNullException.ThrowIfNull(summary);
        var csv = new StringBuilder();
        var instagram = summary.Pages.Any(static p => p.Instagram is not null);
        AppendRow(csv, (instagram ? Columns.Concat(InstagramColumns) : Columns).Select(Text));
        var none = instagram ? InstagramColumns.Select(static _ => "").ToArray() : [];
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
                .. none,
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
                    .. none,
                ]);
            }

            if (page.Instagram is { } ig)
            {
                AppendInstagram(csv, date, page, ig, demo, summary.TimeZone);
            }
        }

        return csv.ToString();
    }

    /// <summary>The account's row (followers, the day's sums over its media) and one row per medium listed that day.</summary>
    private static void AppendInstagram(StringBuilder csv, string date, PageDaySummary page, InstagramDaySummary ig, string demo, string timeZone)
    {
        var reactions = GermanFormat.ReactionKinds.Select(static _ => "").ToArray();
        var account = Text(ig.Username is { Length: > 0 } name ? name : ig.AccountId);
        AppendRow(csv,
        [
            date, Text(page.Name), Text(page.PageId), "Instagram-Konto", Text(ig.AccountId), "", "", "", "",
            .. reactions,
            "", Number(ig.Comments), Number(ig.Shares),
            "", "", "",
            Number(ig.Followers.End), Number(ig.Followers.Change), "", "", demo, "",
            Number(ig.Views), "", Number(ig.Reach), "", "",
            account, Number(ig.Likes), "", Number(ig.Saves), "",
        ]);
        foreach (var media in ig.Media)
        {
            var published = GermanFormat.InZone(media.Timestamp, timeZone);
            AppendRow(csv,
            [
                date, Text(page.Name), Text(page.PageId), "Instagram-" + InstagramSection.Kind(media.ProductType), Text(media.Id),
                published.ToString("dd.MM.yyyy HH:mm", CultureInfo.InvariantCulture), media.New ? "ja" : "nein",
                Text(media.Excerpt), Text(media.Permalink),
                .. reactions,
                "", Number(media.Comments), Number(media.Shares),
                "", Number(media.CommentsTotal), Number(media.SharesTotal),
                "", "", "", "", demo, "",
                Number(media.Views), Number(media.ViewsTotal), Number(media.Reach), Number(media.ReachTotal), "",
                account, Number(media.Likes), Number(media.LikesTotal), Number(media.Saves), Number(media.SavesTotal),
            ]);
        }
    }

    public static string RenderPeriod(PeriodSummary period)
    {
        ArgumentNullException.ThrowIfNull(period);
        var csv = new StringBuilder();
        var instagram = period.Pages.Any(static p => p.Instagram is not null);
        AppendRow(csv, (instagram ? PeriodColumns.Concat(InstagramPeriodColumns) : PeriodColumns).Select(Text));
        var none = instagram ? InstagramPeriodColumns.Select(static _ => "").ToArray() : [];
        var range = GermanFormat.Date(period.From) + "–" + GermanFormat.Date(period.To);
        var previousRange = GermanFormat.Date(period.PreviousFrom) + "–" + GermanFormat.Date(period.PreviousTo);
        foreach (var page in period.Pages)
        {
            var name = Text(page.Name);
            var id = Text(page.PageId);
            var demo = period.Demo || page.Demo ? "ja" : "nein";
            var ig = page.Instagram;
            var account = ig is null ? "" : Text(ig.Username is { Length: > 0 } username ? username : ig.AccountId);
            string[] Instagram(long? followers, long? change, long? views, long? reach) =>
                ig is null ? none : [account, Number(followers), Number(change), Number(views), Number(reach)];
            foreach (var day in page.Days)
            {
                AppendRow(csv,
                [
                    range, GermanFormat.Date(day.Date), name, id, "Tag", "", "", "", "", "", "",
                    .. Reactions(day.Reactions),
                    Number(day.Reactions.Total), Number(day.Comments), Number(day.Shares), Number(day.NewPosts),
                    Number(day.Followers.End), Number(day.Followers.Change), Number(day.Likes.End), Number(day.Likes.Change), demo,
                    Number(day.Views), Number(day.Reach), "", "",
                    .. (ig is null ? none : day.Instagram is { } d ? Instagram(d.Followers.End, d.Followers.Change, d.Views, d.Reach) : [account, "", "", "", ""]),
                ]);
            }

            AppendRow(csv, TotalsRow(range, range, name, id, "Zeitraum", page.Totals, page.Followers.End, page.Followers.Change, page.Likes.End, page.Likes.Change, demo)
                .Concat(Instagram(ig?.Followers.End, ig?.Followers.Change, ig?.Views, ig?.Reach)));
            AppendRow(csv, TotalsRow(range, previousRange, name, id, "Zeitraum davor", page.PreviousTotals,
                page.Followers.Start, page.Followers.PreviousChange, page.Likes.Start, page.Likes.PreviousChange, demo)
                .Concat(Instagram(ig?.Followers.Start, ig?.Followers.PreviousChange, ig?.PreviousViews, ig?.PreviousReach)));
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
                .. (ig is null ? none : [account, "", "", PercentChange(ig.Views, ig.PreviousViews, before.DaysWithData), PercentChange(ig.Reach, ig.PreviousReach, before.DaysWithData)]),
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
                    .. none,
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
