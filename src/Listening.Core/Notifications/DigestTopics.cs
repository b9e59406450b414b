using System.Text.RegularExpressions;
using Listening.Core.Summaries;
using Listening.Core.Contracts;

namespace Listening.Core.Notifications;

/// <summary>
/// The digest's topic highlights: the day's hashtags with the posts and interactions behind them. Topic rules
/// (keywords per topic) belong to aggregation and land in the summary as <c>topics</c>; until a summary carries
/// them, the Page's own hashtags are the topics, which is what the press office tags its posts with anyway.
/// </summary>
public static partial class DigestTopics
{
    public static IReadOnlyList<TopicHighlight> For(PageDaySummary page, int count)
    {
        ArgumentNullException.ThrowIfNull(page);
        if (count <= 0)
        {
            return [];
        }

        var byTopic = new Dictionary<string, (string Display, int Posts, long Interactions)>(StringComparer.OrdinalIgnoreCase);
        foreach (var post in page.Posts)
        {
            var interactions = post.Reactions.Total + post.Comments + post.Shares;
            foreach (var tag in Hashtag().Matches(post.Excerpt).Select(m => "#" + m.Groups[1].Value).Distinct(StringComparer.OrdinalIgnoreCase))
            {
                var (display, posts, sum) = byTopic.GetValueOrDefault(tag, (tag, 0, 0));
                byTopic[tag] = (display, posts + 1, sum + interactions);
            }
        }

        return [.. byTopic.Values
            .Where(t => t.Interactions > 0)
            .OrderByDescending(t => t.Interactions)
            .ThenBy(t => t.Display, StringComparer.Ordinal)
            .Take(count)
            .Select(t => new TopicHighlight(t.Display, t.Posts, t.Interactions))];
    }

    [GeneratedRegex(@"(?<![\p{L}\p{N}_])#([\p{L}\p{N}_]{2,40})")]
    private static partial Regex Hashtag();
}

public sealed record TopicHighlight(string Topic, int Posts, long Interactions);
