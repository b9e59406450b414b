using System.Text;
using System.Text.Json;
using Listening.Core.Meta;
using Listening.Core.Ingestion;
using Listening.Core.Contracts;
using Listening.Core.Summaries;
using Listening.Core.Storage;

namespace Listening.Core.Tests.Ingestion;

public sealed class MetaDayTests
{
    private static readonly DateOnly Day = new(2026, 11, 26);
    private static readonly DateTimeOffset EndOfDay = new(2026, 11, 27, 8, 0, 0, TimeSpan.Zero);

    private static MetaInsightEntity Row(string metric, long value, DateTimeOffset capturedAt) =>
        MetaInsightEntity.From("104857600000001", new InsightValue { Metric = metric, EndTime = EndOfDay, Value = value }, capturedAt);

    [Fact]
    public void A_value_belongs_to_end_time_minus_one_day_and_is_complete_only_after_it()
    {
        var early = Row("page_media_view", 10, EndOfDay.AddHours(-1));
        var late = Row("page_media_view", 12, EndOfDay.AddHours(2));

        Assert.Equal("m_2026-11-26_page_media_view", early.RowKey);
        Assert.Equal("2026-11-26", early.MetaDate);
        Assert.False(early.Complete);
        Assert.True(late.Complete);
    }

    [Fact]
    public void The_later_capture_wins_whatever_the_order_of_arrival()
    {
        var rows = new[]
        {
            Row("page_media_view", 10, EndOfDay.AddHours(1)),
            Row("page_media_view", 14, EndOfDay.AddHours(3)),
            Row("page_media_view", 12, EndOfDay.AddHours(2)),
            Row("page_media_view", 13, EndOfDay.AddHours(3)),
        };

        foreach (var order in new[] { new[] { 0, 1, 2, 3 }, [3, 2, 1, 0], [2, 0, 3, 1], [1, 3, 0, 2] })
        {
            var kept = order.Select(i => rows[i]).Aggregate((stored, incoming) => incoming.Supersedes(stored) ? incoming : stored);
            Assert.Equal(14, kept.Value);
        }
    }

    private static MetaInsightEntity Fold(IEnumerable<MetaInsightEntity> captures)
    {
        MetaInsightEntity? row = null;
        foreach (var capture in captures)
        {
            row = row is null ? capture : row.MergedWith(capture) ?? row;
        }

        return row!;
    }

    private static IEnumerable<IReadOnlyList<int>> Orders(int count) => count == 0
        ? [[]]
        : Orders(count - 1).SelectMany(order => Enumerable.Range(0, count).Select(at => (IReadOnlyList<int>)[.. order.Take(at), count - 1, .. order.Skip(at)]));

    [Fact]
    public void The_time_of_the_last_other_value_ends_the_same_in_every_order_of_arrival()
    {
        var captures = new[]
        {
            Row("page_media_view", 10, EndOfDay.AddHours(1)),
            Row("page_media_view", 10, EndOfDay.AddHours(2)),
            Row("page_media_view", 8, EndOfDay.AddHours(3)),
            Row("page_media_view", 9, EndOfDay.AddHours(4)),  // ties with the next: the larger value is kept
            Row("page_media_view", 10, EndOfDay.AddHours(4)),
            Row("page_media_view", 10, EndOfDay.AddHours(5)),
        };

        var rows = Orders(captures.Length).Select(order => Fold(order.Select(i => captures[i]))).ToList();

        Assert.Equal(720, rows.Count);
        Assert.All(rows, row =>
        {
            Assert.Equal(10, row.Value);
            Assert.Equal(EndOfDay.AddHours(5), row.CapturedAt);
            Assert.Equal(EndOfDay.AddHours(4), row.OtherValueAt);
            Assert.True(row.Complete);
        });
    }

