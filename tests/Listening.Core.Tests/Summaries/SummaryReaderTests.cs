using Listening.Core.Aggregation;
using Listening.Core.Configuration;
using Listening.Core.Contracts;
using Listening.Core.Ingestion;
using Listening.Core.Storage;
using Listening.Core.Summaries;
using Microsoft.Extensions.Options;
using NSubstitute;

namespace Listening.Core.Tests.Summaries;

/// <summary>The reader's branches on what the store holds, without storage (the store's queries: the integration tests).</summary>
public sealed class SummaryReaderTests
{
    private const string PageId = "104857600000001";
    private static readonly DateOnly Day = SampleSummary.Day;
    private readonly ISummaryStore _store = Substitute.For<ISummaryStore>();

    [Fact]
    public async Task A_day_without_its_own_summary_is_not_found_even_when_the_day_before_has_one()
    {
        Stores(Stored(Day.AddDays(-1), "before"));

        Assert.Null(await Reader().ReadDayAsync(Day, null, CancellationToken.None));
        await _store.Received(1).ReadRangeAsync(PageId, Day.AddDays(-1), Day, Arg.Any<CancellationToken>());
    }

    [Fact]
    public async Task The_change_against_the_day_before_is_taken_from_the_stored_day_before()
    {
        var before = SampleSummary.Page() with { Date = Day.AddDays(-1), Comments = 40, Shares = 7 };
        Stores(Stored(Day.AddDays(-1), "before", before), Stored(Day, "day"));

        var read = await Reader().ReadDayAsync(Day, null, CancellationToken.None);

        var previous = Assert.Single(read!.Summary.Pages).PreviousDay!;
        Assert.Equal(Day.AddDays(-1), previous.Date);
        Assert.Equal(40, previous.Comments);
        Assert.Equal(7, previous.Shares);
        Assert.Equal(before.Reactions.Total, previous.Reactions);
    }

    [Fact]
    public async Task A_summary_stored_without_milestones_gets_them_worked_out_when_read()
    {
        var stored = SampleSummary.Page() with { Milestones = null };
        Stores(Stored(Day, "day", stored));

        var page = Assert.Single((await Reader().ReadDayAsync(Day, null, CancellationToken.None))!.Summary.Pages);

        Assert.NotNull(page.Milestones);
        Assert.Equal(Milestones.Of(stored), page.Milestones);
    }

    [Fact]
    public async Task The_validator_changes_with_the_day_before_and_stays_with_the_same_rows()
    {
        Stores(Stored(Day.AddDays(-1), "before-1"), Stored(Day, "day"));
        var first = await Reader().ReadDayAsync(Day, null, CancellationToken.None);
        var again = await Reader().ReadDayAsync(Day, null, CancellationToken.None);
        Stores(Stored(Day.AddDays(-1), "before-2"), Stored(Day, "day"));
        var changed = await Reader().ReadDayAsync(Day, null, CancellationToken.None);

        Assert.Equal(first!.ETag, again!.ETag);
        Assert.NotEqual(first.ETag, changed!.ETag);
    }

    [Fact]
    public async Task A_period_with_stored_days_only_before_it_is_not_found()
    {
        var from = Day.AddDays(1);
        var to = Day.AddDays(7);
        Stores(Stored(Day, "day"));

        Assert.Null(await Reader().ReadPeriodAsync(from, to, null, CancellationToken.None));
        await _store.Received(1).ReadRangeAsync(PageId, from.AddDays(-7), to, Arg.Any<CancellationToken>());
    }

    [Fact]
    public async Task A_report_served_from_memory_changes_when_a_stored_day_changes_and_a_parsed_day_is_parsed_again_after_a_write()
    {
        var decoded = new DecodedSummaries();
        var reader = Reader(decoded);
        var from = Day.AddDays(-6);
        Stores(Stored(Day, "day-1", SampleSummary.Page() with { Comments = 11 }, new Azure.ETag("W/\"1\"")));
        var first = await reader.ReadPeriodAsync(from, Day, null, CancellationToken.None);
        var again = await reader.ReadPeriodAsync(from, Day, null, CancellationToken.None);

        // The same row written again: new content, new hash, new ETag.
        Stores(Stored(Day, "day-2", SampleSummary.Page() with { Comments = 22 }, new Azure.ETag("W/\"2\"")));
        var changed = await reader.ReadPeriodAsync(from, Day, null, CancellationToken.None);

        Assert.Same(first!.Summary, again!.Summary);
        Assert.Equal(11, Assert.Single(first.Summary.Pages).Totals.Comments);
        Assert.NotEqual(first.ETag, changed!.ETag);
        Assert.Equal(22, Assert.Single(changed.Summary.Pages).Totals.Comments);
        Assert.Equal(22, Assert.Single((await reader.ReadDayAsync(Day, null, CancellationToken.None))!.Summary.Pages).Comments);
    }

