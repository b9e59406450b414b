using Listening.Core.Configuration;
using Listening.Core.Meta;
using Listening.Core.Ingestion;
using Listening.Core.Contracts;
using Listening.IntegrationTests.Infrastructure;
using Microsoft.Extensions.Logging;

namespace Listening.IntegrationTests.Facebook;

/// <summary>The fake Graph API on 127.0.0.1 and the app's real composition pointed at it, with one configured Page.</summary>
public sealed class GraphScenario : IAsyncDisposable
{
    public const string Token = "EAAGPageTokenForTestsXyZ0123456789";

    /// <summary>A winter morning: Meta's days end at 08:00 UTC.</summary>
    public static readonly DateTimeOffset Winter = new(2026, 11, 27, 10, 0, 0, TimeSpan.Zero);

    private GraphScenario(FakeGraphApi graph, TestApp app)
    {
        Graph = graph;
        App = app;
    }

    public FakeGraphApi Graph { get; }

    public TestApp App { get; }

    public PageOptions Page => App.Options.Pages[0];

    public static async Task<GraphScenario> StartAsync(
        DateTimeOffset? now = null, IDictionary<string, string?>? settings = null, LogLevel minimumLogLevel = LogLevel.Debug, string token = Token)
    {
        var graph = await FakeGraphApi.StartAsync();
        var config = new Dictionary<string, string?>
        {
            ["Listening:Facebook:GraphBaseUrl"] = graph.BaseUri.ToString(),
            ["Listening:Pages:0:Id"] = graph.PageId,
            ["Listening:Pages:0:Name"] = "Kreis Soest",
            ["Listening:Pages:0:AccessToken"] = token,
        };
        foreach (var (key, value) in settings ?? new Dictionary<string, string?>())
        {
            config[key] = value;
        }

        var app = await TestApp.StartAsync(now ?? Winter, config, minimumLogLevel: minimumLogLevel);
        graph.Now = app.Time.GetUtcNow;
        return new GraphScenario(graph, app);
    }

    public FakePost AddPost(int number, TimeSpan age, long like = 0, long shares = 0)
    {
        var post = new FakePost
        {
            Id = $"{Graph.PageId}_{number}",
            CreatedTime = App.Time.GetUtcNow() - age,
            Message = $"Beitrag {number}",
            Like = like,
            Love = number % 3,
            Shares = shares,
            Comments = number % 4,
            Views = 100 * number,
            Reach = 60 * number,
        };
        lock (Graph.Posts)
        {
            Graph.Posts.Add(post);
        }

        return post;
    }

    /// <summary>A capture that must succeed.</summary>
    public async Task<PageCapture> CaptureAsync(PullPlan plan) =>
        Assert.IsType<PullResult.Ok>(await TryCaptureAsync(plan)).Capture;

    public Task<PullResult> TryCaptureAsync(PullPlan plan) =>
        App.Get<GraphPageSource>().CaptureAsync(Page, plan, CancellationToken.None);

    /// <summary>A pull as the pull queue handler runs it: the puller, then the alerts derived from its outcome.</summary>
    public async Task<PullOutcome> PullAsync(PullKind kind = PullKind.Posts, DateOnly? since = null, DateOnly? until = null)
    {
        var outcome = await App.Get<PagePuller>().PullAsync(
            new PullRequest { PageId = Page.Id, Kind = kind, Since = since, Until = until, RequestedAt = App.Time.GetUtcNow() },
            CancellationToken.None);
        await App.Get<Listening.Core.Notifications.Alerts.IngestionAlerts>().RaiseAsync(outcome, CancellationToken.None);
        return outcome;
    }

    /// <summary>
    /// Runs <paramref name="work"/> while the fake clock moves a second every few real milliseconds, so that the
    /// resilience handler's delays and attempt timeouts (which run on the app's TimeProvider) elapse.
    /// </summary>
    /// <param name="advanceWhile">When given, the clock stops once it is false (e.g. once the retry reached the fake):
    /// on a loaded machine a real answer can take longer than the fake seconds that pass meanwhile.</param>
    public async Task<T> WithClockRunningAsync<T>(Func<Task<T>> work, Func<bool>? advanceWhile = null)
    {
        var task = work();
        while (!task.IsCompleted)
        {
            await Task.WhenAny(task, Task.Delay(15));
            if (advanceWhile?.Invoke() ?? true)
            {
                App.Time.Advance(TimeSpan.FromSeconds(1));
            }
        }

        return await task;
    }

    public async ValueTask DisposeAsync()
    {
        await App.DisposeAsync();
        await Graph.DisposeAsync();
    }
}
