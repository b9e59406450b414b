using System.Text.Json.Nodes;
using Listening.Core.Contracts;
using Listening.Core.Notifications.Teams;
using Listening.Core.Summaries;

namespace Listening.Core.Notifications;

/// <summary>
/// The Instagram lines of a Page in the daily digest (issue 14), beside its Facebook facts: the account's followers
/// and the people its media reached that day, and its top media with their kind (Reel, Beitrag, Story), picked as on
/// the day page.
/// </summary>
internal static class InstagramDigest
{
    public static JsonObject? Block(InstagramDaySummary? instagram, int topCount, int excerptLength)
    {
        if (instagram is null)
        {
            return null;
        }

        var lines = new List<string>
        {
            "Instagram" + (instagram.Username is { Length: > 0 } name ? " (@" + TeamsText.Plain(name) + ")" : "") + ": "
                + GermanFormat.Number(instagram.Followers.End) + " Follower"
                + (instagram.Followers.Change is { } change ? " (" + GermanFormat.Change(change) + " zum Vortag)" : "")
                + " · Erreichte Personen (Medien): " + (instagram.Reach is { } reach ? GermanFormat.Number(reach) : "nicht für alle Medien gemeldet"),
        };
        foreach (var media in InstagramSection.Top(instagram, topCount))
        {
            var excerpt = media.Excerpt.Length > excerptLength ? MessageSchema.Cut(media.Excerpt, excerptLength) + "…" : media.Excerpt;
            lines.Add("• " + InstagramSection.Kind(media.ProductType) + (excerpt.Length > 0 ? " „" + TeamsText.Plain(excerpt) + "“" : "")
                + ": " + GermanFormat.Number(media.Reach) + " erreicht, " + GermanFormat.Number(media.Views) + " Aufrufe");
        }

        return new JsonObject
        {
            ["type"] = "TextBlock",
            ["text"] = string.Join("\n\n", lines),
            ["wrap"] = true,
            ["size"] = "Small",
            ["spacing"] = "Small",
        };
    }
}
