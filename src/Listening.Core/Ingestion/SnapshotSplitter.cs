using System.Text;
using Listening.Core.Ingestion;
using Listening.Core.Contracts;
using Listening.Core.Meta;

namespace Listening.Core.Ingestion;

/// <summary>
/// Turns a capture into snapshot messages under the queue's payload limit. Each part carries the Page
/// counters and a share of the posts, so every part stands alone.
/// </summary>
public static class SnapshotSplitter
{
    /// <summary>Leaves room below <see cref="MessageSchema.MaxPayloadBytes"/> for the envelope.</summary>
    public const int TargetBytes = 40 * 1024;

    public static IReadOnlyList<PageSnapshot> Split(PageCapture capture)
    {
        ArgumentNullException.ThrowIfNull(capture);
        var posts = capture.Posts.Select(Trim).ToList();
        var groups = new List<(List<PostObservation> Posts, List<InsightValue> Insights)>();
        var current = (Posts: new List<PostObservation>(), Insights: new List<InsightValue>());
        var envelope = EnvelopeBytes(capture);
        var size = envelope;
        void Place(int bytes)
        {
            if ((current.Posts.Count > 0 || current.Insights.Count > 0) && size + bytes > TargetBytes)
            {
                groups.Add(current);
                current = ([], []);
                size = envelope;
            }

            size += bytes;
        }

        // Meta's day values first (a backfill carries hundreds), then the posts; every part stands alone.
        foreach (var value in capture.Insights)
        {
            Place(Encoding.UTF8.GetByteCount(MessageCodec.Encode(Envelope(capture, [], [value], 0, 1))) - envelope);
            current.Insights.Add(value);
        }

        foreach (var post in posts)
        {
            Place(Encoding.UTF8.GetByteCount(MessageCodec.Encode(Envelope(capture, [post], [], 0, 1))) - envelope);
            current.Posts.Add(post);
        }

        groups.Add(current);
        return [.. groups.Select((g, i) => Envelope(capture, g.Posts, g.Insights, i, groups.Count))];
    }

    /// <summary>The decoder's limits (docs/data-model.md): text cut, a permalink too long to be one dropped.</summary>
    private static PostObservation Trim(PostObservation post) =>
        post.Message is { Length: > MessageSchema.MaxMessageLength } || post.Permalink is { Length: > MessageSchema.MaxPermalinkLength }
            ? post with
            {
                Message = MessageSchema.Cut(post.Message, MessageSchema.MaxMessageLength),
                Permalink = post.Permalink is { Length: > MessageSchema.MaxPermalinkLength } ? null : post.Permalink,
            }
            : post;

    private static int EnvelopeBytes(PageCapture capture) =>
        Encoding.UTF8.GetByteCount(MessageCodec.Encode(Envelope(capture, [], [], 0, 1)));

    private static PageSnapshot Envelope(PageCapture capture, IReadOnlyList<PostObservation> posts, IReadOnlyList<InsightValue> insights, int part, int parts) => new()
    {
        PageId = capture.PageId,
        PageName = MessageSchema.Cut(capture.PageName, MessageSchema.MaxPageNameLength)!,
        Demo = capture.Demo,
        CapturedAt = capture.CapturedAt,
        Followers = capture.Followers,
        Fans = capture.Fans,
        Posts = posts,
        Insights = insights,
        Backfill = capture.Backfill,
        Part = part,
        Parts = parts,
    };
}
