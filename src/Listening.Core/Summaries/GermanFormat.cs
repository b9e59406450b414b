using System.Globalization;
using Listening.Core.Contracts;

namespace Listening.Core.Summaries;

/// <summary>Numbers and dates the way the press office reads them: 52.000, 3,5 %, 27.11.2026, 08:15 Uhr.</summary>
public static class GermanFormat
{
    public static readonly CultureInfo Culture = CultureInfo.GetCultureInfo("de-DE");

    /// <summary>Reaction types in Facebook's order, named as in Facebook's German interface.</summary>
    public static IReadOnlyList<ReactionKind> ReactionKinds { get; } =
    [
        new("Gefällt mir", static r => r.Like),
        new("Love", static r => r.Love),
        new("Umarmung", static r => r.Care),
        new("Haha", static r => r.Haha),
        new("Wow", static r => r.Wow),
        new("Traurig", static r => r.Sad),
        new("Wütend", static r => r.Angry),
    ];

    public static string Number(long value) => value.ToString("N0", Culture);

    public static string Number(long? value) => value is { } v ? Number(v) : "–";

    /// <summary>A change with its sign: +5, −3, ±0.</summary>
    public static string Change(long? value) => value switch
    {
        null => "–",
        > 0 => "+" + Number(value.Value),
        < 0 => "−" + Number(-value.Value),
        _ => "±0",
    };

    public static string Percent(double value, int decimals = 1) =>
        value.ToString("N" + decimals.ToString(CultureInfo.InvariantCulture), Culture) + " %";

    /// <summary>The change from <paramref name="previous"/> to <paramref name="current"/> in percent with its sign: +12,5 %, −3,0 %, ±0,0 %.</summary>
    public static string PercentChange(long current, long previous)
    {
        if (previous == 0)
        {
            return "–";
        }

        var percent = Math.Round(100.0 * (current - previous) / previous, 1);
        return percent switch
        {
            > 0 => "+" + Percent(percent),
            < 0 => "−" + Percent(-percent),
            _ => "±" + Percent(0),
        };
    }

    public static string Date(DateOnly date) => date.ToString("dd.MM.yyyy", Culture);

    public static string LongDate(DateOnly date) => date.ToString("dddd, d. MMMM yyyy", Culture);

    public static string Time(DateTimeOffset time) => time.ToString("HH:mm", Culture) + " Uhr";

    public static string DateTime(DateTimeOffset time) => time.ToString("dd.MM.yyyy", Culture) + ", " + Time(time);

    /// <summary>
    /// The instant as wall-clock time in the named zone. Summaries carry instants in UTC; the press office reads
    /// them in its own zone. An unknown zone leaves the instant's own offset rather than failing a whole view.
    /// </summary>
    public static DateTimeOffset InZone(DateTimeOffset instant, string? timeZoneId)
    {
        if (string.IsNullOrWhiteSpace(timeZoneId))
        {
            return instant;
        }

        try
        {
            return TimeZoneInfo.ConvertTime(instant, TimeZoneInfo.FindSystemTimeZoneById(timeZoneId));
        }
        catch (TimeZoneNotFoundException)
        {
            return instant;
        }
        catch (InvalidTimeZoneException)
        {
            return instant;
        }
    }
}

/// <summary>One reaction type: its German name and how to read its count.</summary>
public sealed record ReactionKind(string Name, Func<ReactionCounts, long> Count);
