using System.ComponentModel.DataAnnotations;
using System.Globalization;
using Microsoft.Extensions.Options;

namespace Listening.Core.Configuration;

/// <summary>
/// <c>Listening:Alerts:...</c>: which alerts Teams gets and when. Every key, its default and its meaning are in
/// docs/teams.md ("Alerts").
/// </summary>
public sealed class AlertOptions
{
    public MilestoneAlertOptions Milestones { get; set; } = new();

    [ValidateObjectMembers]
    public TakeOffAlertOptions TakeOff { get; set; } = new();

    [ValidateObjectMembers]
    public NegativeSurgeAlertOptions NegativeSurge { get; set; } = new();

    [ValidateObjectMembers]
    public CrisisOptions Crisis { get; set; } = new();

    [ValidateObjectMembers]
    public TokenAlertOptions Token { get; set; } = new();

    [ValidateObjectMembers]
    public StalledAlertOptions Stalled { get; set; } = new();

    /// <summary>
    /// Snapshots captured longer ago than this raise no alerts (a backlog or a backfill must not flood Teams with old news).
    /// </summary>
    [KeyRange(1, 168, ErrorMessage = "Listening:Alerts:MaxSnapshotAgeHours must be from {1} to {2} hours.")]
    public int MaxSnapshotAgeHours { get; set; } = 6;
}

public sealed class MilestoneAlertOptions
{
    public bool Enabled { get; set; } = true;

    /// <summary>Comma-separated thresholds; empty means 1.000, 2.500, 5.000, 10.000, 25.000, … (1-2,5-5 steps).</summary>
    public string? Thresholds { get; set; }

    /// <summary>The thresholds in ascending order.</summary>
    public IReadOnlyList<long> EffectiveThresholds()
    {
        if (string.IsNullOrWhiteSpace(Thresholds))
        {
            var series = new List<long>();
            for (long decade = 1_000; decade <= 100_000_000; decade *= 10)
            {
                series.AddRange([decade, decade * 5 / 2, decade * 5]);
            }

            return series;
        }

        return [.. Thresholds.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Select(t => long.TryParse(t.Replace(".", "", StringComparison.Ordinal), NumberStyles.None, CultureInfo.InvariantCulture, out var v) ? v : -1)
            .Where(v => v > 0)
            .Distinct()
            .Order()];
    }
}

public sealed class TakeOffAlertOptions
{
    public bool Enabled { get; set; } = true;

    /// <summary>A post is taking off when its reactions in its first hours exceed this many times the 30-day median.</summary>
    [KeyRange(1.0, 100.0, ErrorMessage = "Listening:Alerts:TakeOff:Factor must be from {1} to {2} (times the median).")]
    public double Factor { get; set; } = 3;

    /// <summary>"First hours": how young a post must be to count as taking off.</summary>
    [KeyRange(1, 72, ErrorMessage = "Listening:Alerts:TakeOff:WindowHours must be from {1} to {2} hours.")]
    public int WindowHours { get; set; } = 6;

    /// <summary>Below this many reactions no post is taking off, whatever the median (a quiet Page's median can be 2).</summary>
    [KeyRange(1, 1_000_000, ErrorMessage = "Listening:Alerts:TakeOff:MinReactions must be from {1} to {2} reactions.")]
    public int MinReactions { get; set; } = 30;

    [KeyRange(7, 90, ErrorMessage = "Listening:Alerts:TakeOff:BaselineDays must be from {1} to {2} days.")]
    public int BaselineDays { get; set; } = 30;

    /// <summary>
    /// A post also takes off when it has reached this many people (its lifetime unique reach) within
    /// <see cref="ReachWindowHours"/> of being posted; 0 switches the reach rule off. Crisis mode lowers it too.
    /// </summary>
    [KeyRange(0, 100_000_000, ErrorMessage = "Listening:Alerts:TakeOff:MinReach must be from {1} to {2} people (0 switches the reach rule off).")]
    public int MinReach { get; set; } = 10_000;

    /// <summary>How young a post must be for its reach to count as taking off.</summary>
    [KeyRange(1, 168, ErrorMessage = "Listening:Alerts:TakeOff:ReachWindowHours must be from {1} to {2} hours.")]
    public int ReachWindowHours { get; set; } = 24;
}

public sealed class NegativeSurgeAlertOptions
{
    public bool Enabled { get; set; } = true;

    /// <summary>How many standard deviations above the baseline the day's angry+sad share or comment rate must be.</summary>
    [KeyRange(1.0, 10.0, ErrorMessage = "Listening:Alerts:NegativeSurge:ZScore must be from {1} to {2} (standard deviations).")]
    public double ZScore { get; set; } = 3;

    /// <summary>Reactions the day needs before its shares mean anything.</summary>
    [KeyRange(1, 1_000_000, ErrorMessage = "Listening:Alerts:NegativeSurge:MinReactions must be from {1} to {2} reactions.")]
    public int MinReactions { get; set; } = 40;

    [KeyRange(3, 30, ErrorMessage = "Listening:Alerts:NegativeSurge:BaselineDays must be from {1} to {2} days.")]
    public int BaselineDays { get; set; } = 7;
}

public sealed class CrisisOptions
{
    public const string DefaultKeywords = "Unwetter,Sturm,Hochwasser,Stromausfall,Sirene,Evakuierung,Warnung";

    public bool Enabled { get; set; } = true;

    /// <summary>Comma-separated words; a new post of the Page that contains one (any case, also inside a compound) starts crisis mode.</summary>
    public string Keywords { get; set; } = DefaultKeywords;

    /// <summary>How long crisis mode lasts after the last post that started or extended it.</summary>
    [KeyRange(1, 336, ErrorMessage = "Listening:Alerts:Crisis:DurationHours must be from {1} to {2} hours.")]
    public int DurationHours { get; set; } = 24;

    /// <summary>In crisis mode the take-off factor, the z-score and the minimum counts are multiplied by this.</summary>
    [KeyRange(0.1, 1.0, ErrorMessage = "Listening:Alerts:Crisis:ThresholdFactor must be from {1} to {2}.")]
    public double ThresholdFactor { get; set; } = 0.5;

    public IReadOnlyList<string> EffectiveKeywords() =>
        [.. (Keywords ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Distinct(StringComparer.OrdinalIgnoreCase)];
}

public sealed class TokenAlertOptions
{
    public bool Enabled { get; set; } = true;

    /// <summary>Warn this many days before the token or its data access lapses.</summary>
    [KeyRange(1, 60, ErrorMessage = "Listening:Alerts:Token:WarnDays must be from {1} to {2} days.")]
    public int WarnDays { get; set; } = 14;
}

public sealed class StalledAlertOptions
{
    public bool Enabled { get; set; } = true;

    /// <summary>No successful pull of a Page for this long is a stalled pipeline.</summary>
    [KeyRange(1, 72, ErrorMessage = "Listening:Alerts:Stalled:Hours must be from {1} to {2} hours.")]
    public int Hours { get; set; } = 2;
}
