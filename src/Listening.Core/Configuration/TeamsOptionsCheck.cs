using System.Globalization;
using System.Text.RegularExpressions;

namespace Listening.Core.Configuration;

/// <summary>
/// The start-up checks of <c>Listening:Teams</c> and <c>Listening:Alerts</c>, called by
/// <see cref="ListeningOptionsValidator"/>. Webhook URLs are secrets: a message names the key, never the value.
/// </summary>
internal static partial class TeamsOptionsCheck
{
    /// <summary>
    /// Notification kinds a route may name (docs/teams.md, "Channels"), and <c>outside-office-hours</c>: where comment
    /// alerts raised outside <c>Listening:OfficeHours</c> go instead of their kind's route (e.g. a <c>bereitschaft</c> channel).
    /// </summary>
    public static readonly IReadOnlySet<string> Kinds = new HashSet<string>(StringComparer.OrdinalIgnoreCase)
    {
        "digest", "milestone", "takeoff", "negative-surge", "crisis", "token-invalid", "token-lapsing", "metric-rejected", "stalled",
        "comment-urgent", "comment-abusive", "questions-unanswered", "webhook-lapsed", OutsideOfficeHours,
    };

    /// <summary>The route of comment alerts raised outside office hours.</summary>
    public const string OutsideOfficeHours = "outside-office-hours";

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
