using System.Globalization;
using Listening.Core.Configuration;
using Listening.Core.Contracts;
using Listening.Core.Ingestion;
using Listening.Core.Storage;
using Microsoft.Extensions.Options;

namespace Listening.Core.Pipeline.Health;

/// <summary>
/// What /api/health shows: per Page the last pull and token state, queue depths, warnings. Nothing secret, and
/// never Meta's own text: failures are our sentences with Meta's code (README, "Graph API": the table of health states). 503 only when the
/// pipeline is broken now: no Page pulled successfully for longer than <c>Alerts:Stalled:Hours</c> (counted for a
/// Page never pulled from the first time health saw it: the first-start grace period), or every Page's token is
/// invalid (never for the embedded demo Page, which only `listening demo` and `listening sync` pull). Everything else (a Page not pulled yet, one Page stalled or without a valid token, parked messages,
/// a paused Page) is a warning with 200.
/// </summary>
public sealed class HealthReporter(
    PageDirectory pages,
    PageStateStore state,
    QueuePublisher queues,
    ICommentStore comments,
    IOptions<ListeningOptions> options,
    SecretMasker masker,
    TimeProvider time)
{
    public async Task<HealthReport> ReportAsync(CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        var stalledAfter = TimeSpan.FromHours(options.Value.Alerts.Stalled.Hours);
        var states = (await state.AllAsync(cancellationToken)).ToDictionary(s => s.RowKey, StringComparer.Ordinal);
        var watched = await pages.AllAsync(cancellationToken);
        var demo = await pages.IsDemoAsync(cancellationToken);
        foreach (var page in watched)
        {
            if (!states.TryGetValue(page.Id, out var known) || known is { LastSuccessfulPull: null, FirstPullExpectedAt: null })
            {
                // A Page never pulled: its first pull is expected from now on (written once, so the grace period ends).
                states[page.Id] = await state.UpdateAsync(page.Id, s =>
                {
                    if (s.LastSuccessfulPull is not null || s.FirstPullExpectedAt is not null)
                    {
                        return false;
                    }

                    s.PageName = string.IsNullOrEmpty(s.PageName) ? page.Name ?? page.Id : s.PageName;
                    s.FirstPullExpectedAt = now;
                    return true;
                }, cancellationToken);
            }
        }

        var webhooks = new Dictionary<string, WebhookStateEntity>(StringComparer.Ordinal);
        foreach (var page in watched)
        {
            if (await comments.WebhookStateAsync(page.Id, cancellationToken) is { } webhook)
            {
                webhooks[page.Id] = webhook;
            }
        }

        var warnings = new List<string>();
        var pageReports = watched.Select(p =>
        {
            webhooks.TryGetValue(p.Id, out var hook);
            states.TryGetValue(p.Id, out var s);
            var last = s?.LastSuccessfulPull;
            var expected = last is null ? s?.FirstPullExpectedAt ?? now : (DateTimeOffset?)null;
            var name = masker.Mask(string.IsNullOrEmpty(s?.PageName) ? p.Name ?? p.Id : s.PageName);
            var report = new PageHealth(p.Id, name, last,
                string.IsNullOrEmpty(s?.TokenState) ? (demo ? "demo" : "unknown") : s!.TokenState,
                now - (last ?? expected!.Value) > stalledAfter)
            {
                FirstPullExpectedAt = expected,
                TokenProblem = Masked(s?.TokenProblem),
                TokenExpiresAt = s?.TokenExpiresAt,
                DataAccessExpiresAt = s?.DataAccessExpiresAt,
                TokenCheckedAt = s?.TokenCheckedAt,
                RejectedMetrics = s?.RejectedMetricList ?? [],
                PausedUntil = s?.ResumeAfter is { } resume && resume > now ? resume : null,
                PauseReason = s?.ResumeAfter is { } r && r > now ? Masked(s.ResumeReason) : null,
                UsagePercent = s?.UsagePercent ?? 0,
                LastFailureAt = s?.LastFailureAt,
                LastFailure = Masked(s?.LastFailure),
                PagingStopped = s?.PagingStopped,
                Instagram = p.InstagramEnabled ? Masked(s?.Instagram) : "off",
                InstagramUnlinked = p.InstagramEnabled && s?.InstagramUnlinked == true,
                Webhook = hook is null ? null : new WebhookHealth(hook.Subscribed, hook.CheckedAt, hook.LastEventAt),
            };
            warnings.AddRange(Warnings(report, stalledAfter));
            return report;
        }).ToList();

        var names = options.Value.Queues;
        var queueReports = new List<QueueHealth>();
        foreach (var name in new[] { names.Pulls, names.Snapshots, names.Notifications })
        {
            var queue = await queues.QueueAsync(name, cancellationToken);
            var poison = await queues.QueueAsync(name + "-poison", cancellationToken);
            var depth = (await queue.GetPropertiesAsync(cancellationToken)).Value.ApproximateMessagesCount;
            var poisonDepth = (await poison.GetPropertiesAsync(cancellationToken)).Value.ApproximateMessagesCount;
            queueReports.Add(new QueueHealth(name, depth, poisonDepth));
            if (poisonDepth > 0)
            {
                warnings.Add(string.Create(CultureInfo.InvariantCulture,
                    $"{poisonDepth} message(s) parked in {name}-poison: see listening poison list"));
            }
        }

        // The embedded demo Page is pulled by `listening demo`, `listening sync` (or a local host's timer), never by Meta: a demo whose data
        // is older than the stall limit (served a day later by `listening serve`) is a warning that says how to refresh
        // it, not a broken pipeline. Its token can never be invalid.
        var broken = !demo && pageReports.Count > 0
            && (pageReports.All(p => p.Stalled) || pageReports.All(p => p.TokenState == "invalid"));
        if (demo && pageReports.Any(p => p.Stalled))
        {
            warnings.Add("the demo's data is older than the stall limit: `listening sync` pulls the demo Page now (no Facebook token is configured, so nothing else pulls it)");
        }

        var status = broken ? HealthReport.Unhealthy
            : warnings.Count == 0 ? HealthReport.Healthy
            : pageReports.Any(p => p.LastSuccessfulPull is null && !p.Stalled) ? HealthReport.Starting
            : HealthReport.Degraded;
        return new HealthReport(status, demo, now, pageReports, queueReports) { Warnings = warnings };
    }

    private string? Masked(string? text) => text is null ? null : masker.Mask(text);

    private static IEnumerable<string> Warnings(PageHealth page, TimeSpan stalledAfter)
    {
        var who = $"Page {page.PageId} ({page.Name})";
        if (page.InstagramUnlinked)
        {
            yield return $"{who}: {page.Instagram}";
        }

        if (page.LastSuccessfulPull is null && !page.Stalled)
        {
            yield return string.Create(CultureInfo.InvariantCulture,
                $"{who} has not been pulled yet; expected since {IsoDate.Minute(page.FirstPullExpectedAt)} UTC (first-start grace period: {stalledAfter.TotalHours:0} hours)");
        }
        else if (page.Stalled)
        {
            yield return page.LastSuccessfulPull is { } last
                ? string.Create(CultureInfo.InvariantCulture, $"{who} has not been pulled successfully since {IsoDate.Minute(last)} UTC")
                : string.Create(CultureInfo.InvariantCulture, $"{who} has never been pulled successfully (expected since {IsoDate.Minute(page.FirstPullExpectedAt)} UTC)");
        }

        if (page.Webhook is { Subscribed: false })
        {
            yield return $"{who} no longer sends its feed to this app's webhook: comments come by the pull only (listening webhook subscribe)";
        }

        if (page.TokenState == "invalid")
        {
            yield return $"the token of {who} is {page.TokenProblem ?? "invalid"}: its pulls stop until the configured token changes";
        }

        if (page.PausedUntil is { } until)
        {
            yield return string.Create(CultureInfo.InvariantCulture, $"pulls of {who} pause until {IsoDate.Minute(until)} UTC: {page.PauseReason}");
        }

        if (page.LastFailureAt is { } failedAt && (page.LastSuccessfulPull is null || failedAt > page.LastSuccessfulPull))
        {
            yield return string.Create(CultureInfo.InvariantCulture, $"the last pull of {who} failed at {IsoDate.Minute(failedAt)} UTC: {page.LastFailure}");
        }
    }
}

