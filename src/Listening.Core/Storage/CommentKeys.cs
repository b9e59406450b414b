using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace Listening.Core.Storage;

/// <summary>
/// Row keys of the <c>comments</c> table (PartitionKey = Page id), docs/privacy.md:
/// <list type="bullet">
/// <item><c>c_{hash}</c>: one comment's triage (the hash of its id, so that a comment of no interest leaves no id);</item>
/// <item><c>a_{hash}</c>: the Page's first reply in the thread of a comment (it may arrive before the comment);</item>
/// <item><c>h_{yyyy-MM-dd}_{HH}_{postId}</c>: counts by category of one post's comments in one local hour;</item>
/// <item><c>webhook</c>: when the last webhook event of the Page arrived, and its subscription's state.</item>
/// </list>
/// </summary>
public static class CommentKeys
{
    public const string CommentPrefix = "c_";

    public const string AnswerPrefix = "a_";

    public const string HourPrefix = "h_";

    public const string Webhook = "webhook";

    public static string Comment(string commentId) => CommentPrefix + Hash(commentId);

    public static string Answer(string commentId) => AnswerPrefix + Hash(commentId);

    public static string Hour(DateOnly date, int hour, string postId) =>
        HourPrefix + DayKey.Of(date) + "_" + hour.ToString("D2", CultureInfo.InvariantCulture) + "_" + postId;

    /// <summary>Inclusive lower bound of the hour rows of <paramref name="date"/>.</summary>
    public static string HoursFrom(DateOnly date) => HourPrefix + DayKey.Of(date) + "_";

    /// <summary>Exclusive upper bound of the hour rows of <paramref name="date"/>.</summary>
    public static string HoursThrough(DateOnly date) => HoursFrom(date) + "~";

    /// <summary>Exclusive upper bound of the hour rows of the days before <paramref name="date"/> (retention).</summary>
    public static string HoursBefore(DateOnly date) => HourPrefix + DayKey.Of(date);

    public static (DateOnly Date, int Hour, string PostId) ParseHour(string rowKey)
    {
        ArgumentNullException.ThrowIfNull(rowKey);
        var date = DayKey.Parse(rowKey.AsSpan(HourPrefix.Length));
        var at = HourPrefix.Length + DayKey.Length + 1;
        return (date, int.Parse(rowKey.AsSpan(at, 2), CultureInfo.InvariantCulture), rowKey[(at + 3)..]);
    }

    /// <summary>The first 32 hex characters of the SHA-256 of an id: unique enough, the same on every instance.</summary>
    private static string Hash(string id) =>
        Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(id)))[..32];
}
