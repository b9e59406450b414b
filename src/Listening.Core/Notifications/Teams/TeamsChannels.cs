using Listening.Core.Configuration;
using Microsoft.Extensions.Options;

namespace Listening.Core.Notifications.Teams;

/// <summary>
/// Where a notification goes: <c>Listening:Teams:Routes:{kind}</c> names channels (comma-separated); without a
/// route the message's own channel, normally <c>default</c> (= <c>Listening:Teams:WebhookUrl</c>).
/// </summary>
public sealed class TeamsChannels(IOptions<ListeningOptions> options)
{
    public const string Default = "default";

    /// <summary>
    /// The channel names a notification of this kind goes to, configured or not: the message's own route when it
    /// names one that is configured (<c>outside-office-hours</c>), else the kind's route, else its channel.
    /// </summary>
    public IReadOnlyList<string> RouteFor(string kind, string channel, string? route = null)
    {
        var teams = options.Value.Teams;
        if (route is not null && teams.Routes.TryGetValue(route, out var own) && TeamsOptionsCheck.SplitRoute(own) is { Count: > 0 } ownNames)
        {
            return [.. ownNames.Select(Canonical)];
        }

        return teams.Routes.TryGetValue(kind, out var configured) && TeamsOptionsCheck.SplitRoute(configured) is { Count: > 0 } names
            ? [.. names.Select(Canonical)]
            : [Canonical(channel)];
    }

    /// <summary>The webhook and format of a channel, or null when it has no URL.</summary>
    public TeamsChannel? Find(string name)
    {
        var teams = options.Value.Teams;
        if (string.Equals(name, Default, StringComparison.OrdinalIgnoreCase))
        {
            return Create(Default, teams.WebhookUrl, teams.Format);
        }

        return teams.Channels.TryGetValue(name, out var channel) ? Create(Canonical(name), channel.WebhookUrl, channel.Format) : null;
    }

    private string Canonical(string name)
    {
        if (string.Equals(name, Default, StringComparison.OrdinalIgnoreCase))
        {
            return Default;
        }

        // Configuration keys are case-insensitive; the dedupe partition must not be.
        return options.Value.Teams.Channels.Keys.FirstOrDefault(k => string.Equals(k, name, StringComparison.OrdinalIgnoreCase))?.ToLowerInvariant()
            ?? name.ToLowerInvariant();
    }

    private static TeamsChannel? Create(string name, string? url, string format) =>
        Uri.TryCreate(url, UriKind.Absolute, out var uri)
            ? new TeamsChannel(name, uri, string.Equals(format, TeamsFormats.MessageCard, StringComparison.OrdinalIgnoreCase))
            : null;
}

/// <summary>A configured Teams channel. <see cref="Webhook"/> is a secret: never log it.</summary>
public sealed record TeamsChannel(string Name, Uri Webhook, bool LegacyMessageCard)
{
    public override string ToString() => Name;
}