public sealed record HealthReport(string Status, bool Demo, DateTimeOffset CheckedAt, IReadOnlyList<PageHealth> Pages, IReadOnlyList<QueueHealth> Queues)
{
    /// <summary>Everything pulled in time, nothing parked: 200.</summary>
    public const string Healthy = "healthy";

    /// <summary>A Page was not pulled yet and its first-start grace period runs (maybe with other warnings): 200.</summary>
    public const string Starting = "starting";

    /// <summary>Warnings (parked messages, one Page stalled, paused or without a valid token): 200.</summary>
    public const string Degraded = "degraded";

    /// <summary>The pipeline is broken now (no Page pulled in time, or every Page's token invalid): 503.</summary>
    public const string Unhealthy = "unhealthy";

    /// <summary>What needs a look, in our own sentences (never Meta's text).</summary>
    public IReadOnlyList<string> Warnings { get; init; } = [];
}

public sealed record PageHealth(string PageId, string Name, DateTimeOffset? LastSuccessfulPull, string TokenState, bool Stalled)
{
    /// <summary>For a Page never pulled: since when its first pull is expected (the grace period runs from then).</summary>
    public DateTimeOffset? FirstPullExpectedAt { get; init; }

    /// <summary>Why the token is invalid ("expired", ...), when it is.</summary>
    public string? TokenProblem { get; init; }

