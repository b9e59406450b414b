using System.Globalization;
using Listening.Core.Configuration;
using Listening.Core.Meta;
using Listening.Core.Contracts;
using Microsoft.Extensions.Options;

namespace Listening.Core.Ingestion;

/// <summary>
/// <c>listening sync --since</c>: Meta's daily Page insights for a range, in windows of at most 90 days, and the
/// posts created in the range with their current totals, through the same puller (and so the same error handling)
/// as the regular cycle. Meta keeps no history of reactions, comments or shares: the posts carry the totals at
/// capture time, labelled with it.
/// </summary>
public sealed class PageBackfill(PageDirectory pages, PagePuller puller, LocalCalendar calendar, IOptions<ListeningOptions> options, TimeProvider time)
{
    /// <summary>Null when the range can be backfilled, else why not (one plain sentence naming the option).</summary>
    public string? Check(DateOnly since, DateOnly until)
    {
        var today = calendar.DateOf(time.GetUtcNow());
        if (options.Value.IsDemo)
        {
            return "Backfill needs a configured Page with a token (Listening:Pages:0:Id and Listening:Pages:0:AccessToken); the demo Page has no history at Meta.";
        }

        if (until < since)
        {
            return $"--until {Iso(until)} lies before --since {Iso(since)}.";
        }

        if (until > today)
        {
            return $"--until {Iso(until)} lies in the future (today is {Iso(today)}).";
        }

        return since < today.AddDays(-MetaCalendar.HistoryDays)
            ? $"--since {Iso(since)} lies more than two years back: Meta keeps Page insights for about two years (earliest: {Iso(today.AddDays(-MetaCalendar.HistoryDays))})."
            : null;
    }

    public async Task<IReadOnlyList<BackfillStep>> RunAsync(DateOnly since, DateOnly until, IProgress<BackfillStep>? progress, CancellationToken cancellationToken)
    {
        if (Check(since, until) is { } problem)
        {
            throw new InvalidOperationException(problem);
        }

        var steps = new List<BackfillStep>();
        void Report(BackfillStep step)
        {
            steps.Add(step);
            progress?.Report(step);
        }

        foreach (var page in pages.All)
        {
            var lastComplete = MetaCalendar.LastCompleteDay(time.GetUtcNow());
            var windows = MetaCalendar.Windows(since, until < lastComplete ? until : lastComplete);
            var stopped = false;
            for (var i = 0; i < windows.Count && !stopped; i++)
            {
                var (from, to) = windows[i];
                var outcome = await puller.PullAsync(
                    new PullRequest { PageId = page.Id, Kind = PullKind.Insights, Since = from, Until = to, RequestedAt = time.GetUtcNow() },
                    cancellationToken);
                Report(new BackfillStep(page.Id, BackfillPart.Insights, i + 1, windows.Count, from, to, outcome));
                stopped = outcome.Status != PullStatus.Pulled;
            }

            if (stopped)
            {
                continue;
            }

            var posts = await puller.PullAsync(
                new PullRequest { PageId = page.Id, Kind = PullKind.Posts, Since = since, Until = until, RequestedAt = time.GetUtcNow() },
                cancellationToken);
            Report(new BackfillStep(page.Id, BackfillPart.Posts, 1, 1, since, until, posts));
        }

        return steps;
    }

    private static string Iso(DateOnly date) => IsoDate.Format(date);
}

public enum BackfillPart
{
    Insights,
    Posts,
}

/// <summary>One step of a backfill: a window of insights or the posts of the range, and how it went.</summary>
public sealed record BackfillStep(string PageId, BackfillPart Part, int Number, int Of, DateOnly From, DateOnly To, PullOutcome Outcome);
