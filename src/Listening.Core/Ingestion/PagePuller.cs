using System.Globalization;
using Listening.Core.Configuration;
using Listening.Core.Meta;
using Listening.Core.Notifications.Alerts;
using Listening.Core.Contracts;
using Listening.Core.Storage;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Listening.Core.Ingestion;

/// <summary>
/// Handles one pull request: decide what to ask (from the Page's state), capture the Page, send the snapshot
/// parts on, record what was learned. A Page's trouble stays with that Page and never fails the message:
/// <list type="bullet">
/// <item>token invalid (code 190, or <c>debug_token</c> says so): the Page is marked, its pulls stop until the
/// configured token changes, Teams is told once a day;</item>
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
    PageStateStore state,
    IngestionAlerts alerts,
    AlertLog alertLog,
    LocalCalendar calendar,
    IOptions<ListeningOptions> options,
    TimeProvider time,
    ILogger<PagePuller> logger)
{
    /// <summary>First pause after throttling without a time from Meta; it doubles with each throttled pull in a row.</summary>
    public static readonly TimeSpan FirstBackoff = GraphUsage.DefaultWait;

    public static readonly TimeSpan MaxBackoff = TimeSpan.FromHours(24);

    /// <summary><c>debug_token</c> is asked this often per Page (in the regular batch, no extra request).</summary>
    public static readonly TimeSpan TokenCheckInterval = TimeSpan.FromHours(24);

    private readonly FacebookOptions _facebook = options.Value.Facebook;

    public async Task<PullOutcome> PullAsync(PullRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        var page = pages.Find(request.PageId)
            ?? throw new InvalidMessageException($"page {request.PageId} is not configured");
        var now = time.GetUtcNow();
        var demo = options.Value.IsDemo;
        var stored = demo ? null : await state.GetAsync(page.Id, cancellationToken);
        var fingerprint = demo ? null : TokenStatus.Fingerprint(page.AccessToken ?? "");

        if (stored is { TokenState: "invalid" } && stored.TokenFingerprint == fingerprint)
        {
            LogSkippedToken(logger, page.Id, stored.TokenProblem ?? "invalid");
            await AlertTokenOnceADayAsync(page, stored.TokenProblem ?? "invalid", now, cancellationToken);
            return new PullOutcome(PullStatus.TokenInvalid, $"the Page token is {stored.TokenProblem ?? "invalid"}; pulls resume when the configured token changes");
        }

        if (stored?.ResumeAfter is { } resume && resume > now)
        {
            LogSkippedPause(logger, page.Id, resume, stored.ResumeReason ?? "");
            return new PullOutcome(PullStatus.Paused, $"paused until {resume:yyyy-MM-dd HH:mm} UTC: {stored.ResumeReason}") { ResumeAfter = resume };
        }

        var plan = Plan(request, stored, fingerprint, now);
        if (plan is null)
        {
            return new PullOutcome(PullStatus.Pulled, "nothing to read in that range yet");
        }

        PageCapture capture;
        try
        {
            capture = await source.CaptureAsync(page, plan, cancellationToken);
        }
        catch (GraphApiException ex) when (ex.IsTokenError)
        {
            var problem = TokenStatus.ProblemOf(ex.Subcode);
            LogTokenInvalid(logger, page.Id, problem, ex.Describe());
            await state.UpdateAsync(page.Id, s =>
            {
                s.PageName = string.IsNullOrEmpty(s.PageName) ? page.Name ?? page.Id : s.PageName;
                s.TokenState = "invalid";
                s.TokenProblem = problem;
                s.TokenFingerprint = fingerprint;
                s.LastFailureAt = now;
                s.LastFailure = ex.Summary();
                return true;
            }, cancellationToken);
            await AlertTokenOnceADayAsync(page, problem, now, cancellationToken);
            return new PullOutcome(PullStatus.TokenInvalid, $"the Page token is {problem}: {ex.Message}");
        }
        catch (GraphApiException ex) when (ex.IsThrottling)
        {
            var updated = await state.UpdateAsync(page.Id, s =>
            {
                var wait = ex.Usage?.RegainAccessIn ?? ex.RetryAfter ?? Backoff(s.ThrottledInARow);
                s.ThrottledInARow++;
                s.ResumeAfter = now + wait;
                s.ResumeReason = ex.Summary();
                s.UsagePercent = ex.Usage?.MaxPercent ?? s.UsagePercent;
                s.UsageHeader = ex.Usage?.Header ?? s.UsageHeader;
                s.LastFailureAt = now;
                s.LastFailure = ex.Summary();
                return true;
            }, cancellationToken);
            LogThrottled(logger, page.Id, ex.Describe(), updated.ResumeAfter!.Value);
            return new PullOutcome(PullStatus.Throttled, $"Meta throttles the Page ({ex.Describe()}); paused until {updated.ResumeAfter:yyyy-MM-dd HH:mm} UTC")
            {
                ResumeAfter = updated.ResumeAfter,
            };
        }
        catch (Exception ex) when (ex is not ObjectDisposedException
            && ex is InvalidOperationException or FormatException or KeyNotFoundException or ArgumentException or OverflowException or System.Text.Json.JsonException)
        {
            // A shape of Meta's answer the parser did not foresee: the same answer would fail every retry, so the
            // message completes, and the next cycle tries again.
            const string problem = "Meta's answer had a shape Listening cannot read; the next cycle tries again";
            LogFailed(logger, page.Id, problem + " (" + ex.GetType().Name + ")");
            await state.UpdateAsync(page.Id, s =>
            {
                s.PageName = string.IsNullOrEmpty(s.PageName) ? page.Name ?? page.Id : s.PageName;
                s.LastFailureAt = now;
                s.LastFailure = problem;
                return true;
            }, cancellationToken);
            return new PullOutcome(PullStatus.Failed, problem);
        }
        catch (GraphApiException ex)
        {
            LogFailed(logger, page.Id, ex.Describe());
            await state.UpdateAsync(page.Id, s =>
            {
                s.PageName = string.IsNullOrEmpty(s.PageName) ? page.Name ?? page.Id : s.PageName;
                s.LastFailureAt = now;
                s.LastFailure = ex.Summary();
                return true;
            }, cancellationToken);
            return new PullOutcome(PullStatus.Failed, ex.Describe());
        }

        var parts = SnapshotSplitter.Split(capture);
        foreach (var part in parts)
        {
            await queue.PublishAsync(part, cancellationToken);
        }

        var known = stored?.RejectedMetricList ?? [];
        var newlyRejected = capture.RejectedMetrics.Where(m => !known.Contains(m, StringComparer.Ordinal)).ToList();
        foreach (var metric in newlyRejected)
        {
            await alertLog.RaiseAsync(alerts.MetricRejected(page.Id, capture.PageName, metric, _facebook.EffectiveAliases.GetValueOrDefault(metric), now), cancellationToken);
        }

        await state.UpdateAsync(page.Id, s => Record(s, capture, fingerprint, plan, now), cancellationToken);
        LogPulled(logger, capture.PageId, capture.Posts.Count, capture.Insights.Count, parts.Count, capture.HttpRequests, capture.GraphCalls, capture.CapturedAt);
        return new PullOutcome(PullStatus.Pulled, "pulled") { Capture = capture, Parts = parts.Count };
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
                    RejectedMetrics = rejected,
                    CheckToken = stored is null
                        || stored.TokenFingerprint != fingerprint
                        || stored.TokenCheckedAt is null
                        || now - stored.TokenCheckedAt >= TokenCheckInterval,
                };
        }
    }

    /// <summary>Meta's days the regular cycle reads: the last <c>InsightsLookbackDays</c>, or from the day after the last one read when a gap opened (at most 90 days).</summary>
    private DateOnly RegularInsightsFrom(PageStateEntity? stored, DateOnly lastComplete)
    {
        var from = lastComplete.AddDays(1 - _facebook.InsightsLookbackDays);
        if (stored?.InsightsThrough is { } text
            && DateOnly.TryParseExact(text, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var through)
            && through.AddDays(1) < from)
        {
            from = through.AddDays(1);
        }

        var earliest = lastComplete.AddDays(1 - MetaCalendar.MaxWindowDays);
        return from < earliest ? earliest : from;
    }

    private bool Record(PageStateEntity s, PageCapture capture, string? fingerprint, PullPlan plan, DateTimeOffset now)
    {
        s.PageName = capture.PageName;
        if (!capture.Backfill && (s.LastSuccessfulPull is null || s.LastSuccessfulPull < capture.CapturedAt))
        {
            s.LastSuccessfulPull = capture.CapturedAt.ToUniversalTime();
        }

        if (fingerprint is not null)
        {
            s.TokenState = "valid";
            s.TokenProblem = null;
            s.TokenFingerprint = fingerprint;
            s.TokenAlertedOn = null;
        }

        if (capture.Token is { } token)
        {
            s.TokenCheckedAt = now;
            s.TokenExpiresAt = token.ExpiresAt;
            s.DataAccessExpiresAt = token.DataAccessExpiresAt;
            s.TokenScopes = string.Join(',', token.Scopes);
        }

        var rejected = s.RejectedMetricList.Union(capture.RejectedMetrics, StringComparer.Ordinal).ToList();
        if (rejected.Count != s.RejectedMetricList.Count)
        {
            s.RejectedMetrics = string.Join(',', rejected);
            s.RejectedMetricsAt = now;
        }

        if (!plan.Backfill && capture.InsightsThrough is { } through
            && (s.InsightsThrough is null || string.CompareOrdinal(s.InsightsThrough, through.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture)) < 0))
        {
            s.InsightsThrough = through.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
        }

        if (capture.Skipped.Count > 0)
        {
            s.LastFailureAt = now;
            s.LastFailure = GraphPayload.Describe(capture.Skipped);
        }

        if (plan.Posts)
        {
            s.PagingStopped = capture.PagingStopped;
        }

        s.ThrottledInARow = 0;
        s.UsagePercent = capture.Usage.MaxPercent;
        s.UsageHeader = capture.Usage.Header;
        if (capture.Usage.RegainAccessIn is { } regain)
        {
            s.ResumeAfter = now + regain;
            s.ResumeReason = $"Meta reports {regain.TotalMinutes:0} minutes until access is regained";
        }
        else if (capture.Usage.MaxPercent >= _facebook.SlowDownAtUsagePercent)
        {
            s.ResumeAfter = now + TimeSpan.FromMinutes(_facebook.SlowDownMinutes);
            s.ResumeReason = $"slowing down: {capture.Usage.Header} at {capture.Usage.MaxPercent} %";
            LogSlowingDown(logger, capture.PageId, capture.Usage.Header ?? "", capture.Usage.MaxPercent, s.ResumeAfter.Value);
        }
        else
        {
            s.ResumeAfter = null;
            s.ResumeReason = null;
        }

        return true;
    }

    /// <summary>15 minutes, doubling with each throttled pull in a row, at most a day, plus up to 20 % jitter.</summary>
    internal static TimeSpan Backoff(int throttledInARow)
    {
        var minutes = FirstBackoff.TotalMinutes * Math.Pow(2, Math.Clamp(throttledInARow, 0, 10));
        var capped = Math.Min(minutes, MaxBackoff.TotalMinutes);
        return TimeSpan.FromMinutes(capped * (1 + (Random.Shared.NextDouble() * 0.2)));
    }

    private async Task AlertTokenOnceADayAsync(PageOptions page, string problem, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var today = calendar.DateOf(now).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
        var current = await state.GetAsync(page.Id, cancellationToken);
        if (current?.TokenAlertedOn == today)
        {
            return;
        }

        // Raised before it is marked: at least once; the alert key (Page and day) keeps it to once.
        await alertLog.RaiseAsync(alerts.TokenInvalid(page.Id, current?.PageName is { Length: > 0 } name ? name : page.Name ?? page.Id, problem, now), cancellationToken);
        await state.UpdateAsync(page.Id, s =>
        {
            s.TokenAlertedOn = today;
            return true;
        }, cancellationToken);
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Pulled page {PageId}: {Posts} posts, {InsightValues} insight values in {Parts} snapshot parts ({HttpRequests} HTTP requests, {GraphCalls} Graph calls), captured {CapturedAt:O}")]
    private static partial void LogPulled(ILogger logger, string pageId, int posts, int insightValues, int parts, int httpRequests, int graphCalls, DateTimeOffset capturedAt);

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

/// <summary>What a pull did, in words an operator can read (nothing secret).</summary>
public sealed record PullOutcome(PullStatus Status, string Message)
{
    public PageCapture? Capture { get; init; }

    public int Parts { get; init; }

    public DateTimeOffset? ResumeAfter { get; init; }
}
