using System.Globalization;
using Listening.Core.Configuration;
using Listening.Core.Meta;
using Listening.Core.Contracts;
using Listening.Core.Storage;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Listening.Core.Ingestion;

/// <summary>
/// Handles one pull request: decide what to ask (from the Page's state), capture the Page, send the snapshot
/// parts on, record what was learned, and say what happened (<see cref="PullOutcome"/>; the notifications layer
/// derives its alerts from that). A Page's trouble stays with that Page and never fails the message:
/// <list type="bullet">
/// <item>token invalid (code 190, or <c>debug_token</c> says so): the Page is marked, its pulls stop until the
/// configured token changes;</item>
/// <item>throttled (codes 4, 17, 32, 613, 80001, HTTP 429): the Page pauses for Meta's
/// <c>estimated_time_to_regain_access</c>, else exponentially (15 minutes doubling, up to a day, with jitter);
/// a usage header at <c>SlowDownAtUsagePercent</c> pauses it before Meta throttles;</item>
/// <item>anything else from Meta (after the resilience handler's retries): recorded and logged; the next cycle
/// reads the look-back window and the insights from the last day it has, so it catches up.</item>
/// </list>
/// Failures of our own storage still throw, so the queue retries the message.
/// </summary>
public sealed partial class PagePuller(
    PageDirectory pages,
    IPageSource source,
    IQueuePublisher queue,
    IPageStateStore state,
    LocalCalendar calendar,
    IOptions<ListeningOptions> options,
    TimeProvider time,
    ILogger<PagePuller> logger)
{
    /// <summary>First pause after throttling without a time from Meta; it doubles with each throttled pull in a row.</summary>
    public static readonly TimeSpan FirstBackoff = GraphUsage.DefaultWait;

    public static readonly TimeSpan MaxBackoff = TimeSpan.FromHours(24);

    /// <summary>
    /// The comments a regular pull reads start this long before the last successful pull: Meta shows a new comment
    /// with a short delay. A comment read twice is applied once (its id is its key), so the overlap costs nothing.
    /// </summary>
    public static readonly TimeSpan CommentOverlap = TimeSpan.FromMinutes(10);

    /// <summary>A Page's first pull reads the comments of the last day (not all of the look-back window: no flood of old alerts).</summary>
    public static readonly TimeSpan FirstCommentWindow = TimeSpan.FromHours(24);

    /// <summary><c>debug_token</c> is asked this often per Page (in the regular batch, no extra request).</summary>
    public static readonly TimeSpan TokenCheckInterval = TimeSpan.FromHours(24);

    private readonly FacebookOptions _facebook = options.Value.Facebook;

    public async Task<PullOutcome> PullAsync(PullRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        var page = await pages.FindAsync(request.PageId, cancellationToken)
            ?? throw new InvalidMessageException($"page {request.PageId} is not configured");
        var now = time.GetUtcNow();
        var demo = page.Id == Meta.Sample.DemoPage.PageId && string.IsNullOrEmpty(page.AccessToken);
        var configuredName = page.Name ?? page.Id;
        var stored = demo ? null : await state.GetAsync(page.Id, cancellationToken);
        var fingerprint = demo ? null : TokenStatus.Fingerprint(page.AccessToken ?? "");

        if (stored is { TokenState: "invalid" } && stored.TokenFingerprint == fingerprint)
        {
            LogSkippedToken(logger, page.Id, stored.TokenProblem ?? "invalid");
            return new PullOutcome(PullStatus.TokenInvalid, $"the Page token is {stored.TokenProblem ?? "invalid"}; pulls resume when the configured token changes")
            {
                PageId = page.Id,
                PageName = configuredName,
                At = now,
                TokenProblem = stored.TokenProblem ?? "invalid",
            };
        }

        if (stored?.ResumeAfter is { } resume && resume > now)
        {
            LogSkippedPause(logger, page.Id, resume, stored.ResumeReason ?? "");
            return new PullOutcome(PullStatus.Paused, $"paused until {IsoDate.Minute(resume)} UTC: {stored.ResumeReason}")
            {
                PageId = page.Id,
                PageName = configuredName,
                At = now,
                ResumeAfter = resume,
            };
        }

        var plan = Plan(request, stored, fingerprint, now);

        // The regular cycle reads the linked Instagram account too, unless the Page has it off.
        plan = plan is { PageFields: true, Posts: true, Backfill: false } && page.InstagramEnabled ? plan with { Instagram = true } : plan;
        if (plan is null)
        {
            return new PullOutcome(PullStatus.Pulled, "nothing to read in that range yet") { PageId = page.Id, PageName = configuredName, At = now };
        }

        PullResult result;
        try
        {
            result = await source.CaptureAsync(page, plan, cancellationToken);
        }
        catch (Exception ex) when (ex is not ObjectDisposedException
            && ex is InvalidOperationException or FormatException or KeyNotFoundException or ArgumentException or OverflowException or System.Text.Json.JsonException)
        {
            // A shape of Meta's answer the parser did not foresee: the same answer would fail every retry, so the
            // message completes, and the next cycle tries again.
            const string problem = "Meta's answer had a shape Listening cannot read; the next cycle tries again";
            LogFailed(logger, page.Id, problem + " (" + ex.GetType().Name + ")");
            await state.RecordFailureAsync(page.Id, configuredName, problem, now, cancellationToken);
            return new PullOutcome(PullStatus.Failed, problem) { PageId = page.Id, PageName = configuredName, At = now };
        }

        switch (result)
        {
            case PullResult.TokenInvalid token:
                LogTokenInvalid(logger, page.Id, token.Problem, token.Error.Detail);
                await state.RecordTokenInvalidAsync(page.Id, configuredName, token.Problem, fingerprint, token.Error.Summary, now, cancellationToken);
                return new PullOutcome(PullStatus.TokenInvalid, $"the Page token is {token.Problem}: {token.Error.Message}")
                {
                    PageId = page.Id,
                    PageName = configuredName,
                    At = now,
                    TokenProblem = token.Problem,
                };

            case PullResult.Throttled throttled:
            {
                var resumeAfter = await state.RecordThrottledAsync(
                    page.Id, inARow => throttled.Wait ?? Backoff(inARow), throttled.Error.Summary, throttled.Usage?.MaxPercent, throttled.Usage?.Header, now, cancellationToken);
                LogThrottled(logger, page.Id, throttled.Error.Detail, resumeAfter);
                return new PullOutcome(PullStatus.Throttled, $"Meta throttles the Page ({throttled.Error.Detail}); paused until {IsoDate.Minute(resumeAfter)} UTC")
                {
                    PageId = page.Id,
                    PageName = configuredName,
                    At = now,
                    ResumeAfter = resumeAfter,
                };
            }

            case PullResult.Failed failed:
                LogFailed(logger, page.Id, failed.Error.Detail);
                await state.RecordFailureAsync(page.Id, configuredName, failed.Error.Summary, now, cancellationToken);
                return new PullOutcome(PullStatus.Failed, failed.Error.Detail) { PageId = page.Id, PageName = configuredName, At = now };

            case PullResult.Ok ok:
                return await SendAndRecordAsync(ok.Capture, stored, fingerprint, plan, now, cancellationToken);

            default:
                throw new InvalidOperationException("Unknown pull result " + result.GetType().Name);
        }
    }

    private async Task<PullOutcome> SendAndRecordAsync(
        PageCapture capture, PageStateEntity? stored, string? fingerprint, PullPlan plan, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var parts = SnapshotSplitter.Split(capture);
        foreach (var part in parts)
        {
            await queue.PublishAsync(part, cancellationToken);
        }

        // The comments go to their own queue, never into the snapshot (nor its archive). Before the pull is recorded:
        // a crash in between reads them again, and triage applies each comment once.
        var commentMessages = 0;
        foreach (var batch in MessageCodec.SplitComments(new CommentBatch { Source = CommentSources.Pull, ReceivedAt = capture.CapturedAt, Events = [] }, capture.Comments))
        {
            await queue.PublishAsync(batch, cancellationToken);
            commentMessages++;
        }

        if (capture.Comments.Count > 0)
        {
            LogPulledComments(logger, capture.PageId, capture.Comments.Count, commentMessages);
        }

        // Every metric Meta rejects for the Page, the ones the Page's state remembers included, not only this pull's
        // new ones: once the pull is recorded, a retry no longer asks for a rejected metric and would never see it
        // rejected again, so an alert lost between recording and raising (a crash, a storage error) would stay lost.
        // The alert is raised once all the same: its key (Page and metric) is claimed in the alert log.
        var dropped = (stored?.RejectedMetricList ?? [])
            .Union(capture.RejectedMetrics, StringComparer.Ordinal)
            .Select(m => new DroppedMetric(m, _facebook.EffectiveAliases.GetValueOrDefault(m)))
            .ToList();

        await state.RecordPullAsync(capture.PageId, Record(capture, stored, fingerprint, plan, now), cancellationToken);
        LogPulled(logger, capture.PageId, capture.Posts.Count, capture.Insights.Count, parts.Count, capture.HttpRequests, capture.GraphCalls, capture.CapturedAt);
        return new PullOutcome(PullStatus.Pulled, "pulled")
        {
            PageId = capture.PageId,
            PageName = capture.PageName,
            At = now,
            Capture = capture,
            Parts = parts.Count,
            DroppedMetrics = dropped,
        };
    }

    /// <summary>What to ask Meta: the regular cycle, or the range of a backfill request; null when the range holds nothing yet.</summary>
    internal PullPlan? Plan(PullRequest request, PageStateEntity? stored, string? fingerprint, DateTimeOffset now)
    {
        var rejected = stored?.RejectedMetricList ?? [];
        var lastComplete = MetaCalendar.LastCompleteDay(now);
        switch (request.Kind)
        {
            case PullKind.Insights:
            {
                var from = request.Since ?? RegularInsightsFrom(stored, lastComplete);
                var to = request.Until is { } until && until < lastComplete ? until : lastComplete;
                return from > to ? null : new PullPlan
                {
                    PageFields = false,
                    Posts = false,
                    Insights = (from, to),
                    RejectedMetrics = rejected,
                    Backfill = request.Since is not null,
                };
            }

            case PullKind.Posts when request.Since is { } since:
                return new PullPlan
                {
                    PostsSince = calendar.StartOf(since),
                    PostsUntil = calendar.EndOf(request.Until ?? calendar.DateOf(now)),
                    RejectedMetrics = rejected,
                    Backfill = true,
                };

            default:
                return new PullPlan
                {
                    Insights = (RegularInsightsFrom(stored, lastComplete), lastComplete),
                    CommentsSince = CommentsSince(stored, now),
                    RejectedMetrics = rejected,
                    CheckToken = stored is null
                        || stored.TokenFingerprint != fingerprint
                        || stored.TokenCheckedAt is null
                        || now - stored.TokenCheckedAt >= TokenCheckInterval,
                };
        }
    }

    /// <summary>The comments a regular pull reads: since the last successful pull (less <see cref="CommentOverlap"/>), within the look-back window.</summary>
    private DateTimeOffset CommentsSince(PageStateEntity? stored, DateTimeOffset now)
    {
        var earliest = now.AddDays(-_facebook.PostLookbackDays);
        var since = stored?.LastSuccessfulPull is { } last ? last - CommentOverlap : now - FirstCommentWindow;
        return since < earliest ? earliest : since;
    }

    /// <summary>Meta's days the regular cycle reads: the last <c>InsightsLookbackDays</c>, or from the day after the last one read when a gap opened (at most 90 days).</summary>
    private DateOnly RegularInsightsFrom(PageStateEntity? stored, DateOnly lastComplete)
    {
        var from = lastComplete.AddDays(1 - _facebook.InsightsLookbackDays);
        if (stored?.InsightsThrough is { } text
            && DayKey.TryParse(text, out var through)
            && through.AddDays(1) < from)
        {
            from = through.AddDays(1);
        }

        var earliest = lastComplete.AddDays(1 - MetaCalendar.MaxWindowDays);
        return from < earliest ? earliest : from;
    }

    /// <summary>What the pull learned, for the Page's state; the pause when usage is high or Meta named a time to regain access.</summary>
    private PullRecord Record(PageCapture capture, PageStateEntity? stored, string? fingerprint, PullPlan plan, DateTimeOffset now)
    {
        DateTimeOffset? resumeAfter = null;
        string? resumeReason = null;
        if (capture.Usage.RegainAccessIn is { } regain)
        {
            resumeAfter = now + regain;
            resumeReason = $"Meta reports {regain.TotalMinutes:0} minutes until access is regained";
        }
        else if (capture.Usage.MaxPercent >= _facebook.SlowDownAtUsagePercent)
        {
            resumeAfter = now + TimeSpan.FromMinutes(_facebook.SlowDownMinutes);
            resumeReason = $"slowing down: {capture.Usage.Header} at {capture.Usage.MaxPercent} %";
            LogSlowingDown(logger, capture.PageId, capture.Usage.Header ?? "", capture.Usage.MaxPercent, resumeAfter.Value);
        }

        return new PullRecord
        {
            PageName = capture.PageName,
            CapturedAt = capture.CapturedAt,
            At = now,
            CountsAsSuccessfulPull = !capture.Backfill,
            TokenFingerprint = fingerprint,
            Token = capture.Token is { } token ? new PulledToken(token.ExpiresAt, token.DataAccessExpiresAt, token.Scopes) : null,
            RejectedMetrics = capture.RejectedMetrics,
            InsightsThrough = plan.Backfill ? null : capture.InsightsThrough,
            Skipped = capture.Skipped.Count > 0 ? GraphPayload.Describe(capture.Skipped) : null,
            ReadPosts = plan.Posts,
            PagingStopped = capture.PagingStopped,
            InstagramNote = InstagramNoteOf(capture, stored),
            InstagramAccountId = capture.Instagram?.AccountId,
            InstagramUnlinked = plan.Instagram && capture.Instagram is null && capture.InstagramNote == NoInstagramLinked && stored?.InstagramAccountId is not null,
            UsagePercent = capture.Usage.MaxPercent,
            UsageHeader = capture.Usage.Header,
            ResumeAfter = resumeAfter,
            ResumeReason = resumeReason,
        };
    }

    private const string NoInstagramLinked = InstagramReader.NotLinked;

    /// <summary>The capture's note about Instagram; an account that was linked before and is gone now is named.</summary>
    private static string? InstagramNoteOf(PageCapture capture, PageStateEntity? stored) =>
        capture.InstagramNote == NoInstagramLinked && stored?.InstagramAccountId is { } before
            ? $"the Instagram account {before} is no longer linked to the Page; its data stops, the Page's Facebook data flows on"
            : capture.InstagramNote;

    /// <summary>15 minutes, doubling with each throttled pull in a row, at most a day, plus up to 20 % jitter.</summary>
    internal static TimeSpan Backoff(int throttledInARow)
    {
        var minutes = FirstBackoff.TotalMinutes * Math.Pow(2, Math.Clamp(throttledInARow, 0, 10));
        var capped = Math.Min(minutes, MaxBackoff.TotalMinutes);
        return TimeSpan.FromMinutes(capped * (1 + (Random.Shared.NextDouble() * 0.2)));
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Pulled page {PageId}: {Posts} posts, {InsightValues} insight values in {Parts} snapshot parts ({HttpRequests} HTTP requests, {GraphCalls} Graph calls), captured {CapturedAt:O}")]
    private static partial void LogPulled(ILogger logger, string pageId, int posts, int insightValues, int parts, int httpRequests, int graphCalls, DateTimeOffset capturedAt);

    [LoggerMessage(Level = LogLevel.Information, Message = "Pulled page {PageId}: {Comments} new comments in {Messages} messages to the queue comments")]
    private static partial void LogPulledComments(ILogger logger, string pageId, int comments, int messages);

    [LoggerMessage(Level = LogLevel.Error, Message = "The token of page {PageId} is {Problem} ({Detail}); its pulls stop until the configured token changes")]
    private static partial void LogTokenInvalid(ILogger logger, string pageId, string problem, string detail);

    [LoggerMessage(Level = LogLevel.Information, Message = "Skipped page {PageId}: its token is {Problem} and has not changed")]
    private static partial void LogSkippedToken(ILogger logger, string pageId, string problem);

    [LoggerMessage(Level = LogLevel.Information, Message = "Skipped page {PageId}: paused until {ResumeAfter:O} ({Reason})")]
    private static partial void LogSkippedPause(ILogger logger, string pageId, DateTimeOffset resumeAfter, string reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Meta throttles page {PageId} ({Problem}); its pulls pause until {ResumeAfter:O}")]
    private static partial void LogThrottled(ILogger logger, string pageId, string problem, DateTimeOffset resumeAfter);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Page {PageId} is at {UsagePercent} % of a rate limit ({Header}); its pulls pause until {ResumeAfter:O}")]
    private static partial void LogSlowingDown(ILogger logger, string pageId, string header, int usagePercent, DateTimeOffset resumeAfter);

    [LoggerMessage(Level = LogLevel.Error, Message = "Pull of page {PageId} failed: {Problem}; the next cycle catches up")]
    private static partial void LogFailed(ILogger logger, string pageId, string problem);
}

public enum PullStatus
{
    /// <summary>Read and sent on.</summary>
    Pulled,

    /// <summary>Skipped: the Page is paused (throttling or high usage).</summary>
    Paused,

    /// <summary>The token is invalid; pulls stop until it changes.</summary>
    TokenInvalid,

    /// <summary>Meta throttled this pull; the Page is paused.</summary>
    Throttled,

    /// <summary>Meta answered with an error (after retries); recorded, the next cycle catches up.</summary>
    Failed,
}

/// <summary>
/// What a pull did, in words an operator can read (nothing secret), and what happened that others act on: the
/// notifications layer raises its alerts from it (an invalid token, a metric Meta dropped).
/// </summary>
public sealed record PullOutcome(PullStatus Status, string Message)
{
    public string PageId { get; init; } = "";

    /// <summary>The Page's name as the pull read it, else as configured (else its id).</summary>
    public string PageName { get; init; } = "";

    /// <summary>When the pull ran.</summary>
    public DateTimeOffset At { get; init; }

    public PageCapture? Capture { get; init; }

    public int Parts { get; init; }

    public DateTimeOffset? ResumeAfter { get; init; }

    /// <summary>What is wrong with the Page token ("expired", ...), when <see cref="Status"/> is <see cref="PullStatus.TokenInvalid"/>.</summary>
    public string? TokenProblem { get; init; }

    /// <summary>
    /// Metrics Meta rejects for the Page, in this pull or an earlier one (the Page's state remembers them; pulls go on
    /// without them). Not only the new ones, so that a retry raises an alert that was lost after the pull was
    /// recorded; the alert log raises each (Page and metric) once.
    /// </summary>
    public IReadOnlyList<DroppedMetric> DroppedMetrics { get; init; } = [];
}

/// <summary>A metric Meta rejected, and the name its series continues under (an alias), if it has one.</summary>
public sealed record DroppedMetric(string Metric, string? Successor);
