using System.Globalization;

namespace Listening.Core.Contracts;

/// <summary>
/// Dates as the public contracts write them (summary JSON, routes, CLI options, file names): <c>yyyy-MM-dd</c>,
/// invariant culture. Storage keys have their own helper (<c>Storage.DayKey</c>): the same text today, but a
/// stored key must not change because a contract does.
/// </summary>
public static class IsoDate
{
    /// <summary>The pattern, for help texts and messages that name it.</summary>
    public const string Pattern = "yyyy-MM-dd";

    public static string Format(DateOnly date) => date.ToString(Pattern, CultureInfo.InvariantCulture);

    /// <summary>Parses exactly <c>yyyy-MM-dd</c> (no surrounding spaces, no other form).</summary>
    public static bool TryParse(string? text, out DateOnly date) =>
        DateOnly.TryParseExact(text, Pattern, CultureInfo.InvariantCulture, DateTimeStyles.None, out date);

    /// <summary>Parses exactly <c>yyyy-MM-dd</c>; throws <see cref="FormatException"/> on anything else.</summary>
    public static DateOnly Parse(string text) => DateOnly.ParseExact(text, Pattern, CultureInfo.InvariantCulture);
}
