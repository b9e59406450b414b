using System.Globalization;

namespace Listening.Core.Summaries;

/// <summary>Numbers and dates the way the press office reads them: 52.000, 3,5 %, 27.11.2026, 08:15 Uhr.</summary>
public static class GermanFormat
{
    public static readonly CultureInfo Culture = CultureInfo.GetCultureInfo("de-DE");

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

    public static string Date(DateOnly date) => date.ToString("dd.MM.yyyy", Culture);

    public static string LongDate(DateOnly date) => date.ToString("dddd, d. MMMM yyyy", Culture);

    public static string Time(DateTimeOffset time) => time.ToString("HH:mm", Culture) + " Uhr";

    public static string DateTime(DateTimeOffset time) => time.ToString("dd.MM.yyyy", Culture) + ", " + Time(time);
}