    [Fact]
    public void Any_captures_in_any_order_end_in_the_latest_value_and_the_latest_capture_of_another_value()
    {
        var random = new Random(16);
        for (var run = 0; run < 500; run++)
        {
            // Few distinct times and values, so that ties and repeated values are common.
            var captures = Enumerable.Range(0, random.Next(1, 9))
                .Select(_ => Row("page_media_view", random.Next(0, 4), EndOfDay.AddHours(random.Next(-2, 4))))
                .ToList();
            var winner = captures.OrderByDescending(c => c.CapturedAt).ThenByDescending(c => c.Value).First();
            var other = captures.Where(c => c.Value != winner.Value).Select(c => (DateTimeOffset?)c.CapturedAt).Max();

            random.Shuffle(System.Runtime.InteropServices.CollectionsMarshal.AsSpan(captures));
            var row = Fold(captures);

            Assert.Equal((winner.Value, winner.CapturedAt, winner.Complete, other), (row.Value, row.CapturedAt, row.Complete, row.OtherValueAt));
        }
    }

    [Fact]
    public void With_every_capture_the_stamp_of_a_complete_row_never_shrinks_and_grows_whenever_what_a_summary_shows_changes()
    {
        static (long Time, long Counters) Stamp(MetaInsightEntity row) =>
            Listening.Core.Aggregation.MetaDays.Stamp(row.Complete ? [row] : []);
        var random = new Random(1600);
        for (var run = 0; run < 500; run++)
        {
            MetaInsightEntity? row = null;
            for (var n = 0; n < 8; n++)
            {
                var capture = Row("page_media_view", random.Next(0, 4), EndOfDay.AddHours(random.Next(-2, 4)));
                var next = row is null ? capture : row.MergedWith(capture) ?? row;
                if (row is not null)
                {
                    var (before, after) = (Stamp(row), Stamp(next));
                    Assert.True(after.Time > before.Time || (after.Time == before.Time && after.Counters >= before.Counters));
                    if (next.Complete && (!row.Complete || next.Value != row.Value))
                    {
                        Assert.True(after.Time > before.Time || after.Counters > before.Counters);
                    }
                }

                row = next;
            }
        }
    }

    [Fact]
    public void A_rows_stamp_stays_while_Meta_re_reports_its_value_and_grows_with_every_change()
    {
        static (long Time, long Counters) Stamp(MetaInsightEntity row) => Listening.Core.Aggregation.MetaDays.Stamp([row]);
        static bool Grew((long Time, long Counters) before, (long Time, long Counters) after) =>
            after.Time > before.Time || (after.Time == before.Time && after.Counters > before.Counters);

        var first = Row("page_media_view", 10, EndOfDay.AddHours(1));
        var again = first.MergedWith(Row("page_media_view", 10, EndOfDay.AddHours(2)))!;
        Assert.Equal(EndOfDay.AddHours(2), again.CapturedAt);
        Assert.Equal(Stamp(first), Stamp(again));
        Assert.Null(again.MergedWith(Row("page_media_view", 10, EndOfDay.AddHours(1)))); // an old capture of the same value: nothing to write

        var changed = again.MergedWith(Row("page_media_view", 12, EndOfDay.AddHours(3)))!;
        Assert.True(Grew(Stamp(again), Stamp(changed)));

        // Two values captured at the same time: the larger is kept, and the stamp still grows, now and at the next change.
        var tie = changed.MergedWith(Row("page_media_view", 13, EndOfDay.AddHours(3)))!;
        Assert.Equal(13, tie.Value);
        Assert.True(Grew(Stamp(changed), Stamp(tie)));
        var afterTie = tie.MergedWith(Row("page_media_view", 11, EndOfDay.AddHours(4)))!;
        Assert.True(Grew(Stamp(tie), Stamp(afterTie)));
        Assert.Equal(Stamp(afterTie), Stamp(afterTie.MergedWith(Row("page_media_view", 11, EndOfDay.AddHours(6)))!));

        // Captured exactly at the end of Meta's day (complete), then changed a moment later.
        var atEnd = Row("page_media_view", 5, EndOfDay);
        Assert.True(atEnd.Complete);
        Assert.True(Grew(Stamp(atEnd), Stamp(atEnd.MergedWith(Row("page_media_view", 6, EndOfDay.AddMilliseconds(1)))!)));
    }

