using Azure.Data.Tables;
using Listening.Core.Aggregation;
using Listening.Core.Configuration;
using Listening.Core.Contracts;
using Listening.Core.Storage;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using NSubstitute;

namespace Listening.Core.Tests.Aggregation;

/// <summary>The aggregation's services over substitute stores: a Page on 25.10.2026, the clock at noon of that day.</summary>
internal sealed class AggregationFakes
{
    public const string PageId = "104857600000001";
    public static readonly DateOnly Day = new(2026, 10, 25);

    public AggregationFakes()
    {
        Observations.ReadDaysAsync(default!, default, default, default).ReturnsForAnyArgs(_ => new ObservationRows());
        Observations.GiveawayPostsAsync(default!, default, default, default).ReturnsForAnyArgs(new List<PostDayEntity>());
        Observations.KeysAsync(default!, default, default, default).ReturnsForAnyArgs(new List<ObservationKey>());
    }

    public IObservationStore Observations { get; } = Substitute.For<IObservationStore>();

    public ISummaryStore Summaries { get; } = Substitute.For<ISummaryStore>();

    public DayRowsCache Cache { get; } = new();

    public SummaryVersions Versions { get; } = new();

    public LocalCalendar Calendar { get; } = new("Europe/Berlin");

    public FakeTimeProvider Time { get; } = new(new DateTimeOffset(2026, 10, 25, 10, 0, 0, TimeSpan.Zero));

    public static IOptions<ListeningOptions> Options { get; } = Microsoft.Extensions.Options.Options.Create(new ListeningOptions());

    public TopicRules Topics { get; } = new(Options);

    /// <summary>Never reached on the tables: the clock stands before the end of Meta's day, so no Meta values are read.</summary>
    private static ListeningStorage UnusedStorage { get; } = new(new TableServiceClient("UseDevelopmentStorage=true"), Options);

    public SummaryMaterializer Materializer() => new(
        Summaries, Observations, new ObservationReader(Observations, Cache), Topics, Versions, Calendar,
        NullLogger<SummaryMaterializer>.Instance, MetaDays());

    public SnapshotAggregator Aggregator() => new(
        new RawArchive(UnusedStorage), Observations, Materializer(), Topics, Cache, Calendar, Time,
        NullLogger<SnapshotAggregator>.Instance, MetaDays());

    /// <summary>The day's Page row as stored, with an ETag.</summary>
    public static PageDayEntity PageRow(DateOnly date, string etag, long followers = 1000) => new()
    {
        PartitionKey = PageId,
        RowKey = ObservationKeys.Page(date),
        ETag = new Azure.ETag(etag),
        ObservedAt = new DateTimeOffset(date.ToDateTime(new TimeOnly(9, 0)), TimeSpan.Zero),
        PageName = "Kreis Soest",
        Followers = followers,
        Observations = 1,
        CaptureTimes = "1",
    };

    public static ObservationRows Rows(params PageDayEntity[] pages)
    {
        var rows = new ObservationRows();
        rows.Pages.AddRange(pages);
        return rows;
    }

    public static PageSnapshot Snapshot(DateTimeOffset capturedAt) => new()
    {
        PageId = PageId,
        PageName = "Kreis Soest",
        CapturedAt = capturedAt,
        Followers = 1010,
        Posts = [new PostObservation { Id = PageId + "_7", CreatedTime = capturedAt.AddHours(-2), Message = "Ausbildung beim Kreis", Reactions = new ReactionCounts { Like = 3 } }],
    };

    private MetaDays MetaDays() => new(new MetaDayStore(UnusedStorage), Options, Time, NullLogger<MetaDays>.Instance);
}
