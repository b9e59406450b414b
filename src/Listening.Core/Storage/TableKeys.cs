using System.Text;
using System.Security.Cryptography;
using System.Globalization;

namespace Listening.Core.Storage;

// Every key of the tables and its format, in one place (docs/data-model.md). Row keys that start with a day or a
// time sort in time order, which is what lets a range query read days and DataRetention delete below one bound.

/// <summary>
/// A local or Meta day in a key: <c>yyyy-MM-dd</c>, invariant culture, always <see cref="Length"/> characters.
/// The contracts' dates have their own helper (<c>Contracts.IsoDate</c>): the same text today, but a stored key must
/// not change because a contract does.
/// </summary>
public static class DayKey
{
    public const int Length = 10;

    private const string Pattern = "yyyy-MM-dd";

    public static string Of(DateOnly date) => date.ToString(Pattern, CultureInfo.InvariantCulture);

    /// <summary>The day a key starts with; throws <see cref="FormatException"/> when it does not start with one.</summary>
    public static DateOnly Parse(ReadOnlySpan<char> key) =>
        DateOnly.ParseExact(key[..Length], Pattern, CultureInfo.InvariantCulture);

    /// <summary>Whether the whole key is a day (and which).</summary>
    public static bool TryParse(string? key, out DateOnly date) =>
        DateOnly.TryParseExact(key, Pattern, CultureInfo.InvariantCulture, DateTimeStyles.None, out date);
}

/// <summary>An instant in a key: UTC, sortable, with '-' in place of ':' (which keys may hold, but URLs of keys do not).</summary>
public static class InstantKey
{
    /// <summary>To the tick (100 ns), ending in 'Z': <c>yyyy-MM-ddTHH-mm-ss.fffffffZ</c>.</summary>
    public static string Of(DateTimeOffset instant) =>
        instant.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fffffff'Z'", CultureInfo.InvariantCulture).Replace(':', '-');

    /// <summary>To the second, <c>yyyy-MM-ddTHH-mm-ss</c>: every key of an instant before that second sorts below it.</summary>
    public static string SecondOf(DateTimeOffset instant) =>
        instant.UtcDateTime.ToString("yyyy-MM-dd'T'HH-mm-ss", CultureInfo.InvariantCulture);
}

/// <summary>
/// The kinds of row in the <c>pagedays</c> table (PartitionKey = Page id): each row key starts with its kind's prefix,
/// so each kind is one contiguous range of the partition, and all of a Page's snapshot can be written in one entity
/// group transaction (issue 16). docs/data-model.md.
/// </summary>
public static class PageDayKinds
{
    /// <summary>Archived snapshots (<see cref="RawArchiveKeys"/>).</summary>
    public const string Archive = "a_";

    /// <summary>The last observation of the Page and its posts per local day (<see cref="ObservationKeys"/>).</summary>
    public const string Observation = "o_";

    /// <summary>Meta's daily values (<see cref="MetaDayKeys"/>).</summary>
    public const string Meta = "m_";

    /// <summary>Materialized day summaries (<see cref="SummaryKeys"/>).</summary>
    public const string Summary = "s_";

    /// <summary>Exclusive upper bound of a kind's row keys: '`' follows '_' in ordinal order.</summary>
    public static string End(string kind)
    {
        ArgumentNullException.ThrowIfNull(kind);
        return kind[..^1] + "`";
    }

    /// <summary>The kinds in the order of their prefixes.</summary>
    public static IReadOnlyList<string> All { get; } = [Archive, Meta, Observation, Summary];
}

/// <summary>
/// The tables before issue 16 put a Page's rows into one table (<c>pagedays</c>): known only to the migration that
/// <c>listening replay</c> runs (<see cref="LegacyTables"/>). Each old table's rows move to one kind, keys prefixed.
/// </summary>
public static class LegacyTableKeys
{
    /// <summary>Old table name (without the configured prefix) and the kind its rows become.</summary>
    public static IReadOnlyList<(string Table, string Kind)> Tables { get; } =
    [
        ("rawsnapshots", PageDayKinds.Archive),
        ("metainsights", PageDayKinds.Meta),
        ("observations", PageDayKinds.Observation),
        ("summaries", PageDayKinds.Summary),
    ];

