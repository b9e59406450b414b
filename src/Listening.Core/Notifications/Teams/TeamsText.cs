using System.Text;

namespace Listening.Core.Notifications.Teams;

/// <summary>
/// The one way text from Facebook or Meta (Page names, post text, hashtags, metric names) goes into a Teams card.
/// Where Teams reads markdown (an Adaptive Card <c>TextBlock</c> or fact, every MessageCard text) it is
/// <see cref="Escape"/>d, so it makes no link or formatting of its own; in a <c>TextRun</c>, which Teams shows as
/// it is, it is <see cref="Plain"/>. Both drop bidi controls: an unterminated right-to-left override in a Page name
/// would otherwise reverse the dates and numbers after it. See docs/teams.md ("Text from Facebook").
/// </summary>
public static class TeamsText
{
    /// <summary>The text without bidi embedding, override, isolate and mark characters; for a <c>TextRun</c>.</summary>
    public static string Plain(string? text)
    {
        if (string.IsNullOrEmpty(text))
        {
            return "";
        }

        if (!text.Any(IsBidiControl))
        {
            return text;
        }

        var result = new StringBuilder(text.Length);
        foreach (var c in text)
        {
            if (!IsBidiControl(c))
            {
                result.Append(c);
            }
        }

        return result.ToString();
    }

    /// <summary>
    /// <see cref="Plain"/>, then backslash-escaped where markdown would read formatting or a link, and <c>&lt;</c>,
    /// <c>&gt;</c> as entities (no HTML, no autolink); for a <c>TextBlock</c>, a fact or a MessageCard.
    /// </summary>
    public static string Escape(string? text)
    {
        var plain = Plain(text);
        var result = new StringBuilder(plain.Length + 8);
        foreach (var c in plain)
        {
            if (c is '<' or '>')
            {
                result.Append(c == '<' ? "&lt;" : "&gt;");
                continue;
            }

            if (c is '\\' or '*' or '_' or '[' or ']' or '(' or ')' or '#' or '`' or '~' or '|')
            {
                result.Append('\\');
            }

            result.Append(c);
        }

        return result.ToString();
    }

    /// <summary>U+200E/U+200F (marks), U+202A–U+202E (embeddings, overrides), U+2066–U+2069 (isolates), U+061C (Arabic letter mark).</summary>
    internal static bool IsBidiControl(char c) =>
        c is '\u200E' or '\u200F' or '\u061C' or (>= '\u202A' and <= '\u202E') or (>= '\u2066' and <= '\u2069');

    /// <summary>At most <paramref name="length"/> characters, cut at a word where possible and never inside a surrogate pair.</summary>
    public static string Shorten(string text, int length)
    {
        if (length <= 0 || string.IsNullOrWhiteSpace(text))
        {
            return "";
        }

        if (text.Length <= length)
        {
            return text;
        }

        var cut = text[..(length - 1)];
        if (char.IsHighSurrogate(cut[^1]))
        {
            cut = cut[..^1];
        }

        var space = cut.LastIndexOf(' ');
        if (space > length / 2)
        {
            cut = cut[..space];
        }

        return cut.TrimEnd(' ', '–', '-', ',', ';', ':') + "…";
    }
}
