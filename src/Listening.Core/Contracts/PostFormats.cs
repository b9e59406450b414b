namespace Listening.Core.Contracts;

/// <summary>
/// A post's format as the insights report groups posts (docs/insights.md): what its first attachment is, in
/// lower-case words. Read from the post's <c>attachments</c> by the Graph client; a post without attachments is text.
/// </summary>
public static class PostFormats
{
    public const string Photo = "photo";
    public const string Video = "video";
    public const string Reel = "reel";
    public const string Link = "link";
    public const string Text = "text";
    public const string Event = "event";

    /// <summary>Every format, in the order the report lists them.</summary>
    public static IReadOnlyList<string> All { get; } = [Photo, Video, Reel, Link, Text, Event];

    /// <summary>The format if it is one of <see cref="All"/>, else null (a message from elsewhere cannot invent one).</summary>
    public static string? Known(string? format) =>
        format is not null && All.Contains(format, StringComparer.Ordinal) ? format : null;
}
