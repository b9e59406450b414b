using Listening.Core.Contracts;

namespace Listening.Core.Notifications.Teams;

/// <summary>Links from a Teams card back to the app (<c>Listening:PublicBaseUrl</c>); none when no base URL is configured.</summary>
public static class TeamsLinks
{
    /// <summary>The daily summary of <paramref name="date"/>, or null without a public base URL.</summary>
    public static string? Summary(string? publicBaseUrl, DateOnly date) =>
        string.IsNullOrWhiteSpace(publicBaseUrl)
            ? null
            : $"{publicBaseUrl.TrimEnd('/')}/api/summaries/{IsoDate.Format(date)}";
}
