using System.Globalization;

namespace Listening.Core.Contracts;

/// <summary>
/// Dates as the public contracts write them (summary JSON, routes, CLI options, file names): <c>yyyy-MM-dd</c>,
/// invariant culture; and instants in messages and log lines, <c>yyyy-MM-dd HH:mm</c>. The one place these
/// patterns are written out. Storage keys have their own helper (<c>Storage.DayKey</c>, <c>Storage.InstantKey</c>):
/// the same text today, but a stored key must not change because a contract does.
/// </summary>
public static class IsoDate
{
    /// <summary>The pattern, for help texts and messages that name it.</summary>
    public const string Pattern = "yyyy-MM-dd";

    /// <summary>A day and a minute, for messages and log lines that name an instant.</summary>
    public const string MinutePattern = Pattern + " HH:mm";

    public static string Format(DateOnly date) => date.ToString(Pattern, CultureInfo.InvariantCulture);

    /// <summary>The day, or empty for null (as string interpolation writes a null).</summary>
    public static string Format(DateOnly? date) => date is { } day ? Format(day) : "";

    /// <summary><see cref="MinutePattern"/>, the clock time as given (callers convert and name the zone).</summary>
    public static string Minute(DateTime time) => time.ToString(MinutePattern, CultureInfo.InvariantCulture);

    /// <summary><see cref="MinutePattern"/> in the value's own offset, or empty for null (as string interpolation writes it).</summary>
    public static string Minute(DateTimeOffset? time) => time?.ToString(MinutePattern, CultureInfo.InvariantCulture) ?? "";

    /// <summary>The instant in UTC, <c>yyyy-MM-dd HH:mm UTC</c>.</summary>
    public static string UtcMinute(DateTimeOffset instant) => Minute(instant.UtcDateTime) + " UTC";

    /// <summary>A local time with its offset, <c>yyyy-MM-ddTHH:mm+01:00</c>: the HTML <c>datetime</c> attribute's form.</summary>
    public static string MinuteWithOffset(DateTimeOffset local) =>
        local.ToString(Pattern + "'T'HH:mmzzz", CultureInfo.InvariantCulture);

    /// <summary>Parses exactly <c>yyyy-MM-dd</c> (no surrounding spaces, no other form).</summary>
    public static bool TryParse(string? text, out DateOnly date) =>
        DateOnly.TryParseExact(text, Pattern, CultureInfo.InvariantCulture, DateTimeStyles.None, out date);

    /// <summary>Parses exactly <c>yyyy-MM-dd</c>; throws <see cref="FormatException"/> on anything else.</summary>
    public static DateOnly Parse(string text) => DateOnly.ParseExact(text, Pattern, CultureInfo.InvariantCulture);
}
