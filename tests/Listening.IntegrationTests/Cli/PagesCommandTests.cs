using System.Globalization;
using Listening.Cli;
using Listening.Core.Configuration;
using Listening.Core.Contracts;
using Listening.Core.Ingestion;
using Listening.Core.Pipeline;
using Listening.Core.Storage;
using Listening.IntegrationTests.Facebook;
using Listening.IntegrationTests.Infrastructure;
using Microsoft.Extensions.Logging;

namespace Listening.IntegrationTests.Cli;

/// <summary>
/// <c>listening pages add|list|pause|resume|remove</c> against the fake Graph API and Azurite: the Page registry beside
/// the configured Page, tokens in the local secret store (a temporary folder), never in a table or a log.
/// </summary>
public sealed class PagesCommandTests : IAsyncDisposable
{
    private const string RegisteredId = "104857600000777";
    private const string RegisteredToken = "EAAGRegisteredPageTokenQq9876543210";
    private const string WrongToken = "EAAGWrongRegisteredTokenZz1122334455";

    private readonly string _secrets = Path.Combine(Path.GetTempPath(), "listening-secrets-" + Guid.NewGuid().ToString("N"));
    private GraphScenario? _scenario;

    private async Task<GraphScenario> StartAsync(Dictionary<string, string?>? settings = null)
    {
        settings ??= [];
        settings["Listening:PageRegistry:LocalSecretsPath"] = _secrets;
        _scenario = await GraphScenario.StartAsync(settings: settings, minimumLogLevel: LogLevel.Trace);
        _scenario.Graph.OtherPageIds.Add(RegisteredId);
        return _scenario;
    }

    private static async Task<(int Exit, string Output)> AddAsync(GraphScenario s, string token, string? name = "Stadt Lippstadt")
    {
        using var output = new StringWriter(CultureInfo.InvariantCulture);
        using var input = new StringReader(token + "\n");
        var exit = await PagesCommand.AddAsync(s.App.Services, RegisteredId, name, null, input, output, CancellationToken.None);
        return (exit, output.ToString());
    }

    private static async Task<(int Exit, string Output)> ChangeAsync(GraphScenario s, string verb)
    {
        using var output = new StringWriter(CultureInfo.InvariantCulture);
        var exit = await PagesCommand.ChangeAsync(s.App.Services, verb, RegisteredId, output, CancellationToken.None);
        return (exit, output.ToString());
    }

    private static async Task<List<string>> ScheduledAsync(GraphScenario s)
    {
        await s.App.Get<PullScheduler>().ScheduleAsync(everyPage: true, CancellationToken.None);
        var ids = new List<string>();
        await s.App.DeliverAsync(s.App.Options.Queues.Pulls, m =>
        {
            ids.Add(MessageCodec.DecodePull(m.Body.ToString(), s.App.Time.GetUtcNow()).PageId);
            return Task.CompletedTask;
        });
        return ids;
    }

    /// <summary>Every string in every row of every table of the app.</summary>
    private static async Task<List<string>> AllStoredTextAsync(GraphScenario s)
    {
        await s.App.Tables.EnsureCreatedAsync(CancellationToken.None);
        var texts = new List<string>();
        foreach (var table in s.App.Tables.All)
        {
            foreach (var row in await TestApp.RowsAsync(table))
            {
                texts.Add(row.PartitionKey + "|" + row.RowKey);
                texts.AddRange(((IDictionary<string, object>)row).Values.Select(v => v switch
                {
                    byte[] bytes => Convert.ToBase64String(bytes) + System.Text.Encoding.UTF8.GetString(bytes),
                    _ => Convert.ToString(v, CultureInfo.InvariantCulture) ?? "",
                }));
            }
        }

        return texts;
    }

