using System.Text.Json.Serialization;
using Listening.Core.Snapshots;

namespace Listening.Core.Summaries;

/// <summary>
/// The daily summary of one or more Pages: a public API (README, "Summary JSON"). Field names and meanings are
/// stable; new fields may be added.
/// </summary>
public sealed record DailySummary
{
    [JsonConverter(typeof(IsoDateConverter))]
    public required DateOnly Date { get; init; }

    public required string TimeZone { get; init; }

    public required bool Demo { get; init; }

    /// <summary>Capture time of the newest observation the summary is built from (so equal data gives equal output).</summary>
    public required DateTimeOffset GeneratedAt { get; init; }

    public required IReadOnlyList<PageDaySummary> Pages { get; init; }
}

/// <summary>One Page on one local calendar day.</summary>
public sealed record PageDaySummary
{
    public required string PageId { get; init; }

    public required string Name { get; init; }

    public bool Demo { get; init; }

    [JsonConverter(typeof(IsoDateConverter))]
    public required DateOnly Date { get; init; }

    public required DateTimeOffset GeneratedAt { get; init; }

    /// <summary>Followers (<c>followers_count</c>) at the last observation of the day, and the change against the day before.</summary>
    public required CounterChange Followers { get; init; }

    /// <summary>Page likes (<c>fan_count</c>, "Gefällt mir"-Angaben) the same way.</summary>
    public required CounterChange Likes { get; init; }

    /// <summary>Reactions gained that day, over all posts.</summary>
    public required ReactionCounts Reactions { get; init; }

    public required long Comments { get; init; }

    public required long Shares { get; init; }

    /// <summary>Posts created that day plus posts that gained anything that day, newest first.</summary>
    public required IReadOnlyList<PostDaySummary> Posts { get; init; }

    /// <summary>How many observations (pulls) of the Page the day has.</summary>
    public int Observations { get; init; }

    /// <summary>Every configured topic, in the configured order, with what its posts gained that day.</summary>
    public IReadOnlyList<TopicDay> Topics { get; init; } = [];

    /// <summary>Giveaway posts whose 30-day follow-through ends this day (docs/data-model.md, "Giveaway follow-through").</summary>
    public IReadOnlyList<GiveawayFollowThrough> Giveaways { get; init; } = [];
}

/// <summary>One topic on one day: posts of the day with the topic, and what they gained that day.</summary>
public sealed record TopicDay
{
    public required string Topic { get; init; }

    public required int Posts { get; init; }

    /// <summary>Reactions of all types gained that day.</summary>
    public required long Reactions { get; init; }

    public required long Comments { get; init; }

    public required long Shares { get; init; }
}

/// <summary>
/// What a giveaway post did for the Page's followers, from our own follower observations: followers at the end of
/// the day before the post, gained by the end of the third day after the post's day, and how many of those are
/// still there at the end of the 30th day (net, at most the gain). Null where a day has no observation.
/// </summary>
public sealed record GiveawayFollowThrough
{
    public required string PostId { get; init; }

    /// <summary>Creation time in the summary's time zone.</summary>
    public required DateTimeOffset CreatedTime { get; init; }

    public string? Permalink { get; init; }

    public required string Excerpt { get; init; }

    public long? FollowersBefore { get; init; }

    public long? FollowersAfter3Days { get; init; }

    public long? GainedIn3Days { get; init; }

    public long? FollowersAfter30Days { get; init; }

    public long? StillThereAfter30Days { get; init; }

    public static GiveawayFollowThrough Of(
        Aggregation.PostDayEntity post, Configuration.LocalCalendar calendar, long? before, long? after3Days, long? after30Days)
    {
        ArgumentNullException.ThrowIfNull(post);
        ArgumentNullException.ThrowIfNull(calendar);
        long? gained = before is { } b && after3Days is { } a ? Math.Max(0, a - b) : null;
        long? stillThere = gained is { } g && before is { } b2 && after30Days is { } e ? Math.Clamp(e - b2, 0, g) : null;
        return new GiveawayFollowThrough
        {
            PostId = post.PostId,
            CreatedTime = calendar.ToLocal(post.CreatedTime),
            Permalink = post.Permalink,
            Excerpt = PageDaySummaryBuilder.Excerpt(post.Message),
            FollowersBefore = before,
            FollowersAfter3Days = after3Days,
            GainedIn3Days = gained,
            FollowersAfter30Days = after30Days,
            StillThereAfter30Days = stillThere,
        };
    }
}

/// <summary>A counter at the end of the day and its change against the end of the previous day (null when unknown).</summary>
public sealed record CounterChange(long? End, long? Change);

public sealed record PostDaySummary
{
    public required string Id { get; init; }

    /// <summary>Creation time in the summary's time zone.</summary>
    public required DateTimeOffset CreatedTime { get; init; }

    public string? Permalink { get; init; }

    /// <summary>The first 140 characters of the post text.</summary>
    public required string Excerpt { get; init; }

    /// <summary>Reactions gained that day.</summary>
    public required ReactionCounts Reactions { get; init; }

    /// <summary>Reactions at the end of the day (cumulative).</summary>
    public required ReactionCounts ReactionsTotal { get; init; }

    public required long Comments { get; init; }

    public required long CommentsTotal { get; init; }

    public required long Shares { get; init; }

    public required long SharesTotal { get; init; }

    /// <summary>True when the post was created on this day.</summary>
    public bool New { get; init; }

    /// <summary>The post's topics (docs/data-model.md, "Topics").</summary>
    public IReadOnlyList<string> Topics { get; init; } = [];
}

/// <summary>Dates as <c>yyyy-MM-dd</c>.</summary>
public sealed class IsoDateConverter : JsonConverter<DateOnly>
{
    public override DateOnly Read(ref System.Text.Json.Utf8JsonReader reader, Type typeToConvert, System.Text.Json.JsonSerializerOptions options) =>
        DateOnly.ParseExact(reader.GetString()!, "yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture);

    public override void Write(System.Text.Json.Utf8JsonWriter writer, DateOnly value, System.Text.Json.JsonSerializerOptions options)
    {
        ArgumentNullException.ThrowIfNull(writer);
        writer.WriteStringValue(value.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture));
    }
}

[JsonSourceGenerationOptions(System.Text.Json.JsonSerializerDefaults.Web, WriteIndented = true)]
[JsonSerializable(typeof(DailySummary))]
[JsonSerializable(typeof(PageDaySummary))]
public sealed partial class SummaryJsonContext : JsonSerializerContext;