    /// <summary>The row key in <c>pagedays</c> of an old table's row.</summary>
    public static string RowOf(string kind, string oldRowKey) => kind + oldRowKey;

    /// <summary>Whether an old row of the kind is past its retention: archive rows by capture time, the rest by date.</summary>
    public static bool IsBefore(string kind, string oldRowKey, string rawBound, string aggregateBound) =>
        string.CompareOrdinal(RowOf(kind, oldRowKey), kind == PageDayKinds.Archive ? rawBound : kind + aggregateBound) < 0;
}

/// <summary>Observation rows of the <c>pagedays</c> table: <c>o_{yyyy-MM-dd}_page</c> and <c>o_{yyyy-MM-dd}_post_{postId}</c>.</summary>
public static class ObservationKeys
{
    private const int DayAt = 2;

    public static string DayPrefix(DateOnly date) => PageDayKinds.Observation + DayKey.Of(date) + "_";

    /// <summary>Exclusive upper bound of a day's row keys ('~' sorts after every key character we use).</summary>
    public static string DayEnd(DateOnly date) => DayPrefix(date) + "~";

    public static string Page(DateOnly date) => DayPrefix(date) + "page";

    public static string Post(DateOnly date, string postId) => DayPrefix(date) + "post_" + postId;

    /// <summary>Exclusive upper bound of the observation rows of the days before <paramref name="date"/> (retention).</summary>
    public static string Before(DateOnly date) => PageDayKinds.Observation + DayKey.Of(date);

    public static DateOnly DateOf(string rowKey) => DayKey.Parse(rowKey.AsSpan(DayAt));

    public static bool IsPage(string rowKey) =>
        rowKey.Length == DayAt + 15 && rowKey.StartsWith(PageDayKinds.Observation, StringComparison.Ordinal) && rowKey.EndsWith("_page", StringComparison.Ordinal);

    public static bool IsPost(string rowKey) =>
        rowKey.Length > DayAt + 16 && rowKey.StartsWith(PageDayKinds.Observation, StringComparison.Ordinal) && string.CompareOrdinal(rowKey, DayAt + 10, "_post_", 0, 6) == 0;

    /// <summary>The post id of a post row's key.</summary>
    public static string PostIdOf(string rowKey) => rowKey[(DayAt + 16)..];
}

/// <summary>Summary rows of the <c>pagedays</c> table: <c>s_{yyyy-MM-dd}</c>.</summary>
public static class SummaryKeys
{
    public static string Day(DateOnly date) => PageDayKinds.Summary + DayKey.Of(date);

    /// <summary>Exclusive upper bound of the summaries of the days before <paramref name="date"/> (retention).</summary>
    public static string Before(DateOnly date) => Day(date);

    /// <summary>The day of a summary row; false for any other row kept in the partition.</summary>
    public static bool TryDateOf(string rowKey, out DateOnly date)
    {
        date = default;
        return rowKey is not null && rowKey.StartsWith(PageDayKinds.Summary, StringComparison.Ordinal) && DayKey.TryParse(rowKey[PageDayKinds.Summary.Length..], out date);
    }
}

/// <summary>
/// Meta's daily values in the <c>pagedays</c> table: one row per Meta date, <c>m_{yyyy-MM-dd}</c>, with a triple of
/// properties per metric (<see cref="MetaDayStore"/>); in memory each metric is a row of its own, keyed
/// <c>m_{yyyy-MM-dd}_{metric}</c> (<see cref="Row"/>).
/// </summary>
public static class MetaDayKeys
{
    /// <summary>The stored row of a Meta date.</summary>
    public static string Date(DateOnly metaDate) => PageDayKinds.Meta + DayKey.Of(metaDate);

    /// <summary>Whether the key is a Meta date's stored row (and which date).</summary>
    public static bool TryDateOf(string rowKey, out DateOnly metaDate)
    {
        metaDate = default;
        return rowKey is not null && rowKey.StartsWith(PageDayKinds.Meta, StringComparison.Ordinal) && DayKey.TryParse(rowKey[PageDayKinds.Meta.Length..], out metaDate);
    }

