using System.Text;
using Listening.Core.Pipeline.Access;
using Listening.IntegrationTests.Infrastructure;

namespace Listening.IntegrationTests.Summaries;

/// <summary>
/// Sign-in through the real functions: the principal header counts only while the platform says its
/// authentication is on, and Listening:Access:RequireSignIn (default true) fails closed.
/// </summary>
public sealed class SignInTests
{
    private static readonly DateTimeOffset Now = new(2026, 11, 28, 7, 0, 0, TimeSpan.Zero);

    private static readonly string Principal = Convert.ToBase64String(Encoding.UTF8.GetBytes(
        """{"auth_typ":"aad","claims":[{"typ":"name","val":"Erika Mustermann"},{"typ":"preferred_username","val":"erika.mustermann@kreis-soest.de"}],"name_typ":"name","role_typ":"roles"}"""));

    [Fact]
    public async Task Sign_in_is_required_when_nothing_is_configured_and_authentication_off_means_503()
    {
        await using var app = await StartAsync(requireSignIn: null, authEnabled: null);

        var answer = await HttpCall.DayAsync(app, "2026-11-27");

        Assert.Equal(503, answer.Status);
        Assert.StartsWith("application/problem+json", answer.ContentType, StringComparison.Ordinal);
        Assert.Contains("ausgeschaltet", answer.Json["detail"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Contains(app.Logs!.GetSnapshot(), r => r.Message.Contains("WEBSITE_AUTH_ENABLED", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_forged_principal_header_while_authentication_is_off_gets_503_not_the_data()
    {
        await using var app = await StartAsync(requireSignIn: "true", authEnabled: "false");

        var day = await HttpCall.DayAsync(app, "2026-11-27", "format=json", Forged());
        var period = await HttpCall.PeriodAsync(app, "from=2026-11-01&to=2026-11-27&format=json", Forged());

        Assert.Equal(503, day.Status);
        Assert.Equal(503, period.Status);
        Assert.DoesNotContain("Kreis Soest", day.Text, StringComparison.Ordinal);
        Assert.DoesNotContain(app.Logs!.GetSnapshot(), r => r.Message.Contains("Erika", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData(null)]
    [InlineData("bm90IGEgcHJpbmNpcGFs")] // "not a principal"
    [InlineData("e30=")] // {}
    public async Task Without_a_signed_in_principal_the_answer_is_401(string? header)
    {
        await using var app = await StartAsync(requireSignIn: "true", authEnabled: "True");
        var headers = header is null ? null : new Dictionary<string, string> { [SignInGate.PrincipalHeader] = header };

        var day = await HttpCall.DayAsync(app, "2026-11-27", "", headers);
        var period = await HttpCall.PeriodAsync(app, "from=2026-11-01&to=2026-11-27", headers);
        var insights = await HttpCall.InsightsAsync(app.Services, "", headers);

        Assert.Equal(401, day.Status);
        Assert.Equal(401, period.Status);
        Assert.Equal(401, insights.Status);
        Assert.Contains("melden Sie sich", day.Json["detail"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Equal("no-store", day.Header("Cache-Control"));
    }

    [Fact]
    public async Task A_signed_in_principal_with_authentication_on_reads_the_summaries()
    {
        await using var app = await StartAsync(requireSignIn: "true", authEnabled: "True");

        var day = await HttpCall.DayAsync(app, "2026-11-27", "format=json", Forged());
        var period = await HttpCall.PeriodAsync(app, "from=2026-11-01&to=2026-11-27&format=json", Forged());

        Assert.Equal(200, day.Status);
        Assert.Equal("Kreis Soest", day.Json["pages"]![0]!["name"]!.GetValue<string>());
        Assert.Equal(200, period.Status);
    }

    [Fact]
    public async Task Sign_in_switched_off_lets_the_local_demo_read_without_a_principal()
    {
        await using var app = await StartAsync(requireSignIn: "false", authEnabled: null);

        var answer = await HttpCall.DayAsync(app, "2026-11-27", "format=json");

        Assert.Equal(200, answer.Status);
    }

    [Fact]
    public async Task Health_stays_anonymous_when_sign_in_is_required()
    {
        await using var app = await StartAsync(requireSignIn: "true", authEnabled: null);

        var health = await HttpCall.HealthAsync(app);

        Assert.Contains(health.Status, new[] { 200, 503 });
        Assert.StartsWith("application/json", health.ContentType, StringComparison.Ordinal);
        Assert.NotNull(health.Json["pages"]);
    }

    private static Dictionary<string, string> Forged() => new() { [SignInGate.PrincipalHeader] = Principal };

    private static async Task<TestApp> StartAsync(string? requireSignIn, string? authEnabled)
    {
        var settings = StoredSummaries.TwoPages(new Dictionary<string, string?>
        {
            ["Listening:Access:RequireSignIn"] = requireSignIn,
            [SignInGate.AuthEnabledSetting] = authEnabled,
        });
        var app = await TestApp.StartAsync(Now, settings);
        await StoredSummaries.PutAsync(app, StoredSummaries.Day(StoredSummaries.PageA, new DateOnly(2026, 11, 27), followers: 1_004, followerChange: 6, likes: 120));
        return app;
    }
}
