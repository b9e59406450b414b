using Listening.Core.Configuration;
using Listening.Core.Contracts;
using Listening.Core.Storage;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Listening.Core.Notifications.Teams;

namespace Listening.Core.Notifications;

/// <summary>
/// Delivers a notification to each channel its kind is routed to, once: a dedupe record per channel and key is
/// written after a successful post, and a channel whose record exists is skipped, so a redelivered or duplicated
/// message posts nothing twice. A 429 (after its Retry-After), a 5xx, a timeout or a refused connection puts the
/// message back on the queue with a delay and one more attempt; after <c>Listening:Teams:MaxAttempts</c>, or at
/// once for an answer that will never change (400, 401, 403, 404, 413, an invalid payload) or a channel that is not
/// configured, it goes to the poison queue with the reason. See docs/teams.md ("Delivery").
/// </summary>
public sealed partial class NotificationDispatcher(
    TeamsWebhookSender sender,
    TeamsChannels channels,
    IDeliveryLog deliveries,
    INotificationRetries retries,
    IOptions<ListeningOptions> options,
    TimeProvider time,
    ILogger<NotificationDispatcher> logger)
{
    /// <summary>The longest a message waits for its next try (Retry-After beyond this is cut).</summary>
    public static readonly TimeSpan MaxBackoff = TimeSpan.FromHours(1);

    /// <summary>The queue path: deliver, and on a passing failure put the message back for later.</summary>
    public async Task<DeliveryOutcome> DispatchAsync(NotificationMessage message, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(message);
        var report = await DeliverAsync(message, cancellationToken);

        // No default webhook means no Teams is wanted; a named channel without one is a mistake that retrying
        // cannot mend, and marking the message done would lose it.
        var unconfigured = report.Channels
            .Where(c => c.Outcome == DeliveryOutcome.NoChannel && c.Channel != TeamsChannels.Default)
            .Select(c => $"Teams channel {c.Channel} is not configured (set Listening:Teams:Channels:{c.Channel}:WebhookUrl, then listening poison retry --queue notifications).")
            .ToList();
        if (report.Failures.Count == 0 && unconfigured.Count == 0)
        {
            return report.Outcome;
        }

        var attempt = message.Attempt + 1;
        var reason = string.Join(" ", report.Failures.Select(f => f.Message).Concat(unconfigured));
        var permanent = report.Failures.FirstOrDefault(f => !f.IsTransient);
        if (permanent is not null || unconfigured.Count > 0 || attempt >= options.Value.Teams.MaxAttempts)
        {
            var why = permanent is not null || unconfigured.Count > 0
                ? $"{reason} This will not change by retrying (attempt {attempt})."
                : $"{reason} Gave up after {attempt} attempts.";
            throw new NotificationUndeliverableException(why, MessageCodec.Encode(message with { Attempt = attempt, LastError = why }));
        }

        var delay = Backoff(attempt, options.Value.Teams.RetryBaseSeconds, report.Failures.Max(f => f.RetryAfter));
        await retries.SendLaterAsync(message with { Attempt = attempt, LastError = reason }, delay, cancellationToken);
        LogRetrying(logger, message.Kind, message.Key, attempt, delay.TotalSeconds, reason);
        return DeliveryOutcome.Retrying;
    }

    /// <summary>The longest Retry-After the CLI waits for once before it gives up (README, "CLI").</summary>
    public static readonly TimeSpan MaxWaitNow = TimeSpan.FromSeconds(60);

    /// <summary>
    /// The CLI path (<c>listening notify</c>), where no queue retries: one try, and when every channel that failed
    /// asked to wait with a Retry-After of at most <see cref="MaxWaitNow"/>, one wait and one more try of those
    /// channels. Anything else (no Retry-After, a longer one, a timeout that may have arrived) is reported at once.
    /// </summary>
    public async Task<DeliveryReport> DeliverNowAsync(NotificationMessage message, CancellationToken cancellationToken)
    {
        var first = await DeliverAsync(message, cancellationToken);
        if (first.Failures.Count == 0 || first.Failures.Any(f => f.RetryAfter is null || f.RetryAfter > MaxWaitNow))
        {
            return first;
        }

        var wait = first.Failures.Max(f => f.RetryAfter!.Value);
        LogWaiting(logger, message.Kind, message.Key, wait.TotalSeconds);
        await Task.Delay(wait, time, cancellationToken);
        var second = await DeliverAsync(message, cancellationToken);

        // A channel that took it on the first try shows as already sent now: keep what happened first.
        var channels = first.Channels
            .Select(c => c.Outcome != DeliveryOutcome.Failed ? c : second.Channels.Where(s => s.Channel == c.Channel).DefaultIfEmpty(c).First())
            .ToList();
        return new DeliveryReport(channels, second.Failures);
    }

    /// <summary>One try for every routed channel that has not had this notification yet; failures are reported, not thrown.</summary>
    public async Task<DeliveryReport> DeliverAsync(NotificationMessage message, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(message);
        var route = channels.RouteFor(message.Kind, message.Channel, message.Route);
        var results = new List<(string Channel, DeliveryOutcome Outcome)>();
        var failures = new List<TeamsDeliveryException>();
        foreach (var name in route)
        {
            var channel = channels.Find(name);
            if (channel is null)
            {
                if (name == TeamsChannels.Default)
                {
                    // No default webhook is a choice (no Teams wanted), not a fault.
                    LogNoDefaultChannel(logger, message.Kind);
                }

                // Another channel without a webhook is reported by the caller: parked with the reason by the queue
                // path (one log line), printed by `listening notify`.

                results.Add((name, DeliveryOutcome.NoChannel));
                continue;
            }

            // Claimed before the post, so that two copies of the message handled at once post it once.
            var claimedAt = time.GetUtcNow();
            var lease = ClaimLease(options.Value.Teams);
            var claim = await deliveries.TryClaimAsync(channel.Name, message.Key, message.Kind, claimedAt, lease, cancellationToken);
            if (claim == DeliveryClaim.AlreadySent)
            {
                LogDuplicate(logger, message.Kind, message.Key, channel.Name);
                results.Add((channel.Name, DeliveryOutcome.AlreadySent));
                continue;
            }

            if (claim == DeliveryClaim.InProgress)
            {
                // Another copy is posting it now: look again once its claim has run out (sent by then, or taken over).
                LogInProgress(logger, message.Kind, message.Key, channel.Name);
                failures.Add(new TeamsDeliveryException(0, lease, $"Another delivery of this notification to Teams channel {channel.Name} was still running.", transient: true));
                results.Add((channel.Name, DeliveryOutcome.Failed));
                continue;
            }

            try
            {
                var payload = channel.LegacyMessageCard ? MessageCardPayload.FromWorkflows(message.Payload) : message.Payload;
                await sender.SendAsync(channel.Name, channel.Webhook, payload, cancellationToken);
            }
            catch (TeamsDeliveryException ex)
            {
                LogFailed(logger, message.Kind, message.Key, channel.Name, ex.Status, ex.IsTransient);
                failures.Add(ex);
                results.Add((channel.Name, DeliveryOutcome.Failed));

                // The post is over (refused, or given up after the timeout, when it may still have arrived, as
                // before claims): the next try may claim at once. Only a crashed delivery leaves its claim to run out.
                await deliveries.ReleaseAsync(channel.Name, message.Key, claimedAt, cancellationToken);

                continue;
            }

            // A crash between the post and this record leaves the claim to run out: Teams may then show the card
            // twice, the price of a webhook that has no idempotency key.
            await deliveries.RecordSentAsync(channel.Name, message.Key, message.Kind, time.GetUtcNow(), message.Attempt + 1, cancellationToken);
            LogSent(logger, message.Kind, message.Key, channel.Name, message.Attempt + 1);
            results.Add((channel.Name, DeliveryOutcome.Sent));
        }

        return new DeliveryReport(results, failures);
    }

    /// <summary>Whether a notification with this key went to the channel.</summary>
    public Task<bool> WasSentAsync(string channel, string key, CancellationToken cancellationToken) =>
        deliveries.WasSentAsync(channel, key, cancellationToken);

    /// <summary>How long a claim keeps other deliveries of the notification off: one post's timeout and a minute of margin.</summary>
    internal static TimeSpan ClaimLease(TeamsOptions teams) => TimeSpan.FromSeconds(teams.TimeoutSeconds + 60);

    /// <summary>Exponential (30 s, 1 min, 2 min, … by default) with ±20 % jitter, never shorter than Retry-After, at most an hour.</summary>
    internal static TimeSpan Backoff(int attempt, double baseSeconds, TimeSpan? retryAfter)
    {
        var exponential = TimeSpan.FromSeconds(baseSeconds * Math.Pow(2, Math.Clamp(attempt - 1, 0, 16)));
        var jittered = exponential * (0.8 + (Random.Shared.NextDouble() * 0.4));
        var wait = retryAfter is { } after && after > jittered ? after : jittered;
        return wait > MaxBackoff ? MaxBackoff : wait;
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Sent {Kind} notification {Key} to channel {Channel} (attempt {Attempt})")]
    private static partial void LogSent(ILogger logger, string kind, string key, string channel, int attempt);

    [LoggerMessage(Level = LogLevel.Information, Message = "Notification {Kind} {Key} was already sent to channel {Channel}; dropped the duplicate")]
    private static partial void LogDuplicate(ILogger logger, string kind, string key, string channel);

    [LoggerMessage(Level = LogLevel.Information, Message = "Notification {Kind} {Key} is being posted to channel {Channel} by another delivery; this copy looks again later")]
    private static partial void LogInProgress(ILogger logger, string kind, string key, string channel);

    [LoggerMessage(Level = LogLevel.Information, Message = "No Teams webhook is configured (Listening:Teams:WebhookUrl); the {Kind} notification was not sent")]
    private static partial void LogNoDefaultChannel(ILogger logger, string kind);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Teams channel {Channel} did not take {Kind} notification {Key} (HTTP {Status}, transient: {Transient})")]
    private static partial void LogFailed(ILogger logger, string kind, string key, string channel, int status, bool transient);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Teams asked to wait {Seconds:0} s before notification {Kind} {Key} is sent again; waiting once")]
    private static partial void LogWaiting(ILogger logger, string kind, string key, double seconds);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Notification {Kind} {Key} goes back on the queue for attempt {Attempt} in {DelaySeconds:0} s: {Reason}")]
    private static partial void LogRetrying(ILogger logger, string kind, string key, int attempt, double delaySeconds, string reason);
}

public enum DeliveryOutcome
{
    Sent,
    AlreadySent,
    NoChannel,
    Failed,
    Retrying,
}

/// <summary>What one delivery did per channel.</summary>
public sealed record DeliveryReport(IReadOnlyList<(string Channel, DeliveryOutcome Outcome)> Channels, IReadOnlyList<TeamsDeliveryException> Failures)
{
    /// <summary>Sent when any channel got it now; else AlreadySent when any had it; else NoChannel.</summary>
    public DeliveryOutcome Outcome =>
        Failures.Count > 0 ? DeliveryOutcome.Failed
        : Channels.Any(c => c.Outcome == DeliveryOutcome.Sent) ? DeliveryOutcome.Sent
        : Channels.Any(c => c.Outcome == DeliveryOutcome.AlreadySent) ? DeliveryOutcome.AlreadySent
        : DeliveryOutcome.NoChannel;
}

/// <summary>A notification that will not be delivered: it goes to the poison queue with <see cref="Exception.Message"/> as the reason.</summary>
public sealed class NotificationUndeliverableException : Exception
{
    public NotificationUndeliverableException(string reason, string parkedBody)
        : base(reason)
    {
        ParkedBody = parkedBody;
    }

    public NotificationUndeliverableException()
    {
    }

    public NotificationUndeliverableException(string message)
        : base(message)
    {
    }

    public NotificationUndeliverableException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    /// <summary>The message as it goes to the poison queue: with its attempt count and the reason in <c>lastError</c>.</summary>
    public string? ParkedBody { get; }
}