    [Fact]
    public void Summary_names_each_series_and_the_old_source_only_where_an_alias_was_used()
    {
        var captured = EndOfDay.AddHours(3);
        var rows = new[]
        {
            Row("page_impressions", 5200, captured),          // old name, Meta still answered it that day
            Row("page_fans", 990, captured),                  // old name ...
            Row("page_follows", 1003, captured),              // ... and the new one: the new one wins
            Row("page_views_total", 77, captured),
        };

        var metaDay = Listening.Core.Aggregation.MetaDays.Summarize(Day, rows, MetricNames.Aliases(null))!;

        Assert.Equal(Day, metaDay.Date);
        Assert.Equal(5200, metaDay.Metrics["page_media_view"]);
        Assert.Equal(1003, metaDay.Metrics["page_follows"]);
        Assert.Equal(77, metaDay.Metrics["page_views_total"]);
        Assert.False(metaDay.Metrics.ContainsKey("page_impressions"));
        Assert.Equal(new Dictionary<string, string> { ["page_media_view"] = "page_impressions" }, metaDay.Sources);
        Assert.Null(Listening.Core.Aggregation.MetaDays.Summarize(Day, [], MetricNames.Aliases(null)));
    }

    [Fact]
    public void Meta_day_serializes_as_the_contract_says()
    {
        var summary = new MetaDaySummary
        {
            Date = Day,
            Metrics = new SortedDictionary<string, long>(StringComparer.Ordinal) { ["page_media_view"] = 0, ["page_follows"] = 12 },
            Sources = new SortedDictionary<string, string>(StringComparer.Ordinal) { ["page_media_view"] = "page_impressions" },
        };
        var page = new PageDaySummary
        {
            PageId = "1", Name = "Kreis", Date = Day, GeneratedAt = EndOfDay, Followers = new(1, 0), Likes = new(1, 0),
            Reactions = ReactionCounts.Zero, Comments = 0, Shares = 0, Posts = [], MetaDay = summary,
        };

        var json = JsonSerializer.Serialize(page, SummaryJsonContext.Default.PageDaySummary);

        using var document = JsonDocument.Parse(json);
        var metaDay = document.RootElement.GetProperty("metaDay");
        Assert.Equal("2026-11-26", metaDay.GetProperty("date").GetString());
        Assert.Equal(0, metaDay.GetProperty("metrics").GetProperty("page_media_view").GetInt64());
        Assert.Equal("page_impressions", metaDay.GetProperty("sources").GetProperty("page_media_view").GetString());
        Assert.Equal(summary.Metrics, JsonSerializer.Deserialize(json, SummaryJsonContext.Default.PageDaySummary)!.MetaDay!.Metrics);
    }

    [Fact]
    public void A_backfill_of_two_years_splits_into_parts_under_the_queue_limit_and_loses_no_value()
    {
        var values = Enumerable.Range(0, 730)
            .SelectMany(d => MetricNames.DefaultPageMetrics.Select(m => new InsightValue { Metric = m, EndTime = EndOfDay.AddDays(-d), Value = d * 7 }))
            .ToList();
        var capture = new PageCapture { PageId = "104857600000001", PageName = "Kreis", CapturedAt = EndOfDay.AddDays(1), Insights = values, Backfill = true };

        var parts = SnapshotSplitter.Split(capture);

        Assert.True(parts.Count > 1);
        Assert.All(parts, p => Assert.True(Encoding.UTF8.GetByteCount(MessageCodec.Encode(p)) <= MessageSchema.MaxPayloadBytes));
        Assert.All(parts, p => Assert.True(p.Backfill));
        Assert.Equal(values.Count, parts.Sum(p => p.Insights.Count));
        var decoded = parts.Select(p => MessageCodec.DecodeSnapshot(MessageCodec.Encode(p), EndOfDay.AddDays(1))).ToList();
        Assert.Equal(values.ToHashSet(), decoded.SelectMany(p => p.Insights).ToHashSet());
    }

