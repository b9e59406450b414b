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

    /// <summary>
    /// Meta's own daily values for Meta's day with the same date (Pacific time: it ends at 08:00 or 09:00 Berlin time
    /// the next morning); null until that day is complete. README, "Summary JSON".
    /// </summary>
    public MetaDaySummary? MetaDay { get; init; }
}

/// <summary>
/// <c>{"date":"yyyy-MM-dd","metrics":{"page_media_view":0,...},"sources":{"page_media_view":"page_impressions"}}</c>:
/// Meta's values of one of Meta's days, each under the metric that names its series today; <c>sources</c> lists only
/// the series whose value came through an alias (an old metric name, before Meta renamed it).
/// </summary>
public sealed record MetaDaySummary
{
    [JsonConverter(typeof(IsoDateConverter))]
    public required DateOnly Date { get; init; }

    public required IReadOnlyDictionary<string, long> Metrics { get; init; }

    public required IReadOnlyDictionary<string, string> Sources { get; init; }
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
