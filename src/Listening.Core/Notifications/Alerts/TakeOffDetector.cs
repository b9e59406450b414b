using Listening.Core.Aggregation;
using Listening.Core.Configuration;
using Listening.Core.Storage;
using Listening.Core.Summaries;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Listening.Core.Notifications.Teams;
using Listening.Core.Contracts;

namespace Listening.Core.Notifications.Alerts;

/// <summary>
/// A post taking off: within its first hours it has far more reactions than the earlier posts of the baseline
/// window had in the end (their median); or, by reach, it has reached at least <c>MinReach</c> people within
/// <c>ReachWindowHours</c> (issue 13). Crisis mode lowers the floors and the factor.
/// </summary>
public sealed partial class TakeOffDetector(
    AlertLog log,
    IAlertBaselines baselines,
    LocalCalendar calendar,
    IOptions<ListeningOptions> options,
    ILogger<TakeOffDetector> logger) : IAlertDetector
{
    /// <summary>Fewer earlier posts than this give no median to compare with.</summary>
    public const int MinBaselinePosts = 5;

    private TakeOffAlertOptions Rules => options.Value.Alerts.TakeOff;

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

    public async Task DetectAsync(SnapshotAlertRun run, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(run);
        var rules = Rules;
        if (!rules.Enabled)
        {
            return;
        }

        var snapshot = run.Snapshot;
        await DetectReachAsync(run, rules, cancellationToken);
        await DetectInstagramAsync(run, rules, cancellationToken);
        var window = TimeSpan.FromHours(rules.WindowHours);

        // Posts that could pass the floor in crisis mode first: only then does the crisis state matter.
        var lowest = SnapshotAlertRun.LowestThresholdFactor(options.Value.Alerts);
        bool Candidate(PostObservation p, double f) =>
            p.CreatedTime <= snapshot.CapturedAt && snapshot.CapturedAt - p.CreatedTime <= window && p.Reactions.Total >= rules.MinReactions * f;
        if (!snapshot.Posts.Any(p => Candidate(p, lowest)))
        {
            return;
        }

        var factor = await run.ThresholdFactorAsync(options.Value.Alerts, cancellationToken);
        var floor = rules.MinReactions * factor;
        var candidates = snapshot.Posts.Where(p => Candidate(p, factor)).ToList();
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

            baseline ??= await ReactionBaselineAsync(snapshot.PageId, snapshot.CapturedAt, run.Result.Date, window, cancellationToken);
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
                    + (run.InCrisis ? " (Krisenmodus: niedrigere Schwelle)" : "")
                    + $". „{TeamsText.Shorten(PageDaySummaryBuilder.Excerpt(post.Message), 200)}“",
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
                run.Raised.Add(alert.Key);
            }
        }
    }

    /// <summary>
    /// The reach rule: a post younger than <c>ReachWindowHours</c> that has reached at least <c>MinReach</c> people
    /// (times the crisis factor). Needs no baseline: a number the press office set.
    /// </summary>
    private async Task DetectReachAsync(SnapshotAlertRun run, TakeOffAlertOptions rules, CancellationToken cancellationToken)
    {
        if (rules.MinReach <= 0)
        {
            return;
        }

        var snapshot = run.Snapshot;
        var window = TimeSpan.FromHours(rules.ReachWindowHours);
        var aliases = options.Value.Facebook.EffectiveAliases;
        long? ReachInWindow(PostObservation post)
        {
            var age = snapshot.CapturedAt - post.CreatedTime;
            return age < TimeSpan.Zero || age > window ? null : MetricNames.PostValue(post.Metrics, MetricNames.PostReach, aliases).Value;
        }

        if (await ReachFloorAsync(run, rules, [.. snapshot.Posts.Select(ReachInWindow)], cancellationToken) is not { } floor)
        {
            return;
        }

        foreach (var post in snapshot.Posts)
        {
            if (ReachInWindow(post) is not { } reach || reach < floor)
            {
                continue;
            }

            var key = $"takeoff-reach:{snapshot.PageId}:{post.Id}";
            if (await log.WasRaisedAsync(key, cancellationToken))
            {
                continue;
            }

            var views = MetricNames.PostValue(post.Metrics, MetricNames.PostViews, aliases).Value;
            var alert = new Alert
            {
                Kind = AlertKinds.TakeOff,
                Key = key,
                PageId = snapshot.PageId,
                PageName = snapshot.PageName,
                Demo = snapshot.Demo,
                Severity = AlertSeverity.Good,
                Title = "Ein Beitrag erreicht viele Menschen",
                Text = ReachText(post.CreatedTime, snapshot.CapturedAt, reach, floor, rules.ReachWindowHours, run.InCrisis)
                    + $" „{TeamsText.Shorten(PageDaySummaryBuilder.Excerpt(post.Message), 200)}“",
                Facts =
                [
                    new("Erreichte Personen", GermanFormat.Number(reach)),
                    new("Aufrufe", GermanFormat.Number(views)),
                    new("Reaktionen", GermanFormat.Number(post.Reactions.Total)),
                ],
                Link = post.Permalink,
                LinkTitle = "Beitrag öffnen",
                RaisedAt = snapshot.CapturedAt,
            };
            if (await log.RaiseAsync(alert, cancellationToken))
            {
                run.Raised.Add(alert.Key);
            }
        }
    }

    /// <summary>
    /// The reach rule for the Page's linked Instagram account (issue 14): a medium (Reel, Beitrag, Story) younger than
    /// <c>ReachWindowHours</c> whose lifetime <c>reach</c> (through the alias map) has reached <c>MinReach</c> people
    /// (times the crisis factor), once per medium.
    /// </summary>
    private async Task DetectInstagramAsync(SnapshotAlertRun run, TakeOffAlertOptions rules, CancellationToken cancellationToken)
    {
        var snapshot = run.Snapshot;
        if (rules.MinReach <= 0 || snapshot.Instagram is not { } ig)
        {
            return;
        }

        var window = TimeSpan.FromHours(rules.ReachWindowHours);
        var aliases = options.Value.Facebook.EffectiveAliases;
        long? ReachInWindow(InstagramMediaObservation media)
        {
            var age = snapshot.CapturedAt - media.Timestamp;
            return age < TimeSpan.Zero || age > window ? null : MetricNames.PostValue(media.Metrics, InstagramMetrics.Reach, aliases).Value;
        }

        if (await ReachFloorAsync(run, rules, [.. ig.Media.Select(ReachInWindow)], cancellationToken) is not { } floor)
        {
            return;
        }

        foreach (var media in ig.Media)
        {
            if (ReachInWindow(media) is not { } reach || reach < floor)
            {
                continue;
            }

            var key = $"takeoff-instagram:{snapshot.PageId}:{media.Id}";
            if (await log.WasRaisedAsync(key, cancellationToken))
            {
                continue;
            }

            var kind = InstagramSection.Kind(media.ProductType);
            var subject = $"{(kind == "Story" ? "Die Story" : kind == "Reel" ? "Das Reel" : "Der Beitrag")} auf Instagram"
                + (ig.Username is { Length: > 0 } name ? $" (@{TeamsText.Plain(name)})" : "");
            var excerpt = PageDaySummaryBuilder.Excerpt(media.Caption);
            var alert = new Alert
            {
                Kind = AlertKinds.TakeOff,
                Key = key,
                PageId = snapshot.PageId,
                PageName = snapshot.PageName,
                Demo = snapshot.Demo,
                Severity = AlertSeverity.Good,
                Title = (kind == "Story" ? "Eine Story" : kind == "Reel" ? "Ein Reel" : "Ein Beitrag") + " auf Instagram erreicht viele Menschen",
                Text = ReachText(media.Timestamp, snapshot.CapturedAt, reach, floor, rules.ReachWindowHours, run.InCrisis, subject)
                    + (excerpt.Length > 0 ? $" „{TeamsText.Shorten(excerpt, 200)}“" : ""),
                Facts =
                [
                    new("Erreichte Personen", GermanFormat.Number(reach)),
                    new("Aufrufe", GermanFormat.Number(MetricNames.PostValue(media.Metrics, InstagramMetrics.Views, aliases).Value)),
                    new("„Gefällt mir“", GermanFormat.Number(media.Likes)),
                ],
                Link = media.Permalink,
                LinkTitle = "Auf Instagram öffnen",
                RaisedAt = snapshot.CapturedAt,
            };
            if (await log.RaiseAsync(alert, cancellationToken))
            {
                run.Raised.Add(alert.Key);
            }
        }
    }

    /// <summary>
    /// The reach floor (<c>MinReach</c> times the crisis factor, at least 1), or null when no reach can pass it even in
    /// crisis mode: then the crisis state is not read.
    /// </summary>
    private async Task<long?> ReachFloorAsync(SnapshotAlertRun run, TakeOffAlertOptions rules, IReadOnlyList<long?> reaches, CancellationToken cancellationToken)
    {
        static long Floor(int minReach, double factor) => Math.Max(1, (long)Math.Ceiling(minReach * factor));
        var lowest = Floor(rules.MinReach, SnapshotAlertRun.LowestThresholdFactor(options.Value.Alerts));
        if (!reaches.Any(r => r >= lowest))
        {
            return null;
        }

        return Floor(rules.MinReach, await run.ThresholdFactorAsync(options.Value.Alerts, cancellationToken));
    }

    /// <summary>"Der Beitrag vom 22.11.2026, 07:40 Uhr hat seitdem, in 5 Stunden, 31.000 Personen erreicht – Schwelle: 10.000 Personen in 24 Stunden."</summary>
    internal string ReachText(
        DateTimeOffset created, DateTimeOffset at, long reach, long threshold, int windowHours, bool inCrisis, string subject = "Der Beitrag")
    {
        var hours = Math.Max(1, (int)Math.Ceiling((at - created).TotalHours));
        return $"{subject} vom {When(created)} hat seitdem, in {(hours == 1 ? "der ersten Stunde" : $"{hours} Stunden")}, "
            + $"{GermanFormat.Number(reach)} Personen erreicht – Schwelle: {GermanFormat.Number(threshold)} Personen in {windowHours} Stunden"
            + (inCrisis ? " (Krisenmodus: niedrigere Schwelle)" : "") + ".";
    }

    /// <summary>Reactions of each earlier post of the baseline window, as last observed; posts still in their first hours are left out.</summary>
    private async Task<IReadOnlyList<long>> ReactionBaselineAsync(string pageId, DateTimeOffset capturedAt, DateOnly date, TimeSpan window, CancellationToken cancellationToken)
    {
        var rows = await baselines.PostReactionsAsync(pageId, date.AddDays(-Rules.BaselineDays), date, cancellationToken);
        var since = capturedAt.AddDays(-Rules.BaselineDays);
        return [.. rows
            .Where(p => p.CreatedTime >= since && p.CreatedTime < capturedAt - window)
            .GroupBy(p => p.PostId, StringComparer.Ordinal)
            .Select(g => g.MaxBy(p => p.RowKey, StringComparer.Ordinal)!.Reactions)];
    }

    private string When(DateTimeOffset instant) => GermanFormat.DateTime(calendar.ToLocal(instant));

    [LoggerMessage(Level = LogLevel.Debug, Message = "Page {PageId} has only {Count} baseline values; no take-off or surge alert yet")]
    private static partial void LogNoBaseline(ILogger logger, string pageId, int count);
}