    [Theory]
    [InlineData("""{"metric":"page_media_view","endTime":"2026-11-27T08:00:00Z","value":-1}""", "negative")]
    [InlineData("""{"metric":"Page Media","endTime":"2026-11-27T08:00:00Z","value":1}""", "metric name")]
    [InlineData("""{"metric":"page_media_view","endTime":"2026-11-27T08:00:00Z","value":1},{"metric":"page_media_view","endTime":"2026-11-27T08:00:00Z","value":2}""", "twice")]
    public void Bad_insight_values_are_rejected_with_a_reason(string values, string reason)
    {
        var body = "{\"schema\":1,\"pageId\":\"1\",\"pageName\":\"x\",\"capturedAt\":\"2026-11-27T09:00:00Z\",\"parts\":1,\"posts\":[],\"insights\":[" + values + "]}";

        var ex = Assert.Throws<InvalidMessageException>(() => MessageCodec.DecodeSnapshot(body, EndOfDay.AddHours(2)));

        Assert.Contains(reason, ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_snapshot_without_insights_from_before_this_field_still_reads()
    {
        var snapshot = MessageCodec.DecodeSnapshot("{\"schema\":1,\"pageId\":\"1\",\"pageName\":\"x\",\"capturedAt\":\"2026-11-27T09:00:00Z\",\"parts\":1,\"posts\":[]}", EndOfDay.AddHours(2));

        Assert.Empty(snapshot.Insights);
        Assert.False(snapshot.Backfill);
    }

    [Theory]
    [InlineData("""{"schema":1,"pageId":"1","kind":"insights","requestedAt":"2026-11-27T09:00:00Z","since":"2026-01-01","until":"2026-06-01"}""", "90 days")]
    [InlineData("""{"schema":1,"pageId":"1","kind":"posts","requestedAt":"2026-11-27T09:00:00Z","until":"2026-06-01"}""", "without since")]
    [InlineData("""{"schema":1,"pageId":"1","kind":"posts","requestedAt":"2026-11-27T09:00:00Z","since":"2026-06-02","until":"2026-06-01"}""", "after until")]
    public void Impossible_ranges_in_pull_requests_are_rejected(string body, string reason)
    {
        var ex = Assert.Throws<InvalidMessageException>(() => MessageCodec.DecodePull(body, EndOfDay.AddHours(2)));

        Assert.Contains(reason, ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_backfill_window_of_90_days_is_accepted()
    {
        var request = MessageCodec.DecodePull("""{"schema":1,"pageId":"1","kind":"insights","requestedAt":"2026-11-27T09:00:00Z","since":"2026-01-01","until":"2026-03-31"}""", EndOfDay.AddHours(2));

        Assert.Equal(new DateOnly(2026, 3, 31), request.Until);
    }

    [Fact]
    public void Backoff_starts_at_15_minutes_doubles_and_stops_at_a_day()
    {
        Assert.InRange(PagePuller.Backoff(0), TimeSpan.FromMinutes(15), TimeSpan.FromMinutes(18));
        Assert.InRange(PagePuller.Backoff(1), TimeSpan.FromMinutes(30), TimeSpan.FromMinutes(36));
        Assert.InRange(PagePuller.Backoff(3), TimeSpan.FromMinutes(120), TimeSpan.FromMinutes(144));
        Assert.InRange(PagePuller.Backoff(30), TimeSpan.FromHours(24), TimeSpan.FromHours(24 * 1.2));
    }
}
