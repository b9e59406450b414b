using Azure;
using Listening.Core.Aggregation;
using NSubstitute;

namespace Listening.Core.Tests.Aggregation;

/// <summary>A day as of its last committed merge: from memory while the commit point is unchanged, else read.</summary>
public sealed class ObservationReaderTests
{
    private static readonly DateOnly Day = AggregationFakes.Day;
    private readonly AggregationFakes _fakes = new();

    [Fact]
    public async Task A_day_without_a_commit_point_has_no_rows_and_is_not_read()
    {
        _fakes.Observations.CommitPointAsync(AggregationFakes.PageId, Day, Arg.Any<CancellationToken>()).Returns((ETag?)null);

        var rows = await new ObservationReader(_fakes.Observations, _fakes.Cache).CommittedDayAsync(AggregationFakes.PageId, Day, CancellationToken.None);

        Assert.Empty(rows.Pages);
        await _fakes.Observations.DidNotReceiveWithAnyArgs().ReadDaysAsync(default!, default, default, default);
    }

    [Fact]
    public async Task Remembered_rows_serve_while_the_commit_point_has_their_etag()
    {
        var remembered = AggregationFakes.Rows(AggregationFakes.PageRow(Day, "\"p1\""));
        _fakes.Cache.Set(AggregationFakes.PageId, Day, remembered);
        _fakes.Observations.CommitPointAsync(AggregationFakes.PageId, Day, Arg.Any<CancellationToken>()).Returns(new ETag("\"p1\""));

        var rows = await new ObservationReader(_fakes.Observations, _fakes.Cache).CommittedDayAsync(AggregationFakes.PageId, Day, CancellationToken.None);

        Assert.Same(remembered, rows);
        await _fakes.Observations.DidNotReceiveWithAnyArgs().ReadDaysAsync(default!, default, default, default);
    }

    [Fact]
    public async Task A_commit_since_is_read_afresh_and_remembered()
    {
        _fakes.Cache.Set(AggregationFakes.PageId, Day, AggregationFakes.Rows(AggregationFakes.PageRow(Day, "\"p1\"")));
        var fresh = AggregationFakes.Rows(AggregationFakes.PageRow(Day, "\"p2\""));
        _fakes.Observations.CommitPointAsync(AggregationFakes.PageId, Day, Arg.Any<CancellationToken>()).Returns(new ETag("\"p2\""));
        _fakes.Observations.ReadDaysAsync(AggregationFakes.PageId, Day, Day, Arg.Any<CancellationToken>()).Returns(fresh);

        var rows = await new ObservationReader(_fakes.Observations, _fakes.Cache).CommittedDayAsync(AggregationFakes.PageId, Day, CancellationToken.None);

        Assert.Same(fresh, rows);
        Assert.Same(fresh, _fakes.Cache.Get(AggregationFakes.PageId, Day));
    }
}