    [Fact]
    public async Task A_parsed_day_is_parsed_again_when_its_ETag_changes_even_under_the_same_hash()
    {
        var decoded = new DecodedSummaries();
        var stored = Stored(Day, "same", SampleSummary.Page() with { Comments = 11 }, new Azure.ETag("W/\"1\"")).Entity;
        var rewritten = Stored(Day, "same", SampleSummary.Page() with { Comments = 33 }, new Azure.ETag("W/\"2\"")).Entity;

        Assert.Equal(11, decoded.Get(stored).Comments);
        Assert.Same(decoded.Get(stored), decoded.Get(stored));
        Assert.Equal(33, decoded.Get(rewritten).Comments);
    }

    [Fact]
    public async Task With_Instagram_off_the_stored_account_is_in_neither_the_day_nor_the_period_and_their_validators_change()
    {
        var instagram = new InstagramDaySummary { AccountId = "17841400000000001", Username = "kreis_soest", Followers = new CounterChange(5_010, 30), Media = [] };
        Stores(Stored(Day.AddDays(-1), "before", SampleSummary.Page() with { Date = Day.AddDays(-1), Instagram = instagram }), Stored(Day, "day", SampleSummary.Page() with { Instagram = instagram }));
        var decoded = new DecodedSummaries();

        var day = await Reader(decoded).ReadDayAsync(Day, null, CancellationToken.None);
        var period = await Reader(decoded).ReadPeriodAsync(Day.AddDays(-1), Day, null, CancellationToken.None);
        Assert.NotNull(Assert.Single(day!.Summary.Pages).Instagram);
        Assert.NotNull(Assert.Single(period!.Summary.Pages).Instagram);
        Assert.All(period.Summary.Pages[0].Days, d => Assert.NotNull(d.Instagram));

        // The same stored rows, the same cache of built reports: off strips the account from both, and neither is served as unchanged.
        var dayOff = await Reader(decoded, instagram: "off").ReadDayAsync(Day, null, CancellationToken.None);
        var periodOff = await Reader(decoded, instagram: "off").ReadPeriodAsync(Day.AddDays(-1), Day, null, CancellationToken.None);
        Assert.Null(Assert.Single(dayOff!.Summary.Pages).Instagram);
        var page = Assert.Single(periodOff!.Summary.Pages);
        Assert.Null(page.Instagram);
        Assert.All(page.Days, d => Assert.Null(d.Instagram));
        Assert.NotEqual(day.ETag, dayOff.ETag);
        Assert.NotEqual(period.ETag, periodOff.ETag);
    }

    private void Stores(params StoredSummary[] rows) =>
        _store.ReadRangeAsync(PageId, Arg.Any<DateOnly>(), Arg.Any<DateOnly>(), Arg.Any<CancellationToken>())
            .Returns(rows.ToList());

    private static StoredSummary Stored(DateOnly date, string hash, PageDaySummary? summary = null, Azure.ETag etag = default) => new(date, new SummaryEntity
    {
        ETag = etag,
        PartitionKey = PageId,
        RowKey = DayKey.Of(date),
        Json = SummaryEntity.Compress(summary ?? SampleSummary.Page() with { Date = date }),
        Hash = hash,
        Timestamp = new DateTimeOffset(2026, 11, 28, 5, 0, 0, TimeSpan.Zero),
    });

    private SummaryReader Reader(DecodedSummaries? decoded = null, string? instagram = null)
    {
        var options = Options.Create(new ListeningOptions { Pages = [new PageOptions { Id = PageId, Name = "Kreis Soest", AccessToken = "token", Instagram = instagram }] });
        return new SummaryReader(new PageDirectory(options), new LocalCalendar("Europe/Berlin"), _store, options, decoded);
    }
}
