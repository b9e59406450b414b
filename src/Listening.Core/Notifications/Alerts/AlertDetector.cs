using System.Globalization;
using Azure.Data.Tables;
using Listening.Core.Aggregation;
using Listening.Core.Configuration;
using Listening.Core.Contracts;
using Listening.Core.Storage;
using Listening.Core.Summaries;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Listening.Core.Notifications.Alerts;

/// <summary>
/// Looks at a snapshot after it was applied and raises what the press office should know now: crisis mode
/// (keywords in the Page's own new posts), milestones, posts taking off and negative surges. It reads the
/// stored observations and summaries, never changes them, and every alert has a key of the event, so a
/// snapshot applied twice raises nothing twice. Rules and thresholds: docs/teams.md ("Alerts").
/// </summary>
public sealed partial class AlertDetector(
    AlertLog log,
    CrisisMode crisis,
    ObservationReader observations,
    ListeningTables tables,
    DigestCardBuilder cards,
    LocalCalendar calendar,
    TimeProvider time,
    IOptions<ListeningOptions> options,
    ILogger<AlertDetector> logger)
{
    /// <summary>Fewer earlier posts than this give no median to compare with.</summary>
    public const int MinBaselinePosts = 5;

    /// <summary>Fewer earlier days than this give no baseline for a z-score.</summary>
    public const int MinBaselineDays = 3;

    /// <summary>Baseline days with fewer reactions than this say nothing about shares and are left out.</summary>
    public const int MinBaselineDayReactions = 10;

    /// <summary>Floors of the standard deviation, so a baseline of identical days does not make every wobble a surge.</summary>
    public const double MinShareDeviation = 0.02;

    public const double MinCommentRateDeviation = 0.05;

    private AlertOptions Rules => options.Value.Alerts;

    public async Task<IReadOnlyList<string>> DetectAsync(PageSnapshot snapshot, AggregationResult result, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(snapshot);
        ArgumentNullException.ThrowIfNull(result);
        var raised = new List<string>();
        var age = time.GetUtcNow() - snapshot.CapturedAt;
        if (age > TimeSpan.FromHours(Rules.MaxSnapshotAgeHours))
        {
            LogTooOld(logger, snapshot.PageId, snapshot.CapturedAt);
            return raised;
        }

        var state = Rules.Crisis.Enabled ? await DetectCrisisAsync(snapshot, raised, cancellationToken) : null;
        var inCrisis = state?.IsActive(snapshot.CapturedAt) == true;
        var factor = inCrisis ? Rules.Crisis.ThresholdFactor : 1.0;
        if (Rules.Milestones.Enabled)
        {
            await DetectMilestonesAsync(snapshot, result.Summary, raised, cancellationToken);
        }

        if (Rules.TakeOff.Enabled)
        {
            await DetectTakeOffAsync(snapshot, result.Date, factor, inCrisis, raised, cancellationToken);
        }

        if (Rules.NegativeSurge.Enabled)
        {
            await DetectNegativeSurgeAsync(snapshot, result.Summary, factor, inCrisis, raised, cancellationToken);
        }

        return raised;
    }

    /// <summary>The first configured keyword the text contains (any case, also inside a compound such as Unwetterwarnung).</summary>
    public static string? CrisisKeyword(string? text, IReadOnlyList<string> keywords)
    {
        ArgumentNullException.ThrowIfNull(keywords);
        if (string.IsNullOrWhiteSpace(text))
        {
            return null;
        }

        var compare = CultureInfo.InvariantCulture.CompareInfo;
        return keywords.FirstOrDefault(k => compare.IndexOf(text, k, CompareOptions.IgnoreCase) >= 0);
    }

    /// <summary>The highest threshold in (before, now], or null.</summary>
    public static long? CrossedMilestone(long? before, long? now, IReadOnlyList<long> thresholds)
    {
        ArgumentNullException.ThrowIfNull(thresholds);
        if (before is not { } b || now is not { } n || n <= b)
        {
            return null;
        }

        return thresholds.Where(t => b < t && t <= n).Select(t => (long?)t).LastOrDefault();
    }

    public static double Median(IReadOnlyList<long> values)
    {
        ArgumentNullException.ThrowIfNull(values);
        if (values.Count == 0)
        {
            return 0;
        }

        var sorted = values.Order().ToList();
        var mid = sorted.Count / 2;
        return sorted.Count % 2 == 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2.0;
    }

    /// <summary>How many (floored) standard deviations <paramref name="value"/> lies above the baseline's mean.</summary>
    public static double ZScore(double value, IReadOnlyList<double> baseline, double minDeviation)
    {
        ArgumentNullException.ThrowIfNull(baseline);
        var mean = baseline.Average();
        var deviation = Math.Sqrt(baseline.Sum(x => (x - mean) * (x - mean)) / baseline.Count);
        return (value - mean) / Math.Max(deviation, minDeviation);
    }

    private async Task<CrisisStateEntity?> DetectCrisisAsync(PageSnapshot snapshot, List<string> raised, CancellationToken cancellationToken)
    {
        var keywords = Rules.Crisis.EffectiveKeywords();
        var duration = TimeSpan.FromHours(Rules.Crisis.DurationHours);
        CrisisStateEntity? state = null;
        foreach (var post in snapshot.Posts.OrderBy(p => p.CreatedTime))
        {
            if (post.CreatedTime > snapshot.CapturedAt || post.CreatedTime + duration <= snapshot.CapturedAt
                || CrisisKeyword(post.Message, keywords) is not { } keyword)
            {
                continue;
            }

            var (next, started) = await crisis.ApplyAsync(snapshot.PageId, post.Id, post.CreatedTime, keyword, post.Permalink, duration, cancellationToken);
            state = next;
            if (!started)
            {
                continue;
            }

            var alert = new Alert
            {
                Kind = AlertKinds.Crisis,
                Key = $"crisis:{snapshot.PageId}:{post.Id}",
                PageId = snapshot.PageId,
                PageName = snapshot.PageName,
                Demo = snapshot.Demo,
                Severity = AlertSeverity.Attention,
                Title = "Krisenmodus an: " + snapshot.PageName,
                Text = $"Der Beitrag vom {When(post.CreatedTime)} enthält „{keyword}“: "
                    + $"„{DigestCardBuilder.Shorten(PageDaySummaryBuilder.Excerpt(post.Message), 200)}“ "
                    + $"Bis {When(next.Until)} holt Listening die Zahlen alle 5 Minuten statt alle 15 Minuten, und die Schwellen für Warnungen sind gesenkt. "
                    + "Jeder weitere Beitrag mit einem Stichwort verlängert den Krisenmodus.",
                Facts =
                [
                    new("Stichwort", keyword),
                    new("Krisenmodus bis", When(next.Until)),
                ],
                Link = post.Permalink,
                LinkTitle = "Beitrag öffnen",
                RaisedAt = post.CreatedTime,
            };
            if (await log.RaiseAsync(alert, cancellationToken))
            {
                raised.Add(alert.Key);
            }
        }

        return state ?? await crisis.GetAsync(snapshot.PageId, cancellationToken);
    }

    private async Task DetectMilestonesAsync(PageSnapshot snapshot, PageDaySummary summary, List<string> raised, CancellationToken cancellationToken)
    {
        var thresholds = Rules.Milestones.EffectiveThresholds();
        foreach (var (counter, label, what) in new[]
        {
            (summary.Followers, "followers", "Follower"),
            (summary.Likes, "likes", "„Gefällt mir“-Angaben"),
        })
        {
            var before = counter.End - counter.Change;
            if (CrossedMilestone(before, counter.End, thresholds) is not { } milestone)
            {
                continue;
            }

            var alert = new Alert
            {
                Kind = AlertKinds.Milestone,
                Key = $"milestone:{snapshot.PageId}:{label}:{milestone.ToString(CultureInfo.InvariantCulture)}",
                PageId = snapshot.PageId,
                PageName = snapshot.PageName,
                Demo = snapshot.Demo,
                Severity = AlertSeverity.Good,
                Title = $"Meilenstein: {GermanFormat.Number(milestone)} {what}",
                Text = $"{snapshot.PageName} hat {GermanFormat.Number(milestone)} {what} erreicht: jetzt {GermanFormat.Number(counter.End)}, "
                    + $"{GermanFormat.Change(counter.Change)} seit gestern Abend. Herzlichen Glückwunsch!",
                Facts = [new(what, GermanFormat.Number(counter.End)), new("Veränderung seit gestern", GermanFormat.Change(counter.Change))],
                Link = cards.SummaryLink(summary.Date),
                LinkTitle = "Zusammenfassung öffnen",
                RaisedAt = snapshot.CapturedAt,
            };
            if (await log.RaiseAsync(alert, cancellationToken))
            {
                raised.Add(alert.Key);
            }
        }
    }

    private async Task DetectTakeOffAsync(PageSnapshot snapshot, DateOnly date, double factor, bool inCrisis, List<string> raised, CancellationToken cancellationToken)
    {
        var rules = Rules.TakeOff;
        var window = TimeSpan.FromHours(rules.WindowHours);
        var floor = rules.MinReactions * factor;
        var candidates = snapshot.Posts
            .Where(p => p.CreatedTime <= snapshot.CapturedAt && snapshot.CapturedAt - p.CreatedTime <= window && p.Reactions.Total >= floor)
            .ToList();
        if (candidates.Count == 0)
        {
            return;
        }

        IReadOnlyList<long>? baseline = null;
        foreach (var post in candidates)
        {
            var key = $"takeoff:{snapshot.PageId}:{post.Id}";
            if (await log.WasRaisedAsync(key, cancellationToken))
            {
                continue;
            }

            baseline ??= await ReactionBaselineAsync(snapshot, date, window, cancellationToken);
            if (baseline.Count < MinBaselinePosts)
            {
                LogNoBaseline(logger, snapshot.PageId, baseline.Count);
                return;
            }

            var median = Median(baseline);
            var threshold = Math.Max(floor, rules.Factor * factor * median);
            if (post.Reactions.Total <= threshold)
            {
                continue;
            }

            var hours = Math.Max(1, (int)Math.Ceiling((snapshot.CapturedAt - post.CreatedTime).TotalHours));
            var ratio = median > 0 ? post.Reactions.Total / median : 0;
            var alert = new Alert
            {
                Kind = AlertKinds.TakeOff,
                Key = key,
                PageId = snapshot.PageId,
                PageName = snapshot.PageName,
                Demo = snapshot.Demo,
                Severity = AlertSeverity.Good,
                Title = "Ein Beitrag hebt ab",
                Text = $"Der Beitrag vom {When(post.CreatedTime)} hat in {(hours == 1 ? "der ersten Stunde" : $"den ersten {hours} Stunden")} "
                    + $"{GermanFormat.Number(post.Reactions.Total)} Reaktionen – "
                    + (median > 0 ? $"{ratio.ToString("0.0", GermanFormat.Culture)}-mal so viele, wie ein Beitrag der letzten {rules.BaselineDays} Tage im Mittel (Median {GermanFormat.Number((long)Math.Round(median))}) insgesamt bekam" : "weit mehr als sonst")
                    + (inCrisis ? " (Krisenmodus: niedrigere Schwelle)" : "")
                    + $". „{DigestCardBuilder.Shorten(PageDaySummaryBuilder.Excerpt(post.Message), 200)}“",
                Facts =
                [
                    new("Reaktionen", GermanFormat.Number(post.Reactions.Total)),
                    new("Kommentare", GermanFormat.Number(post.Comments)),
                    new("Mal geteilt", GermanFormat.Number(post.Shares)),
                ],
                Link = post.Permalink,
                LinkTitle = "Beitrag öffnen",
                RaisedAt = snapshot.CapturedAt,
            };
            if (await log.RaiseAsync(alert, cancellationToken))
            {
                raised.Add(alert.Key);
            }
        }
    }

    /// <summary>Reactions of each earlier post of the baseline window, as last observed; posts still in their first hours are left out.</summary>
    private async Task<IReadOnlyList<long>> ReactionBaselineAsync(PageSnapshot snapshot, DateOnly date, TimeSpan window, CancellationToken cancellationToken)
    {
        var rows = await observations.ReadAsync(snapshot.PageId, date.AddDays(-Rules.TakeOff.BaselineDays), date, cancellationToken);
        var since = snapshot.CapturedAt.AddDays(-Rules.TakeOff.BaselineDays);
        return [.. rows.Posts
            .Where(p => p.CreatedTime >= since && p.CreatedTime < snapshot.CapturedAt - window)
            .GroupBy(p => p.PostId, StringComparer.Ordinal)
            .Select(g => g.MaxBy(p => p.RowKey, StringComparer.Ordinal)!.Reactions.Total)];
    }

    private async Task DetectNegativeSurgeAsync(PageSnapshot snapshot, PageDaySummary today, double factor, bool inCrisis, List<string> raised, CancellationToken cancellationToken)
    {
        var rules = Rules.NegativeSurge;
        var reactions = today.Reactions.Total;
        if (reactions < rules.MinReactions * factor)
        {
            return;
        }

        var dateKey = today.Date.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
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
                    + (inCrisis ? ", Krisenmodus: niedrigere Schwelle" : "") + ")."
                    + (worst is not null ? $" Am meisten betroffen: „{DigestCardBuilder.Shorten(worst.Excerpt, 160)}“" : ""),
                Facts =
                [
                    new("Reaktionen heute", GermanFormat.Number(reactions)),
                    new("davon Traurig und Wütend", GermanFormat.Number(today.Reactions.Sad + today.Reactions.Angry)),
                    new("Kommentare heute", GermanFormat.Number(today.Comments)),
                ],
                Link = worst?.Permalink ?? cards.SummaryLink(today.Date),
                LinkTitle = worst?.Permalink is not null ? "Beitrag öffnen" : "Zusammenfassung öffnen",
                RaisedAt = snapshot.CapturedAt,
            };
            if (await log.RaiseAsync(alert, cancellationToken))
            {
                raised.Add(alert.Key);
            }
        }
    }

    /// <summary>The stored summaries of the days before, as far back as the baseline reaches, that had enough reactions.</summary>
    private async Task<List<PageDaySummary>> DayBaselineAsync(string pageId, DateOnly date, CancellationToken cancellationToken)
    {
        var from = date.AddDays(-Rules.NegativeSurge.BaselineDays).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
        var to = date.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
        var filter = TableClient.CreateQueryFilter($"PartitionKey eq {pageId} and RowKey ge {from} and RowKey lt {to}");
        var days = new List<PageDaySummary>();
        await foreach (var row in tables.Summaries.QueryAsync<SummaryEntity>(filter, cancellationToken: cancellationToken))
        {
            var day = row.ToSummary();
            if (day.Reactions.Total >= MinBaselineDayReactions)
            {
                days.Add(day);
            }
        }

        return days;
    }

    private string When(DateTimeOffset instant) => GermanFormat.DateTime(calendar.ToLocal(instant));

    [LoggerMessage(Level = LogLevel.Debug, Message = "Snapshot of page {PageId} captured {CapturedAt:O} is too old for alerts")]
    private static partial void LogTooOld(ILogger logger, string pageId, DateTimeOffset capturedAt);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Page {PageId} has only {Count} baseline values; no take-off or surge alert yet")]
    private static partial void LogNoBaseline(ILogger logger, string pageId, int count);
}