    /// <summary>The key of one metric's value of a Meta date, in memory (<c>MetaInsightEntity.RowKey</c>).</summary>
    public static string Row(DateOnly metaDate, string metric) => PageDayKinds.Meta + DayKey.Of(metaDate) + "_" + metric;

    /// <summary>Inclusive lower bound of the rows of <paramref name="metaDate"/> and the days after it.</summary>
    public static string From(DateOnly metaDate) => PageDayKinds.Meta + DayKey.Of(metaDate);

    /// <summary>Exclusive upper bound of the rows of <paramref name="metaDate"/> and the days before it.</summary>
    public static string Through(DateOnly metaDate) => From(metaDate) + "_~";

    /// <summary>Exclusive upper bound of the rows of the Meta dates before <paramref name="metaDate"/> (retention).</summary>
    public static string Before(DateOnly metaDate) => From(metaDate);

    public static DateOnly DateOf(string rowKey) => DayKey.Parse(rowKey.AsSpan(PageDayKinds.Meta.Length));
}

/// <summary>Archive rows of the <c>pagedays</c> table: <c>a_</c>, capture time (<see cref="InstantKey"/>), kind, part.</summary>
public static class RawArchiveKeys
{
    /// <summary>Marks the row key of a Page snapshot (Page fields and posts).</summary>
    public const string PostsKind = "_posts_";

    public static string Row(DateTimeOffset capturedAt, int part) =>
        PageDayKinds.Archive + InstantKey.Of(capturedAt) + PostsKind + part.ToString("D3", CultureInfo.InvariantCulture);

    /// <summary>A bound at whole seconds: every snapshot captured before <paramref name="instant"/>'s second sorts below it.</summary>
    public static string Before(DateTimeOffset instant) => PageDayKinds.Archive + InstantKey.SecondOf(instant);

    public static bool IsPageSnapshot(string rowKey) =>
        rowKey.StartsWith(PageDayKinds.Archive, StringComparison.Ordinal) && rowKey.Contains(PostsKind, StringComparison.Ordinal);
}

/// <summary>
/// Keys of the instagram table (<see cref="InstagramStore"/>). An account is its own partition (PartitionKey = the
/// Instagram user id) with <c>{yyyy-MM-dd}_account</c> (the account's last observation of the local day),
/// <c>{yyyy-MM-dd}_media_{mediaId}</c> (each media item's) and <c>{yyyy-MM-dd}_meta_{metric}</c> (Meta's daily account
/// value of that Meta date). Which account a Page had on a day is on the Page's day row in observations.
/// Every row key starts with its date, so retention deletes below one bound.
/// </summary>
public static class InstagramKeys
{
    public static string Account(DateOnly date) => DayKey.Of(date) + "_account";

    public static string Media(DateOnly date, string mediaId) => DayKey.Of(date) + "_media_" + mediaId;

    public static string Meta(DateOnly metaDate, string metric) => DayKey.Of(metaDate) + "_meta_" + metric;

    /// <summary>Inclusive lower bound of the rows of <paramref name="date"/> and later.</summary>
    public static string From(DateOnly date) => DayKey.Of(date);

    /// <summary>Exclusive upper bound of the rows of <paramref name="date"/> and earlier.</summary>
    public static string Through(DateOnly date) => DayKey.Of(date) + "_~";

    public static DateOnly DateOf(string rowKey) => DayKey.Parse(rowKey);

    public static bool IsAccount(string rowKey) => rowKey.Length == DayKey.Length + 8 && rowKey.EndsWith("_account", StringComparison.Ordinal);

    public static bool IsMedia(string rowKey) => rowKey.Length > DayKey.Length + 7 && string.CompareOrdinal(rowKey, DayKey.Length, "_media_", 0, 7) == 0;

    public static bool IsMeta(string rowKey) => rowKey.Length > DayKey.Length + 6 && string.CompareOrdinal(rowKey, DayKey.Length, "_meta_", 0, 6) == 0;
}

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
