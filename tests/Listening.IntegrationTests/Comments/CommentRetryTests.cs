using Azure;
using Azure.Core;
using Azure.Core.Pipeline;
using Listening.Functions;
using Listening.IntegrationTests.Infrastructure;
using Microsoft.Extensions.Azure;
using static Listening.IntegrationTests.Comments.CommentScenario;

namespace Listening.IntegrationTests.Comments;

/// <summary>
/// A comments message that fails halfway (storage refuses one request after the comment rows are written) comes back,
/// as the host brings it back, and its second try finishes the work: the summary and the alert are not lost.
/// </summary>
public sealed class CommentRetryTests : IAsyncLifetime
{
    // Wednesday 2026-12-02, 09:00 in Berlin.
    private static readonly DateTimeOffset Morning = new(2026, 12, 2, 8, 0, 0, TimeSpan.Zero);
    private static readonly DateTimeOffset Now = Morning.AddHours(1);

    private readonly FailOnce _failure = new();
    private FakeTeamsWebhook _teams = null!;
    private CommentScenario _s = null!;

    public async Task InitializeAsync()
    {
        _teams = await FakeTeamsWebhook.StartAsync();
        _s = await StartAsync(Now, new Dictionary<string, string?> { ["Listening:Teams:WebhookUrl"] = _teams.Url("presse") },
            services => services.AddAzureClients(clients => clients.ConfigureDefaults(o => o.AddPolicy(_failure, HttpPipelinePosition.PerCall))));
    }

    public async Task DisposeAsync()
    {
        await _s.DisposeAsync();
        await _teams.DisposeAsync();
    }

    private static byte[] Storm() => Delivery(Morning.AddMinutes(30),
        Change("add", 1, "Wo gibt es Sandsäcke?", Morning.AddMinutes(1)),
        Change("add", 2, "Hilfe, der Keller ist voll", Morning.AddMinutes(2)),
        Change("add", 3, "Ihr Idioten", Morning.AddMinutes(3)));

    [Fact]
    public async Task A_message_that_failed_before_its_alerts_raises_them_when_it_comes_back()
    {
        _failure.When = r => r.Method == RequestMethod.Post && r.Uri.Path.Contains("/" + _s.App.Options.Queues.Notifications + "/messages", StringComparison.Ordinal);

        await RunAsync();

        Assert.Equal(1, _failure.Failed);
        Assert.Single(_teams.DeliveredText("presse"), t => t.Contains("Keller ist voll", StringComparison.Ordinal));
        Assert.Single(_teams.DeliveredText("presse"), t => t.Contains("Beleidigender Kommentar", StringComparison.Ordinal));
        Assert.Equal(2, _teams.DeliveredText("presse").Count);
    }

    [Fact]
    public async Task A_message_that_failed_before_its_summary_rebuilds_it_when_it_comes_back()
    {
        // The comment handler writes nothing but summaries to the Page days' table.
        var summaries = _s.App.Tables.PageDays.Name;
        _failure.When = r => r.Method != RequestMethod.Get && r.Uri.Path.Contains("/" + summaries, StringComparison.Ordinal);

        await RunAsync();

        Assert.Equal(1, _failure.Failed);
        var day = await Listening.IntegrationTests.Summaries.HttpCall.DayAsync(_s.App, "2026-12-02", "format=json&page=" + PageId);
        var triage = day.Json["pages"]![0]!["commentTriage"];
        Assert.True(triage is not null, "the day summary has no commentTriage: it was not rebuilt");
        Assert.Equal((1, 1, 1), (triage["questions"]!.GetValue<int>(), triage["urgent"]!.GetValue<int>(), triage["abusive"]!.GetValue<int>()));
        Assert.Equal(2, _teams.DeliveredText("presse").Count);
    }

    private async Task RunAsync()
    {
        Assert.Equal(200, await _s.PostAsync(Storm()));
        var triaged = await HostQueueDrain.DrainAsync(_s.App.Queue(_s.App.Options.Queues.Comments), _s.App.Queue(_s.App.Options.Queues.Comments + "-poison"), 1,
            m => _s.App.Get<TriageComments>().Run(m, CancellationToken.None));
        Assert.Equal((1, 1, 0), (triaged.Handled, triaged.Failed, triaged.Poisoned));
        _failure.When = null;
        await HostQueueDrain.DrainAsync(_s.App.Queue(_s.App.Options.Queues.Notifications), _s.App.Queue(_s.App.Options.Queues.Notifications + "-poison"), 1,
            m => _s.App.Get<SendNotification>().Run(m, CancellationToken.None));
    }

    /// <summary>Storage answers the first request that matches <see cref="When"/> with a failure, before it is sent.</summary>
    private sealed class FailOnce : HttpPipelineSynchronousPolicy
    {
        private int _failed;

        public Func<Request, bool>? When { get; set; }

        public int Failed => _failed;

        public override void OnSendingRequest(HttpMessage message)
        {
            if (When is { } when && when(message.Request) && Interlocked.CompareExchange(ref _failed, 1, 0) == 0)
            {
                throw new RequestFailedException(503, "Storage is busy (injected by the test).");
            }
        }
    }
}
