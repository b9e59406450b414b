using System.Text;
using Listening.Core.Ingestion;

namespace Listening.Core.Snapshots;

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
        var groups = new List<List<PostObservation>>();
        var current = new List<PostObservation>();
        var size = EnvelopeBytes(capture);
        foreach (var post in posts)
        {
            var postBytes = Encoding.UTF8.GetByteCount(MessageCodec.Encode(Envelope(capture, [post], 0, 1))) - EnvelopeBytes(capture);
            if (current.Count > 0 && size + postBytes > TargetBytes)
            {
                groups.Add(current);
                current = [];
                size = EnvelopeBytes(capture);
            }

            current.Add(post);
            size += postBytes;
        }

        groups.Add(current);
        return [.. groups.Select((g, i) => Envelope(capture, g, i, groups.Count))];
    }

    private static PostObservation Trim(PostObservation post) =>
        post.Message is { Length: > MessageSchema.MaxMessageLength } message
            ? post with { Message = message[..MessageSchema.MaxMessageLength] }
            : post;

    private static int EnvelopeBytes(PageCapture capture) =>
        Encoding.UTF8.GetByteCount(MessageCodec.Encode(Envelope(capture, [], 0, 1)));

    private static PageSnapshot Envelope(PageCapture capture, IReadOnlyList<PostObservation> posts, int part, int parts) => new()
    {
        PageId = capture.PageId,
        PageName = capture.PageName,
        Demo = capture.Demo,
        CapturedAt = capture.CapturedAt,
        Followers = capture.Followers,
        Fans = capture.Fans,
        Posts = posts,
        Part = part,
        Parts = parts,
    };
}