    [Fact]
    public async Task Add_refuses_a_wrong_token_before_anything_is_saved()
    {
        var s = await StartAsync();
        s.Graph.InvalidTokens.Add(WrongToken);

        var (exit, output) = await AddAsync(s, WrongToken);

        Assert.Equal(1, exit);
        Assert.Contains($"Page {RegisteredId} was not added: the token could not be inspected", output, StringComparison.Ordinal);
        Assert.Contains("Nothing was saved.", output, StringComparison.Ordinal);
        Assert.Empty(await s.App.Get<PageRegistry>().AllAsync(CancellationToken.None));
        Assert.False(Directory.Exists(_secrets) && Directory.EnumerateFiles(_secrets).Any(), "no token file is written for a refused token");
        Assert.DoesNotContain(WrongToken, output, StringComparison.Ordinal);
        Assert.Equal([s.Page.Id], await ScheduledAsync(s));
    }

    [Fact]
    public async Task Add_with_token_stdin_keeps_the_token_in_the_local_store_and_in_no_table_or_log()
    {
        var s = await StartAsync();

        var (exit, output) = await AddAsync(s, RegisteredToken);
        await s.App.Get<PullScheduler>().ScheduleAsync(everyPage: true, CancellationToken.None);
        var drained = await s.App.Get<QueueDrain>().RunAsync(CancellationToken.None);

        Assert.Equal(0, exit);
        Assert.Contains($"Added Page {RegisteredId} (Stadt Lippstadt): the token is valid and kept in the local secret store {_secrets} as listening-page-{RegisteredId}", output, StringComparison.Ordinal);
        Assert.Empty(drained.Failures);
        var file = Path.Combine(_secrets, "listening-page-" + RegisteredId);
        Assert.Equal(RegisteredToken, await File.ReadAllTextAsync(file));
        if (!OperatingSystem.IsWindows())
        {
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(file));
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute, File.GetUnixFileMode(_secrets));
        }
        var registered = Assert.Single(await s.App.Get<PageRegistry>().AllAsync(CancellationToken.None));
        Assert.Equal("listening-page-" + RegisteredId, registered.TokenSecret);

        var stored = await AllStoredTextAsync(s);
        Assert.Contains(stored, t => t.Contains(RegisteredId, StringComparison.Ordinal)); // the scan sees the Page's rows
        Assert.DoesNotContain(stored, t => t.Contains(RegisteredToken, StringComparison.Ordinal));
        Assert.DoesNotContain(stored, t => t.Contains(FirstHalf(RegisteredToken), StringComparison.Ordinal));
        var logs = s.App.Logs!.GetSnapshot();
        Assert.NotEmpty(logs);
        Assert.DoesNotContain(logs, l => l.Message.Contains(RegisteredToken, StringComparison.Ordinal) || (l.Exception?.ToString() ?? "").Contains(RegisteredToken, StringComparison.Ordinal));
        Assert.DoesNotContain(RegisteredToken, output, StringComparison.Ordinal);
        Assert.Equal(Redaction.Mask, s.App.Get<SecretMasker>().Mask(RegisteredToken));
    }

    // The token's first half: a row that held a piece of it would show it.
    private static string FirstHalf(string token) => token[..(token.Length / 2)];

    [Fact]
    public async Task Configured_and_registered_Pages_are_both_pulled_and_summarized()
    {
        var s = await StartAsync();
        s.AddPost(1, TimeSpan.FromHours(3), like: 5);
        Assert.Equal(0, (await AddAsync(s, RegisteredToken)).Exit);

        var scheduled = await s.App.Get<PullScheduler>().ScheduleAsync(everyPage: true, CancellationToken.None);
        var drained = await s.App.Get<QueueDrain>().RunAsync(CancellationToken.None);

        Assert.Equal(2, scheduled);
        Assert.Empty(drained.Failures);
        Assert.Equal(2, drained.Done.GetValueOrDefault(s.App.Options.Queues.Pulls));
        Assert.All(drained.Pulls, p => Assert.Equal(PullStatus.Pulled, p.Outcome.Status));
        var today = s.App.Get<LocalCalendar>().DateOf(s.App.Time.GetUtcNow());
        var summary = await s.App.Get<Core.Summaries.SummaryReader>().ReadDayAsync(today, null, CancellationToken.None);
        Assert.NotNull(summary);
        Assert.Equal([s.Page.Id, RegisteredId], summary.Summary.Pages.Select(p => p.PageId).Order(StringComparer.Ordinal));
        Assert.False(summary.Summary.Demo);
    }

    [Fact]
    public async Task Pause_stops_the_Pages_pulls_and_resume_starts_them_again()
    {
        var s = await StartAsync();
        Assert.Equal(0, (await AddAsync(s, RegisteredToken)).Exit);
        Assert.Equal([s.Page.Id, RegisteredId], (await ScheduledAsync(s)).Order(StringComparer.Ordinal));

        var (paused, pauseOutput) = await ChangeAsync(s, "pause");
        var whilePaused = await ScheduledAsync(s);
        using var list = new StringWriter(CultureInfo.InvariantCulture);
        await PagesCommand.ListAsync(s.App.Services, list, CancellationToken.None);
        var (resumed, _) = await ChangeAsync(s, "resume");
        var afterResume = await ScheduledAsync(s);

        Assert.Equal(0, paused);
        Assert.Contains($"Paused Page {RegisteredId}", pauseOutput, StringComparison.Ordinal);
        Assert.Equal([s.Page.Id], whilePaused);
        Assert.Contains($"{RegisteredId}  Stadt Lippstadt  paused  (registry, token secret listening-page-{RegisteredId})", list.ToString(), StringComparison.Ordinal);
        Assert.Contains($"{s.Page.Id}  Kreis Soest  active  (configured in Listening:Pages)", list.ToString(), StringComparison.Ordinal);
        Assert.Equal(0, resumed);
        Assert.Equal([s.Page.Id, RegisteredId], afterResume.Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task Remove_stops_the_pulls_and_keeps_the_Pages_history()
    {
        var s = await StartAsync();
        s.AddPost(1, TimeSpan.FromHours(3), like: 5);
        Assert.Equal(0, (await AddAsync(s, RegisteredToken)).Exit);
        await s.App.Get<PullScheduler>().ScheduleAsync(everyPage: true, CancellationToken.None);
        await s.App.Get<QueueDrain>().RunAsync(CancellationToken.None);
        var today = s.App.Get<LocalCalendar>().DateOf(s.App.Time.GetUtcNow());

        var (exit, output) = await ChangeAsync(s, "remove");
        var (again, againOutput) = await ChangeAsync(s, "remove");

        Assert.Equal(0, exit);
        Assert.Contains("its summaries, observations and archive stay until retention deletes them", output, StringComparison.Ordinal);
        Assert.Contains($"Its token was deleted from the local secret store {_secrets}.", output, StringComparison.Ordinal);
        Assert.False(File.Exists(Path.Combine(_secrets, "listening-page-" + RegisteredId)), "the local token file goes with the Page");
        Assert.DoesNotContain(RegisteredToken, output, StringComparison.Ordinal);
        Assert.Equal(1, again);
        Assert.Contains("is not in the registry", againOutput, StringComparison.Ordinal);
        Assert.Equal([s.Page.Id], await ScheduledAsync(s));
        var kept = await s.App.Get<ISummaryStore>().ReadRangeAsync(RegisteredId, today, today, CancellationToken.None);
        Assert.Single(kept);
    }

    [Fact]
    public async Task Remove_leaves_a_token_secret_that_another_Page_still_uses()
    {
        var s = await StartAsync();
        await new LocalPageTokens(_secrets).SetAsync("shared-token", RegisteredToken, CancellationToken.None);
        await s.App.Get<PageRegistry>().SaveAsync(new RegisteredPage("104857600000778", "Stadt Soest", "shared-token", false, s.App.Time.GetUtcNow()), CancellationToken.None);
        using var addOutput = new StringWriter(CultureInfo.InvariantCulture);
        Assert.Equal(0, await PagesCommand.AddAsync(s.App.Services, RegisteredId, null, "shared-token", null, addOutput, CancellationToken.None));

        var (exit, output) = await ChangeAsync(s, "remove");

        Assert.Equal(0, exit);
        Assert.Contains("The token secret shared-token stays: another Page uses it.", output, StringComparison.Ordinal);
        Assert.True(File.Exists(Path.Combine(_secrets, "shared-token")));
    }

    [Fact]
    public async Task Backfill_accepts_a_Page_that_is_only_in_the_registry()
    {
        // No configured Page has a token: without the registry this installation runs the demo Page.
        var s = await StartAsync(new Dictionary<string, string?> { ["Listening:Pages:0:AccessToken"] = "" });
        var today = s.App.Get<LocalCalendar>().DateOf(s.App.Time.GetUtcNow());
        var backfill = s.App.Get<PageBackfill>();
        var refused = await backfill.CheckAsync(today.AddDays(-7), today, CancellationToken.None);

        Assert.Equal(0, (await AddAsync(s, RegisteredToken)).Exit);
        s.App.Time.Advance(PageDirectory.RegistryCacheTime); // the running app reads the registry again
        var accepted = await s.App.Get<PageBackfill>().CheckAsync(today.AddDays(-7), today, CancellationToken.None);

        Assert.Contains("Backfill needs a Page with a token (listening pages add", refused, StringComparison.Ordinal);
        Assert.Null(accepted);
    }

    [Fact]
    public async Task Add_with_token_secret_reads_the_named_secret_and_refuses_a_missing_one()
    {
        var s = await StartAsync();
        await new LocalPageTokens(_secrets).SetAsync("lippstadt-token", RegisteredToken, CancellationToken.None);

        using var missingOutput = new StringWriter(CultureInfo.InvariantCulture);
        var missing = await PagesCommand.AddAsync(s.App.Services, RegisteredId, null, "no-such-secret", null, missingOutput, CancellationToken.None);
        using var badNameOutput = new StringWriter(CultureInfo.InvariantCulture);
        var badName = await PagesCommand.AddAsync(s.App.Services, RegisteredId, null, "../etc/passwd", null, badNameOutput, CancellationToken.None);
        using var output = new StringWriter(CultureInfo.InvariantCulture);
        var exit = await PagesCommand.AddAsync(s.App.Services, RegisteredId, null, "lippstadt-token", null, output, CancellationToken.None);

        Assert.Equal(2, missing);
        Assert.Contains("There is no secret no-such-secret in the local secret store", missingOutput.ToString(), StringComparison.Ordinal);
        Assert.Equal(2, badName);
        Assert.Contains("--token-secret must be a secret name", badNameOutput.ToString(), StringComparison.Ordinal);
        Assert.Equal(0, exit);
        var page = Assert.Single(await s.App.Get<PageRegistry>().AllAsync(CancellationToken.None));
        Assert.Equal(("lippstadt-token", "Seite " + RegisteredId), (page.TokenSecret, page.Name));
        var found = await s.App.Get<PageDirectory>().FindAsync(RegisteredId, CancellationToken.None);
        Assert.Equal(RegisteredToken, found?.AccessToken);
    }

    [Fact]
    public async Task Add_refuses_a_Page_configured_in_the_settings_and_a_token_Meta_cannot_check_now()
    {
        var s = await StartAsync();
        using var configuredOutput = new StringWriter(CultureInfo.InvariantCulture);
        using var input = new StringReader(RegisteredToken);
        var configured = await PagesCommand.AddAsync(s.App.Services, s.Page.Id, null, null, input, configuredOutput, CancellationToken.None);
        s.Graph.Error = (503, 2, null, "(#2) Service temporarily unavailable");

        var (unavailable, output) = await s.WithClockRunningAsync(() => AddAsync(s, RegisteredToken));

        Assert.Equal(2, configured);
        Assert.Contains("is configured in the settings", configuredOutput.ToString(), StringComparison.Ordinal);
        Assert.Equal(3, unavailable);
        Assert.Contains("the token could not be checked", output, StringComparison.Ordinal);
        Assert.Empty(await s.App.Get<PageRegistry>().AllAsync(CancellationToken.None));
    }

    public async ValueTask DisposeAsync()
    {
        if (_scenario is not null)
        {
            await _scenario.DisposeAsync();
        }

        if (Directory.Exists(_secrets))
        {
            Directory.Delete(_secrets, recursive: true);
        }
    }
}
