namespace Listening.Core.Contracts;

/// <summary>Links that open a comment on Facebook (the person who opens it needs to see the Page's comments there).</summary>
public static class CommentLink
{
    /// <summary>The post with the comment highlighted: <c>https://www.facebook.com/{post-id}?comment_id={comment-id}</c>.</summary>
    public static string To(string postId, string commentId) =>
        "https://www.facebook.com/" + Uri.EscapeDataString(postId) + "?comment_id=" + Uri.EscapeDataString(commentId);
}
