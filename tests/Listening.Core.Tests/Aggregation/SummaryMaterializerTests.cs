using Azure;
using Listening.Core.Storage;
using NSubstitute;

namespace Listening.Core.Tests.Aggregation;

/// <summary>The materializer's conditional write, against a substitute store: what it writes on, and when it retries.</summary>
public sealed class SummaryMaterializerTests
{
    private static readonly DateOnly Day = AggregationFakes.Day;
    private readonly AggregationFakes _fakes = new();

    public SummaryMaterializerTests()
    {
        _fakes.Observations.ReadDaysAsync(AggregationFakes.PageId, Day.AddDays(-1), Day, Arg.Any<CancellationToken>())
            .Returns(_ => AggregationFakes.Rows(AggregationFakes.PageRow(Day.AddDays(-1), "\"p0\""), AggregationFakes.PageRow(Day, "\"p1\"")));
    }

    [Fact]
    public async Task A_first_summary_is_inserted_and_its_version_remembered()
    {
        _fakes.Summaries.TryWriteAsync(Arg.Any<SummaryEntity>(), Arg.Any<ETag?>(), Arg.Any<CancellationToken>())
            .Returns(ConditionalWrite.Done(new ETag("\"s1\"")));

        var summary = await _fakes.Materializer().MaterializeAsync(AggregationFakes.PageId, Day, CancellationToken.None);

        Assert.Equal(Day, summary.Date);
        await _fakes.Summaries.Received(1).TryWriteAsync(
            Arg.Is<SummaryEntity>(e => e.PartitionKey == AggregationFakes.PageId && e.RowKey == "s_2026-10-25"), null, Arg.Any<CancellationToken>());
        Assert.Equal(new ETag("\"s1\""), _fakes.Versions.Get(AggregationFakes.PageId, Day)!.ETag);
    }

    [Fact]
    public async Task A_write_lost_to_another_writer_is_built_again_and_written_on_the_stored_version()
    {
        var theirs = new SummaryEntity { PartitionKey = AggregationFakes.PageId, RowKey = "2026-10-25", ETag = new ETag("\"theirs\""), Hash = "other" };
        _fakes.Summaries.ReadDayAsync(AggregationFakes.PageId, Day, Arg.Any<CancellationToken>())
            .Returns(null as SummaryEntity, theirs);
        _fakes.Summaries.TryWriteAsync(Arg.Any<SummaryEntity>(), Arg.Any<ETag?>(), Arg.Any<CancellationToken>())
            .Returns(ConditionalWrite.Conflict, ConditionalWrite.Done(new ETag("\"ours\"")));

        await _fakes.Materializer().MaterializeAsync(AggregationFakes.PageId, Day, CancellationToken.None);

        Received.InOrder(() =>
        {
            _fakes.Summaries.TryWriteAsync(Arg.Any<SummaryEntity>(), null, Arg.Any<CancellationToken>());
            _fakes.Summaries.TryWriteAsync(Arg.Any<SummaryEntity>(), new ETag("\"theirs\""), Arg.Any<CancellationToken>());
        });
        await _fakes.Observations.Received(2).ReadDaysAsync(AggregationFakes.PageId, Day.AddDays(-1), Day, Arg.Any<CancellationToken>());
        Assert.Equal(new ETag("\"ours\""), _fakes.Versions.Get(AggregationFakes.PageId, Day)!.ETag);
    }

    [Fact]
    public async Task A_stored_summary_built_from_more_data_is_kept_and_touched()
    {
        var newer = new SummaryEntity { ETag = new ETag("\"newer\""), StampTime = long.MaxValue, Hash = "newer" };
        _fakes.Summaries.ReadDayAsync(AggregationFakes.PageId, Day, Arg.Any<CancellationToken>()).Returns(newer);
        _fakes.Summaries.TryWriteAsync(Arg.Any<SummaryEntity>(), Arg.Any<ETag?>(), Arg.Any<CancellationToken>())
            .Returns(ConditionalWrite.Done(new ETag("\"touched\"")));

        await _fakes.Materializer().MaterializeAsync(AggregationFakes.PageId, Day, CancellationToken.None);

        // Written back as it was (issue 16): a new ETag, so that instances remembering the summary's inputs read them again.
        await _fakes.Summaries.Received(1).TryWriteAsync(newer, new ETag("\"newer\""), Arg.Any<CancellationToken>());
        var kept = _fakes.Versions.Get(AggregationFakes.PageId, Day)!;
        Assert.Equal((new ETag("\"touched\""), long.MaxValue, "newer"), (kept.ETag, kept.StampTime, kept.Hash));
    }

    [Fact]
    public async Task The_summary_this_instance_stored_last_needs_no_read_before_a_newer_one_replaces_it()
    {
        _fakes.Versions.Set(AggregationFakes.PageId, Day, new SummaryVersion(new ETag("\"mine\""), 1, 0, "old"));
        _fakes.Summaries.TryWriteAsync(Arg.Any<SummaryEntity>(), Arg.Any<ETag?>(), Arg.Any<CancellationToken>())
            .Returns(ConditionalWrite.Done(new ETag("\"next\"")));

        await _fakes.Materializer().MaterializeAsync(AggregationFakes.PageId, Day, CancellationToken.None);

        await _fakes.Summaries.DidNotReceiveWithAnyArgs().ReadDayAsync(default!, default, default);
        await _fakes.Summaries.Received(1).TryWriteAsync(Arg.Any<SummaryEntity>(), new ETag("\"mine\""), Arg.Any<CancellationToken>());
    }
}
