using Azure.Data.Tables;
using Listening.Core.Storage;
using NSubstitute;

namespace Listening.Core.Tests.Aggregation;

/// <summary>The merge's conditional write, against a substitute store: a lost write is planned again from fresh rows.</summary>
public sealed class MergeConflictTests
{
    private static readonly DateOnly Day = AggregationFakes.Day;
    private static readonly DateTimeOffset Noon = new(2026, 10, 25, 10, 0, 0, TimeSpan.Zero);
    private readonly AggregationFakes _fakes = new();

    [Fact]
    public async Task A_lost_write_reads_the_day_again_and_writes_what_the_new_rows_need()
    {
        var stored = AggregationFakes.PageRow(Day, "\"theirs\"");
        _fakes.Observations.ReadDaysAsync(AggregationFakes.PageId, Day, Day, Arg.Any<CancellationToken>())
            .Returns(new ObservationRows(), AggregationFakes.Rows(stored));
        _fakes.Observations.TryWriteAsync(Arg.Any<IReadOnlyList<TableTransactionAction>>(), Arg.Any<CancellationToken>())
            .Returns(ObservationWrite.Conflict, new ObservationWrite(true, 1, KnownETags: true));

        var result = await _fakes.Aggregator().MergeAsync(AggregationFakes.Snapshot(Noon), CancellationToken.None);

        Assert.Equal(1, result.Transactions);
        var calls = _fakes.Observations.ReceivedCalls().Where(c => c.GetMethodInfo().Name == nameof(IObservationStore.TryWriteAsync)).ToList();
        Assert.Equal(2, calls.Count);
        var retried = (IReadOnlyList<TableTransactionAction>)calls[1].GetArguments()[0]!;
        var page = retried.Single(a => a.Entity is PageDayEntity);
        Assert.Equal(TableTransactionActionType.UpdateReplace, page.ActionType); // planned on the row the other writer stored
        Assert.Equal(stored.ETag, page.ETag);
        Assert.NotNull(_fakes.Cache.Get(AggregationFakes.PageId, Day));
    }

    [Fact]
    public async Task A_stale_memory_of_the_day_is_forgotten_and_the_day_read()
    {
        _fakes.Cache.Set(AggregationFakes.PageId, Day, AggregationFakes.Rows(AggregationFakes.PageRow(Day, "\"old\"")));
        _fakes.Observations.TryWriteAsync(Arg.Any<IReadOnlyList<TableTransactionAction>>(), Arg.Any<CancellationToken>())
            .Returns(ObservationWrite.Conflict, new ObservationWrite(true, 1, KnownETags: false));

        await _fakes.Aggregator().MergeAsync(AggregationFakes.Snapshot(Noon), CancellationToken.None);

        await _fakes.Observations.Received(1).ReadDaysAsync(AggregationFakes.PageId, Day, Day, Arg.Any<CancellationToken>());
        Assert.Null(_fakes.Cache.Get(AggregationFakes.PageId, Day)); // the new rows' ETags are not known: nothing remembered
    }
}
