using System.Globalization;
using System.Text.RegularExpressions;

namespace Listening.Core.Configuration;

/// <summary>
/// The start-up checks of <c>Listening:Teams</c> and <c>Listening:Alerts</c>, called by
/// <see cref="ListeningOptionsValidator"/>. Webhook URLs are secrets: a message names the key, never the value.
/// </summary>
internal static partial class TeamsOptionsCheck
{
    /// <summary>Notification kinds a route may name (docs/teams.md, "Channels").</summary>
    public static readonly IReadOnlySet<string> Kinds = new HashSet<string>(StringComparer.OrdinalIgnoreCase)
    {
        "digest", "milestone", "takeoff", "negative-surge", "crisis", "token-invalid", "token-lapsing", "metric-rejected", "stalled",
    };

    public static IEnumerable<string> Errors(ListeningOptions options)
    {
        var teams = options.Teams;
        if (!IsFormat(teams.Format))
        {
            yield return $"Listening:Teams:Format '{teams.Format}' must be adaptivecard (Workflows webhooks) or messagecard (old connector URLs).";
        }

        foreach (var (name, channel) in teams.Channels)
        {
            if (!ChannelName().IsMatch(name) || string.Equals(name, "default", StringComparison.OrdinalIgnoreCase))
            {
                yield return $"Listening:Teams:Channels:{name} is not a usable channel name: use 1-40 letters, digits, - or _ (and not \"default\", which is Listening:Teams:WebhookUrl).";
            }

            if (!string.IsNullOrWhiteSpace(channel.WebhookUrl) && !IsHttpsUrl(channel.WebhookUrl))
            {
                yield return $"Listening:Teams:Channels:{name}:WebhookUrl must be the https URL of a Teams Workflows webhook (the value is not shown here because it is a secret).";
            }

            if (!IsFormat(channel.Format))
            {
                yield return $"Listening:Teams:Channels:{name}:Format '{channel.Format}' must be adaptivecard or messagecard.";
            }
        }

        foreach (var (kind, route) in teams.Routes)
        {
            if (!Kinds.Contains(kind))
            {
                yield return $"Listening:Teams:Routes:{kind} names no notification kind: use one of {string.Join(", ", Kinds.Order(StringComparer.Ordinal))}.";
            }

            var names = SplitRoute(route);
            if (names.Count == 0)
            {
                yield return $"Listening:Teams:Routes:{kind} is empty: name one or more channels, comma-separated (default is Listening:Teams:WebhookUrl).";
            }

            foreach (var name in names.Where(n => !string.Equals(n, "default", StringComparison.OrdinalIgnoreCase) && !teams.Channels.ContainsKey(n)))
            {
                yield return $"Listening:Teams:Routes:{kind} names channel '{name}', which is not configured: add Listening:Teams:Channels:{name}:WebhookUrl or use default.";
            }
        }

        var alerts = options.Alerts;
        if (!string.IsNullOrWhiteSpace(alerts.Milestones.Thresholds))
        {
            var parts = alerts.Milestones.Thresholds.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
            if (parts.Length == 0 || parts.Any(p => !long.TryParse(p.Replace(".", "", StringComparison.Ordinal), NumberStyles.None, CultureInfo.InvariantCulture, out var v) || v <= 0))
            {
                yield return "Listening:Alerts:Milestones:Thresholds must be positive whole numbers, comma-separated (e.g. 1000,2500,5000), or empty for the default steps.";
            }
        }

        if (alerts.Crisis.Enabled && alerts.Crisis.EffectiveKeywords().Count == 0)
        {
            yield return "Listening:Alerts:Crisis:Keywords is empty: list words comma-separated (default " + CrisisOptions.DefaultKeywords + ") or set Listening:Alerts:Crisis:Enabled to false.";
        }

        foreach (var (key, ok) in new[]
        {
            ("Teams:MaxAttempts must be from 1 to 20 (default 6)", teams.MaxAttempts is >= 1 and <= 20),
            ("Teams:RetryBaseSeconds must be from 1 to 600 (default 30)", teams.RetryBaseSeconds is >= 1 and <= 600),
            ("Teams:TimeoutSeconds must be from 1 to 120 (default 30)", teams.TimeoutSeconds is >= 1 and <= 120),
            ("Alerts:TakeOff:Factor must be from 1 to 100 (default 3)", alerts.TakeOff.Factor is >= 1 and <= 100),
            ("Alerts:TakeOff:WindowHours must be from 1 to 72 (default 6)", alerts.TakeOff.WindowHours is >= 1 and <= 72),
            ("Alerts:TakeOff:MinReactions must be from 1 to 1000000 (default 30)", alerts.TakeOff.MinReactions is >= 1 and <= 1_000_000),
            ("Alerts:TakeOff:BaselineDays must be from 7 to 90 (default 30)", alerts.TakeOff.BaselineDays is >= 7 and <= 90),
            ("Alerts:NegativeSurge:ZScore must be from 1 to 10 (default 3)", alerts.NegativeSurge.ZScore is >= 1 and <= 10),
            ("Alerts:NegativeSurge:MinReactions must be from 1 to 1000000 (default 40)", alerts.NegativeSurge.MinReactions is >= 1 and <= 1_000_000),
            ("Alerts:NegativeSurge:BaselineDays must be from 3 to 30 (default 7)", alerts.NegativeSurge.BaselineDays is >= 3 and <= 30),
            ("Alerts:Crisis:DurationHours must be from 1 to 336 (default 24)", alerts.Crisis.DurationHours is >= 1 and <= 336),
            ("Alerts:Crisis:ThresholdFactor must be from 0.1 to 1 (default 0.5)", alerts.Crisis.ThresholdFactor is >= 0.1 and <= 1),
            ("Alerts:Token:WarnDays must be from 1 to 60 (default 14)", alerts.Token.WarnDays is >= 1 and <= 60),
            ("Alerts:Stalled:Hours must be from 1 to 72 (default 2)", alerts.Stalled.Hours is >= 1 and <= 72),
            ("Alerts:MaxSnapshotAgeHours must be from 1 to 168 (default 6)", alerts.MaxSnapshotAgeHours is >= 1 and <= 168),
        })
        {
            if (!ok)
            {
                yield return "Listening:" + key + ".";
            }
        }
    }

    public static IReadOnlyList<string> SplitRoute(string? route) =>
        [.. (route ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Distinct(StringComparer.OrdinalIgnoreCase)];

    private static bool IsFormat(string? format) =>
        string.Equals(format, TeamsFormats.AdaptiveCard, StringComparison.OrdinalIgnoreCase)
        || string.Equals(format, TeamsFormats.MessageCard, StringComparison.OrdinalIgnoreCase);

    private static bool IsHttpsUrl(string value) =>
        Uri.TryCreate(value, UriKind.Absolute, out var uri)
        && (uri.Scheme == Uri.UriSchemeHttps || (uri.Scheme == Uri.UriSchemeHttp && uri.IsLoopback));

    [GeneratedRegex("^[A-Za-z0-9_-]{1,40}$")]
    private static partial Regex ChannelName();
}
