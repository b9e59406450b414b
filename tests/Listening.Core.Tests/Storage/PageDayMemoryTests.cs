using Listening.Core.Summaries;
using Listening.Core.Storage;

namespace Listening.Core.Tests.Storage;

public sealed class PageDayMemoryTests
{
    private static readonly DateOnly Day = new(2026, 11, 27);

    [Fact]
    public void Remembers_per_Page_and_day_and_forgets_on_request()
    {
        var memory = new SummaryVersions();
        var version = new SummaryVersion(new Azure.ETag("W/\"1\""), 10, 20, "abc");

        memory.Set("p1", Day, version);

        Assert.Same(version, memory.Get("p1", Day));
        Assert.Null(memory.Get("p1", Day.AddDays(1)));
        Assert.Null(memory.Get("p2", Day));
        memory.Forget("p1", Day);
        Assert.Null(memory.Get("p1", Day));
    }

    [Fact]
    public void Past_its_capacity_it_starts_over_instead_of_growing()
    {
        var memory = new SummaryVersions();
        var version = new SummaryVersion(new Azure.ETag("W/\"1\""), 10, 20, "abc");
        for (var i = 0; i < memory.Capacity; i++)
        {
            memory.Set("p" + i, Day, version);
        }

        memory.Set("latest", Day, version);

        Assert.Null(memory.Get("p0", Day));
        Assert.Null(memory.Get("p" + (memory.Capacity - 1), Day));
        Assert.Same(version, memory.Get("latest", Day));
    }
}
