using System.Globalization;
using Listening.Core.Configuration;
using Listening.Core.Summaries;
using Microsoft.Extensions.Options;
using Listening.Core.Notifications.Teams;

namespace Listening.Core.Notifications.Alerts;

/// <summary>Milestones: the Page's followers or likes passed a configured threshold since last evening.</summary>
public sealed class MilestoneDetector(AlertLog log, IOptions<ListeningOptions> options) : IAlertDetector
{
    private MilestoneAlertOptions Rules => options.Value.Alerts.Milestones;

    /// <summary>The highest threshold in (before, now], or null.</summary>
    public static long? Crossed(long? before, long? now, IReadOnlyList<long> thresholds)
    {
        ArgumentNullException.ThrowIfNull(thresholds);
        if (before is not { } b || now is not { } n || n <= b)
        {
            return null;
        }

        return thresholds.Where(t => b < t && t <= n).Select(t => (long?)t).LastOrDefault();
    }

    public async Task DetectAsync(SnapshotAlertRun run, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(run);
        if (!Rules.Enabled)
        {
            return;
        }

        var snapshot = run.Snapshot;
        var summary = run.Result.Summary;
        var thresholds = Rules.EffectiveThresholds();
        foreach (var (counter, label, what) in new[]
        {
            (summary.Followers, "followers", "Follower"),
            (summary.Likes, "likes", "„Gefällt mir“-Angaben"),
            (summary.Instagram?.Followers ?? new Listening.Core.Contracts.CounterChange(null, null), "instagram-followers", "Instagram-Follower"),
        })
        {
            var before = counter.End - counter.Change;
            if (Crossed(before, counter.End, thresholds) is not { } milestone)
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
                Link = TeamsLinks.Summary(options.Value.PublicBaseUrl, summary.Date),
                LinkTitle = "Zusammenfassung öffnen",
                RaisedAt = snapshot.CapturedAt,
            };
            if (await log.RaiseAsync(alert, cancellationToken))
            {
                run.Raised.Add(alert.Key);
            }
        }
    }
}
