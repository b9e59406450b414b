using System.Text;
using Listening.Cli;
using Listening.IntegrationTests.Infrastructure;

namespace Listening.IntegrationTests.Summaries;

/// <summary><c>listening summary</c> with --date or --from/--to and --format json|html|csv, on the same stored summaries.</summary>
public sealed class SummaryCommandTests : IAsyncLifetime
{
    private static readonly DateOnly Yesterday = DateOnly.FromDateTime(DateTime.UtcNow).AddDays(-1);
    private TestApp _app = null!;

    public async Task InitializeAsync()
    {
        // The CLI reads the real clock: the data sits on the days before today.
        _app = await TestApp.StartAsync(DateTimeOffset.UtcNow, StoredSummaries.TwoPages());
        await StoredSummaries.PutAsync(_app,
            StoredSummaries.Day(StoredSummaries.PageA, Yesterday.AddDays(-1), followers: 990, followerChange: 2, likes: 40, excerpt: "=HYPERLINK(\"http://x\")"),
            StoredSummaries.Day(StoredSummaries.PageA, Yesterday, followers: 1_004, followerChange: 14, likes: 120));
    }

    public async Task DisposeAsync() => await _app.DisposeAsync();

    [Fact]
    public async Task Summary_of_a_period_as_csv_for_german_excel()
    {
        var (code, output, error) = await RunAsync(null, Iso(Yesterday.AddDays(-6)), Iso(Yesterday), "csv");

        Assert.True(code == 0, error);
        Assert.Equal(new byte[] { 0xEF, 0xBB, 0xBF }, output[..3]);
        var csv = Encoding.UTF8.GetString(output, 3, output.Length - 3);
        Assert.StartsWith("Zeitraum;Datum;Seite;", csv, StringComparison.Ordinal);
        Assert.Contains(";Tag;", csv, StringComparison.Ordinal);
        Assert.Contains(";\"'=HYPERLINK(\"\"http://x\"\")\";", csv, StringComparison.Ordinal);
        Assert.EndsWith("\r\n", csv, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Summary_of_a_day_as_json_and_a_period_as_html()
    {
        var (dayCode, day, _) = await RunAsync(Iso(Yesterday), null, null, "json");
        var (periodCode, period, _) = await RunAsync(null, Iso(Yesterday.AddDays(-29)), Iso(Yesterday), "html");

        Assert.Equal(0, dayCode);
        Assert.Contains("\"followers\"", Encoding.UTF8.GetString(day), StringComparison.Ordinal);
        Assert.Equal(0, periodCode);
        Assert.Contains("<h1>Bericht ", Encoding.UTF8.GetString(period), StringComparison.Ordinal);
        Assert.DoesNotContain("Weitere Berichte", Encoding.UTF8.GetString(period), StringComparison.Ordinal); // a file has no neighbours to link to
    }

    [Fact]
    public async Task A_bad_period_is_explained_on_stderr_with_exit_code_2()
    {
        var (code, output, error) = await RunAsync(null, Iso(Yesterday), Iso(Yesterday.AddDays(-3)), "json");

        Assert.Equal(2, code);
        Assert.Empty(output);
        Assert.Contains("vor seinem Beginn", error, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(new[] { "summary", "--from", "2026-11-01" }, "--from and --to go together.")]
    [InlineData(new[] { "summary", "--date", "2026-11-01", "--from", "2026-11-01", "--to", "2026-11-02" }, "Give either --date or --from with --to.")]
    [InlineData(new[] { "summary" }, "Give either --date or --from with --to.")]
    public void Summary_options_must_name_a_day_or_a_period(string[] args, string message)
    {
        var parsed = ListeningCli.Build().Parse(args);

        Assert.Contains(parsed.Errors, e => e.Message == message);
    }

    [Fact]
    public async Task Insights_of_a_period_as_csv_and_a_bad_period_on_stderr()
    {
        var created = new Listening.Core.Configuration.LocalCalendar("Europe/Berlin").StartOf(Yesterday).AddHours(9);
        var post = new Listening.Core.Storage.PostDayEntity
        {
            PartitionKey = StoredSummaries.PageA, RowKey = Listening.Core.Storage.ObservationKeys.Post(Yesterday, "p1"), PostId = "p1",
            CreatedTime = created, ObservedAt = created.AddHours(3), Like = 40, Reach = 2_500, ReachAt = created.AddHours(3),
            Format = Listening.Core.Contracts.PostFormats.Reel, Topics = "Ausbildung/Bewerbung", Message = "=cmd|' /C calc'!A0",
        };
        await _app.Get<Listening.Core.Storage.IObservationStore>().TryWriteAsync([new Azure.Data.Tables.TableTransactionAction(Azure.Data.Tables.TableTransactionActionType.Add, post)], CancellationToken.None);

        var (code, output, error) = await RunInsightsAsync(Iso(Yesterday.AddDays(-6)), Iso(Yesterday), "csv");
        var (badCode, badOutput, badError) = await RunInsightsAsync(Iso(Yesterday.AddDays(-400)), Iso(Yesterday), "json");

        Assert.True(code == 0, error);
        var csv = Encoding.UTF8.GetString(output, 3, output.Length - 3);
        Assert.StartsWith("Seite;Seiten-ID;Bereich;Name;", csv, StringComparison.Ordinal);
        Assert.Contains(";Format;Reel;;;1;1;2500;40;", csv, StringComparison.Ordinal);
        Assert.Contains(";Thema;Ausbildung/Bewerbung;", csv, StringComparison.Ordinal);
        Assert.Equal(2, badCode);
        Assert.Empty(badOutput);
        Assert.Contains("höchstens 366 Tage", badError, StringComparison.Ordinal);
        Assert.Contains(ListeningCli.Build().Parse(["insights", "--from", "2026-11-01"]).Errors, e => e.Message == "--from and --to go together.");
        Assert.Empty(ListeningCli.Build().Parse(["insights"]).Errors);
    }

    [Fact]
    public void Summary_format_accepts_csv()
    {
        Assert.Empty(ListeningCli.Build().Parse(["summary", "--date", "2026-11-01", "--format", "csv"]).Errors);
        Assert.NotEmpty(ListeningCli.Build().Parse(["summary", "--date", "2026-11-01", "--format", "xlsx"]).Errors);
    }

    private async Task<(int Code, byte[] Output, string Error)> RunAsync(string? date, string? from, string? to, string format)
    {
        using var output = new MemoryStream();
        await using var error = new StringWriter();
        var overrides = new Dictionary<string, string?>
        {
            ["AzureWebJobsStorage"] = (await SharedAzurite.GetAsync()).ConnectionString,
            ["Listening:Tables:Prefix"] = "t" + _app.Suffix,
        };
        foreach (var (key, value) in StoredSummaries.TwoPages())
        {
            overrides[key] = value;
        }

        var code = await ListeningCli.SummaryAsync(date, from, to, null, format, false, output, error, overrides, CancellationToken.None);
        return (code, output.ToArray(), error.ToString());
    }

    private async Task<(int Code, byte[] Output, string Error)> RunInsightsAsync(string? from, string? to, string format)
    {
        using var output = new MemoryStream();
        await using var error = new StringWriter();
        var overrides = new Dictionary<string, string?>
        {
            ["AzureWebJobsStorage"] = (await SharedAzurite.GetAsync()).ConnectionString,
            ["Listening:Tables:Prefix"] = "t" + _app.Suffix,
        };
        foreach (var (key, value) in StoredSummaries.TwoPages())
        {
            overrides[key] = value;
        }

        var code = await ListeningCli.InsightsAsync(from, to, StoredSummaries.PageA, format, false, output, error, overrides, CancellationToken.None);
        return (code, output.ToArray(), error.ToString());
    }

    private static string Iso(DateOnly date) => date.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture);
}
