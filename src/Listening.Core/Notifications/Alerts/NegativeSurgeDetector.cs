using Listening.Core.Configuration;
using Listening.Core.Contracts;
using Listening.Core.Storage;
using Listening.Core.Summaries;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Listening.Core.Notifications.Teams;

namespace Listening.Core.Notifications.Alerts;

/// <summary>
/// A negative surge: today's share of sad and angry reactions, or today's comments per reaction, lies far above
/// the earlier days' (a z-score against the baseline window). Crisis mode lowers the bar.
/// </summary>
public sealed partial class NegativeSurgeDetector(
    AlertLog log,
    IAlertBaselines baselines,
    IOptions<ListeningOptions> options,
    ILogger<NegativeSurgeDetector> logger) : IAlertDetector
{
    /// <summary>Fewer earlier days than this give no baseline for a z-score.</summary>
    public const int MinBaselineDays = 3;

    /// <summary>Baseline days with fewer reactions than this say nothing about shares and are left out.</summary>
    public const int MinBaselineDayReactions = 10;

    /// <summary>Floors of the standard deviation, so a baseline of identical days does not make every wobble a surge.</summary>
    public const double MinShareDeviation = 0.02;

    public const double MinCommentRateDeviation = 0.05;

    private NegativeSurgeAlertOptions Rules => options.Value.Alerts.NegativeSurge;

    /// <summary>How many (floored) standard deviations <paramref name="value"/> lies above the baseline's mean.</summary>
    public static double ZScore(double value, IReadOnlyList<double> baseline, double minDeviation)
    {
        ArgumentNullException.ThrowIfNull(baseline);
        var mean = baseline.Average();
        var deviation = Math.Sqrt(baseline.Sum(x => (x - mean) * (x - mean)) / baseline.Count);
        return (value - mean) / Math.Max(deviation, minDeviation);
    }

    public async Task DetectAsync(SnapshotAlertRun run, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(run);
        var rules = Rules;
        if (!rules.Enabled)
        {
            return;
        }

        var snapshot = run.Snapshot;
        var today = run.Result.Summary;
        // The lowest thresholds crisis mode could set first; the crisis state is read only for a decision it changes.
        var lowest = SnapshotAlertRun.LowestThresholdFactor(options.Value.Alerts);
        var reactions = today.Reactions.Total;
        if (reactions < rules.MinReactions * lowest)
        {
            return;
        }

        double? known = null;
        if (reactions < rules.MinReactions)
        {
            known = await run.ThresholdFactorAsync(options.Value.Alerts, cancellationToken);
            if (reactions < rules.MinReactions * known)
            {
                return;
            }
        }

        var dateKey = NotificationKeys.Day(today.Date);
        var measures = new[]
        {
            (Name: "reactions", Value: (double)(today.Reactions.Sad + today.Reactions.Angry) / reactions, Floor: MinShareDeviation),
            (Name: "comments", Value: (double)today.Comments / reactions, Floor: MinCommentRateDeviation),
        };
        List<PageDaySummary>? baseline = null;
        foreach (var measure in measures)
        {
            var key = $"negative-surge:{snapshot.PageId}:{dateKey}:{measure.Name}";
            if (await log.WasRaisedAsync(key, cancellationToken))
            {
                continue;
            }

            baseline ??= await DayBaselineAsync(snapshot.PageId, today.Date, cancellationToken);
            if (baseline.Count < MinBaselineDays)
            {
                LogNoBaseline(logger, snapshot.PageId, baseline.Count);
                return;
            }

            var values = baseline.Select(d => measure.Name == "reactions"
                ? (double)(d.Reactions.Sad + d.Reactions.Angry) / d.Reactions.Total
                : (double)d.Comments / d.Reactions.Total).ToList();
            var z = ZScore(measure.Value, values, measure.Floor);
            if (z < rules.ZScore * lowest)
            {
                continue;
            }

            var factor = known ??= await run.ThresholdFactorAsync(options.Value.Alerts, cancellationToken);
            if (z < rules.ZScore * factor)
            {
                continue;
            }

            var usual = values.Average();
            var worst = today.Posts
                .OrderByDescending(p => measure.Name == "reactions" ? p.Reactions.Sad + p.Reactions.Angry : p.Comments)
                .FirstOrDefault();
            var what = measure.Name == "reactions"
                ? $"{GermanFormat.Percent(measure.Value * 100)} der Reaktionen heute sind „Traurig“ oder „Wütend“, sonst {GermanFormat.Percent(usual * 100)}"
                : $"Heute kommen auf 100 Reaktionen {(measure.Value * 100).ToString("0", GermanFormat.Culture)} Kommentare, sonst {(usual * 100).ToString("0", GermanFormat.Culture)}";
            var alert = new Alert
            {
                Kind = AlertKinds.NegativeSurge,
                Key = key,
                PageId = snapshot.PageId,
                PageName = snapshot.PageName,
                Demo = snapshot.Demo,
                Severity = AlertSeverity.Warning,
                Title = measure.Name == "reactions" ? "Ungewöhnlich viele negative Reaktionen" : "Ungewöhnlich viele Kommentare",
                Text = what + $" (Durchschnitt der letzten {baseline.Count} Tage; {z.ToString("0.0", GermanFormat.Culture)} Standardabweichungen darüber"
                    + (run.InCrisis ? ", Krisenmodus: niedrigere Schwelle" : "") + ")."
                    + (worst is not null ? $" Am meisten betroffen: „{TeamsText.Shorten(worst.Excerpt, 160)}“" : ""),
                Facts =
                [
                    new("Reaktionen heute", GermanFormat.Number(reactions)),
                    new("davon Traurig und Wütend", GermanFormat.Number(today.Reactions.Sad + today.Reactions.Angry)),
                    new("Kommentare heute", GermanFormat.Number(today.Comments)),
                ],
                Link = worst?.Permalink ?? TeamsLinks.Summary(options.Value.PublicBaseUrl, today.Date),
                LinkTitle = worst?.Permalink is not null ? "Beitrag öffnen" : "Zusammenfassung öffnen",
                RaisedAt = snapshot.CapturedAt,
            };
            if (await log.RaiseAsync(alert, cancellationToken))
            {
                run.Raised.Add(alert.Key);
            }
        }
    }

    /// <summary>The stored summaries of the days before, as far back as the baseline reaches, that had enough reactions.</summary>
    private async Task<List<PageDaySummary>> DayBaselineAsync(string pageId, DateOnly date, CancellationToken cancellationToken)
    {
        var days = await baselines.DaySummariesAsync(pageId, date.AddDays(-Rules.BaselineDays), date, cancellationToken);
        return [.. days.Where(d => d.Reactions.Total >= MinBaselineDayReactions)];
    }

    [LoggerMessage(Level = LogLevel.Debug, Message = "Page {PageId} has only {Count} baseline values; no take-off or surge alert yet")]
    private static partial void LogNoBaseline(ILogger logger, string pageId, int count);
}
