using Listening.Core.Configuration;
using Listening.Core.Ingestion;
using Listening.Core.Snapshots;

namespace Listening.Core.Sample;

/// <summary>The embedded demo Page (placeholder: replaced by the full 30-day story).</summary>
public sealed class DemoPage(DateOnly firstDay, LocalCalendar calendar)
{
    public const string PageId = "100000000000001";
    public const string PageName = "Kreis Musterstadt (Demo)";

    public DateOnly FirstDay => firstDay;

    public PageCapture Observe(DateTimeOffset at, int lookbackDays)
    {
        var start = calendar.StartOf(firstDay);
        var hours = Math.Max(0, (at - start).TotalHours);
        var posts = new List<PostObservation>();
        for (var day = 0; day < 30; day++)
        {
            var created = start.AddDays(day).AddHours(9);
            if (created > at || created < at.AddDays(-lookbackDays))
            {
                continue;
            }

            var age = (at - created).TotalHours;
            var like = (long)(100 * (1 - Math.Exp(-age / 6)));
            posts.Add(new PostObservation
            {
                Id = $"{PageId}_{day + 1}",
                CreatedTime = created,
                Message = $"Beitrag {day + 1}",
                Permalink = $"https://www.facebook.com/{PageId}/posts/{day + 1}",
                Reactions = new ReactionCounts { Like = like },
            });
        }

        return new PageCapture { PageId = PageId, PageName = PageName, Demo = true, CapturedAt = at, Followers = 950 + (long)(hours / 10), Fans = 900, Posts = posts };
    }
}

/// <summary>The demo Page as a source: what it shows at the current time.</summary>
public sealed class DemoPageSource(DemoPage demo, TimeProvider time, Microsoft.Extensions.Options.IOptions<ListeningOptions> options) : IPageSource
{
    public Task<PageCapture> CaptureAsync(PageOptions page, CancellationToken cancellationToken) =>
        Task.FromResult(demo.Observe(time.GetUtcNow(), options.Value.Facebook.PostLookbackDays));
}
