namespace Listening.Core.Configuration;

/// <summary>
/// Meta's days: a day of Page insights ends at midnight America/Los_Angeles, so <c>end_time</c> is 08:00 UTC in
/// winter and 07:00 UTC in summer, and a value belongs to the date of <c>end_time</c> minus one day. Meta's date D
/// is labelled D in our output although it is not the Berlin day D (it ends at 08:00 or 09:00 Berlin time on D+1).
/// </summary>
public static class MetaCalendar
{
    public const string ZoneId = "America/Los_Angeles";

    /// <summary>Meta keeps about two years of insights.</summary>
    public const int HistoryDays = 730;

    /// <summary>At most this many days per since/until window.</summary>
    public const int MaxWindowDays = 90;

    private static readonly TimeZoneInfo Zone = TimeZoneInfo.FindSystemTimeZoneById(ZoneId);

    /// <summary>The Meta date a value with this <c>end_time</c> belongs to.</summary>
    public static DateOnly DateOfEndTime(DateTimeOffset endTime) =>
        DateOnly.FromDateTime(TimeZoneInfo.ConvertTime(endTime, Zone).DateTime).AddDays(-1);

    /// <summary>The instant Meta's day <paramref name="date"/> ends (its values' <c>end_time</c>).</summary>
    public static DateTimeOffset EndOf(DateOnly date)
    {
        var local = date.AddDays(1).ToDateTime(TimeOnly.MinValue, DateTimeKind.Unspecified);
        return new DateTimeOffset(local, Zone.GetUtcOffset(local)).ToUniversalTime();
    }

    public static DateTimeOffset StartOf(DateOnly date) => EndOf(date.AddDays(-1));

    /// <summary>Meta's current (incomplete) day at <paramref name="now"/>.</summary>
    public static DateOnly Today(DateTimeOffset now) => DateOnly.FromDateTime(TimeZoneInfo.ConvertTime(now, Zone).DateTime);

    /// <summary>The newest Meta day that is complete at <paramref name="now"/>.</summary>
    public static DateOnly LastCompleteDay(DateTimeOffset now) => Today(now).AddDays(-1);

    /// <summary>Splits an inclusive range of Meta dates into windows of at most <paramref name="maxDays"/> days, oldest first.</summary>
    public static IReadOnlyList<(DateOnly From, DateOnly To)> Windows(DateOnly from, DateOnly to, int maxDays = MaxWindowDays)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(maxDays, 1);
        var windows = new List<(DateOnly, DateOnly)>();
        for (var start = from; start <= to; start = start.AddDays(maxDays))
        {
            var end = start.AddDays(maxDays - 1);
            windows.Add((start, end < to ? end : to));
        }

        return windows;
    }
}
