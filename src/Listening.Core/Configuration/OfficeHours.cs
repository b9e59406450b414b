using System.Globalization;

namespace Listening.Core.Configuration;

/// <summary>
/// The press office's hours in the local zone (<c>Listening:OfficeHours</c>): one or more spans separated by
/// <c>;</c>, each days and a time range, e.g. <c>Mon-Fri 08:00-16:00</c> (the default) or
/// <c>Mon-Thu 07:30-16:00; Fri 07:30-12:30</c>. Days in English or German (<c>Mo-Fr</c>), ranges and lists
/// (<c>Mon,Wed</c>). Questions count as overdue only by the minutes the office is open.
/// </summary>
public sealed class OfficeHours
{
    private static readonly string[][] DayNames =
    [
        ["sun", "so"], ["mon", "mo"], ["tue", "di"], ["wed", "mi"], ["thu", "do"], ["fri", "fr"], ["sat", "sa"],
    ];

    private readonly List<(bool[] Days, TimeOnly Start, TimeOnly End)> _spans;

    private OfficeHours(List<(bool[] Days, TimeOnly Start, TimeOnly End)> spans) => _spans = spans;

    public static OfficeHours Default { get; } = Parse("Mon-Fri 08:00-16:00");

    public static OfficeHours Parse(string text) =>
        TryParse(text, out var hours, out var problem) ? hours : throw new FormatException(problem);

    /// <summary>The hours, or a problem in plain words (for the start-up check naming the key).</summary>
    public static bool TryParse(string? text, [System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out OfficeHours? hours, out string? problem)
    {
        hours = null;
        problem = null;
        var spans = new List<(bool[], TimeOnly, TimeOnly)>();
        foreach (var part in (text ?? "").Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            var pieces = part.Split(' ', StringSplitOptions.RemoveEmptyEntries);
            if (pieces.Length != 2)
            {
                problem = $"'{part}' is not days and hours like Mon-Fri 08:00-16:00";
                return false;
            }

            var days = new bool[7];
            foreach (var token in pieces[0].Split(',', StringSplitOptions.RemoveEmptyEntries))
            {
                var range = token.Split('-');
                if (range.Length is < 1 or > 2 || Day(range[0]) is not { } first || Day(range[^1]) is not { } last)
                {
                    problem = $"'{token}' names no weekday (Mon, Tue, Wed, Thu, Fri, Sat, Sun, or Mo, Di, Mi, Do, Fr, Sa, So)";
                    return false;
                }

                for (var d = first; ; d = (d + 1) % 7)
                {
                    days[d] = true;
                    if (d == last)
                    {
                        break;
                    }
                }
            }

            var times = pieces[1].Split('-');
            if (times.Length != 2
                || !TimeOnly.TryParseExact(times[0], "HH:mm", CultureInfo.InvariantCulture, DateTimeStyles.None, out var start)
                || !TimeOnly.TryParseExact(times[1], "HH:mm", CultureInfo.InvariantCulture, DateTimeStyles.None, out var end)
                || end <= start)
            {
                problem = $"'{pieces[1]}' is not a time range like 08:00-16:00 (start before end, 24-hour clock)";
                return false;
            }

            spans.Add((days, start, end));
        }

        if (spans.Count == 0)
        {
            problem = "it is empty";
            return false;
        }

        hours = new OfficeHours(spans);
        return true;
    }

    /// <summary>Whether the office is open at this local wall-clock time.</summary>
    public bool IsOpen(DateTimeOffset local)
    {
        var time = TimeOnly.FromDateTime(local.DateTime);
        return _spans.Any(s => s.Days[(int)local.DayOfWeek] && time >= s.Start && time < s.End);
    }

    /// <summary>How long the office was open in [from, to) (both instants; days and hours in <paramref name="calendar"/>'s zone).</summary>
    public TimeSpan OpenBetween(DateTimeOffset from, DateTimeOffset to, LocalCalendar calendar)
    {
        ArgumentNullException.ThrowIfNull(calendar);
        var open = TimeSpan.Zero;
        if (to <= from)
        {
            return open;
        }

        for (var date = calendar.DateOf(from); date <= calendar.DateOf(to); date = date.AddDays(1))
        {
            foreach (var (days, start, end) in _spans)
            {
                if (!days[(int)date.DayOfWeek])
                {
                    continue;
                }

                var opens = At(date, start, calendar);
                var closes = At(date, end, calendar);
                var a = opens > from ? opens : from;
                var b = closes < to ? closes : to;
                if (b > a)
                {
                    open += b - a;
                }
            }
        }

        return open;
    }

    private static DateTimeOffset At(DateOnly date, TimeOnly time, LocalCalendar calendar)
    {
        var local = date.ToDateTime(time, DateTimeKind.Unspecified);
        // A wall-clock time skipped by the spring change does not exist: take the hour after.
        while (calendar.Zone.IsInvalidTime(local))
        {
            local = local.AddHours(1);
        }

        return new DateTimeOffset(local, calendar.Zone.GetUtcOffset(local));
    }

    private static int? Day(string token)
    {
        var name = token.Trim().ToLowerInvariant();
        for (var i = 0; i < DayNames.Length; i++)
        {
            if (DayNames[i].Contains(name) || (name.Length >= 3 && DayNames[i][0] == name[..3] && name.Length <= 9))
            {
                return i;
            }
        }

        return null;
    }
}
