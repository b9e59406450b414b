using System.Text;
using Listening.Core.Ingestion;
using Listening.Core.Contracts;
using Listening.Core.Meta;

namespace Listening.Core.Ingestion;

/// <summary>
/// Turns a capture into snapshot messages under the queue's payload limit. Each part carries the Page
/// counters and a share of the posts, so every part stands alone. The linked Instagram account's media and daily
/// values are shared out the same way; every part that carries some of them carries the account's counters too.
/// </summary>
public static class SnapshotSplitter
{
    /// <summary>Leaves room below <see cref="MessageSchema.MaxPayloadBytes"/> for the envelope.</summary>
    public const int TargetBytes = 40 * 1024;

    public static IReadOnlyList<PageSnapshot> Split(PageCapture capture)
    {
        ArgumentNullException.ThrowIfNull(capture);
        var posts = capture.Posts.Select(Trim).ToList();
        var ig = capture.Instagram is { } account ? Trim(account) : null;
        var groups = new List<Group>();
        var current = new Group();
        var envelope = EnvelopeBytes(capture);
        var size = envelope;
        void Place(int bytes)
        {
            if (!current.IsEmpty && size + bytes > TargetBytes)
            {
                groups.Add(current);
                current = new Group();
                size = envelope;
            }

            size += bytes;
        }

        // Meta's day values first (a backfill carries hundreds), then the posts; every part stands alone.
        foreach (var value in capture.Insights)
        {
            Place(Encoding.UTF8.GetByteCount(MessageCodec.Encode(Envelope(capture, new Group { Insights = { value } }, null, 0, 1))) - envelope);
            current.Insights.Add(value);
        }

        foreach (var post in posts)
        {
            Place(Encoding.UTF8.GetByteCount(MessageCodec.Encode(Envelope(capture, new Group { Posts = { post } }, null, 0, 1))) - envelope);
            current.Posts.Add(post);
        }

        if (ig is not null)
        {
            // The account's counters once (they ride along in every part with Instagram items), then its items.
            Place(Encoding.UTF8.GetByteCount(MessageCodec.Encode(Envelope(capture, new Group { Account = true }, ig, 0, 1))) - envelope);
            current.Account = true;
            foreach (var value in ig.Insights)
            {
                Place(Encoding.UTF8.GetByteCount(MessageCodec.Encode(Envelope(capture, new Group { InstagramInsights = { value } }, ig, 0, 1))) - envelope);
                current.InstagramInsights.Add(value);
            }

            foreach (var media in ig.Media)
            {
                Place(Encoding.UTF8.GetByteCount(MessageCodec.Encode(Envelope(capture, new Group { Media = { media } }, ig, 0, 1))) - envelope);
                current.Media.Add(media);
            }
        }

        groups.Add(current);
        return [.. groups.Select((g, i) => Envelope(capture, g, ig, i, groups.Count))];
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

    private static InstagramObservation Trim(InstagramObservation account) => account with
    {
        Username = MessageSchema.Cut(account.Username, MessageSchema.MaxPageNameLength),
        Media = [.. account.Media.Select(m => m.Caption is { Length: > MessageSchema.MaxMessageLength } || m.Permalink is { Length: > MessageSchema.MaxPermalinkLength }
            ? m with
            {
                Caption = MessageSchema.Cut(m.Caption, MessageSchema.MaxMessageLength),
                Permalink = m.Permalink is { Length: > MessageSchema.MaxPermalinkLength } ? null : m.Permalink,
            }
            : m)],
    };

    private static int EnvelopeBytes(PageCapture capture) =>
        Encoding.UTF8.GetByteCount(MessageCodec.Encode(Envelope(capture, new Group(), null, 0, 1)));

    private static PageSnapshot Envelope(PageCapture capture, Group group, InstagramObservation? ig, int part, int parts) => new()
    {
        PageId = capture.PageId,
        PageName = MessageSchema.Cut(capture.PageName, MessageSchema.MaxPageNameLength)!,
        Demo = capture.Demo,
        CapturedAt = capture.CapturedAt,
        Followers = capture.Followers,
        Fans = capture.Fans,
        Posts = group.Posts,
        Insights = group.Insights,
        Backfill = capture.Backfill,
        Instagram = ig is not null && group.HasInstagram ? ig with { Media = group.Media, Insights = group.InstagramInsights } : null,
        Part = part,
        Parts = parts,
    };

    /// <summary>What one part carries.</summary>
    private sealed class Group
    {
        public List<PostObservation> Posts { get; } = [];

        public List<InsightValue> Insights { get; } = [];

        public bool Account { get; set; }

        public List<InstagramMediaObservation> Media { get; } = [];

        public List<InsightValue> InstagramInsights { get; } = [];

        public bool HasInstagram => Account || Media.Count > 0 || InstagramInsights.Count > 0;

        public bool IsEmpty => Posts.Count == 0 && Insights.Count == 0 && !HasInstagram;
    }
}