    /// <summary>From <c>debug_token</c> (asked once a day): null when the token never expires.</summary>
    public DateTimeOffset? TokenExpiresAt { get; init; }

    /// <summary>When the token's data access lapses unless the granting user is active again.</summary>
    public DateTimeOffset? DataAccessExpiresAt { get; init; }

    public DateTimeOffset? TokenCheckedAt { get; init; }

    /// <summary>Metrics Meta rejected for this Page; they are no longer asked for.</summary>
    public IReadOnlyList<string> RejectedMetrics { get; init; } = [];

    /// <summary>Pulls of the Page pause until then (throttled, or slowing down before Meta throttles).</summary>
    public DateTimeOffset? PausedUntil { get; init; }

    public string? PauseReason { get; init; }

    /// <summary>The highest rate-limit usage Meta reported at the last pull, in percent.</summary>
    public int UsagePercent { get; init; }

    public DateTimeOffset? LastFailureAt { get; init; }

    /// <summary>The last failure in our words with Meta's code and subcode (never Meta's text, never secret).</summary>
    public string? LastFailure { get; init; }

    /// <summary>Why the last pull stopped paging the posts early (repeated link, page limit); null when it read them all.</summary>
    public string? PagingStopped { get; init; }

    /// <summary>The linked Instagram account as the last pull found it ("linked: @name (id)", "no Instagram account is linked to the Page", ...; "off").</summary>
    public string? Instagram { get; init; }

    /// <summary>An Instagram account that was linked to the Page is no longer (its Facebook data flows on).</summary>
    public bool InstagramUnlinked { get; init; }

    /// <summary>The comments webhook: the daily subscription check and the last event; absent before either happened.</summary>
    [System.Text.Json.Serialization.JsonIgnore(Condition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull)]
    public WebhookHealth? Webhook { get; init; }
}

/// <summary>Whether the Page's feed reaches the app (null: not checked yet), when that was checked, and when the last webhook event came.</summary>
public sealed record WebhookHealth(bool? Subscribed, DateTimeOffset? CheckedAt, DateTimeOffset? LastEventAt);

public sealed record QueueHealth(string Name, int Messages, int Poison);

[System.Text.Json.Serialization.JsonSourceGenerationOptions(System.Text.Json.JsonSerializerDefaults.Web, WriteIndented = true)]
[System.Text.Json.Serialization.JsonSerializable(typeof(HealthReport))]
public sealed partial class HealthJsonContext : System.Text.Json.Serialization.JsonSerializerContext;
