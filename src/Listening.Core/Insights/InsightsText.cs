using Listening.Core.Contracts;
using Listening.Core.Summaries;

namespace Listening.Core.Insights;

/// <summary>The German words of the insights report, shared by the page, the CSV and the weekly digest.</summary>
public static class InsightsText
{
    private static readonly string[] Weekdays = ["Montag", "Dienstag", "Mittwoch", "Donnerstag", "Freitag", "Samstag", "Sonntag"];

    private static readonly string[] ShortWeekdays = ["Mo", "Di", "Mi", "Do", "Fr", "Sa", "So"];

    /// <summary>ISO weekday 1–7 as "Montag" … "Sonntag".</summary>
    public static string Weekday(int isoWeekday) => Weekdays[isoWeekday - 1];

    public static string ShortWeekday(int isoWeekday) => ShortWeekdays[isoWeekday - 1];

    /// <summary>"9 Uhr" for the hour 9 (a slot from 09:00 to 09:59).</summary>
    public static string Hour(int hour) => hour.ToString("00", GermanFormat.Culture) + " Uhr";

    public static string Slot(PostingTimeCell cell)
    {
        ArgumentNullException.ThrowIfNull(cell);
        return Weekday(cell.Weekday) + ", " + Hour(cell.Hour) + "–" + (cell.Hour + 1).ToString("00", GermanFormat.Culture) + " Uhr";
    }

    /// <summary>"2026-11" as "November 2026".</summary>
    public static string Month(string month) =>
        DateTime.TryParseExact(month, "yyyy-MM", System.Globalization.CultureInfo.InvariantCulture, System.Globalization.DateTimeStyles.None, out var first)
            ? first.ToString("MMMM yyyy", GermanFormat.Culture)
            : month;

    public static string TopicName(string? topic) => topic ?? "Ohne Thema";

    public static string FormatName(string? format) => format switch
    {
        PostFormats.Photo => "Foto",
        PostFormats.Video => "Video",
        PostFormats.Reel => "Reel",
        PostFormats.Link => "Link",
        PostFormats.Text => "Nur Text",
        PostFormats.Event => "Veranstaltung",
        _ => "Unbekannt (nicht abgerufen)",
    };

    public static string Posts(int count) => GermanFormat.Number(count) + (count == 1 ? " Beitrag" : " Beiträge");

    /// <summary>Why a cell shows no figure.</summary>
    public static string TooFewPosts(int posts, int minimum) =>
        "zu wenige Beiträge: " + Posts(posts) + ", für eine Zahl mindestens " + GermanFormat.Number(minimum);

    public static string Median(double? value) => value is { } v ? v.ToString("#,##0.#", GermanFormat.Culture) : "–";

    /// <summary>"1,5-fach", "0,8-fach": how a group compares with the Page.</summary>
    public static string Versus(double? ratio) => ratio is { } r ? r.ToString("0.0#", GermanFormat.Culture) + "-fach" : "–";
}
