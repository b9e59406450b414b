using System.Text;
using System.Text.Json;
using Listening.Core.Pipeline.Access;
using Listening.Core.Configuration;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace Listening.Core.Tests.Access;

public sealed class SignInGateTests
{
    /// <summary>What App Service authentication sends after an Entra ID sign-in (shortened).</summary>
    private static readonly string Principal = Convert.ToBase64String(Encoding.UTF8.GetBytes("""
        {"auth_typ":"aad","claims":[{"typ":"name","val":"Erika Mustermann"},{"typ":"http://schemas.microsoft.com/identity/claims/objectidentifier","val":"5c9e1b1e-0000-4000-8000-000000000001"}],"name_typ":"name","role_typ":"roles"}
        """));

    [Fact]
    public void Sign_in_not_required_lets_everyone_in()
    {
        var gate = Gate(requireSignIn: false, authEnabled: null);

        Assert.Null(gate.Check(null));
    }

    [Theory]
    [InlineData(null)]
    [InlineData("false")]
    [InlineData("")]
    public void Required_sign_in_with_the_platform_authentication_off_answers_503(string? authEnabled)
    {
        var gate = Gate(requireSignIn: true, authEnabled);

        var answer = gate.Check(null);

        Assert.NotNull(answer);
        Assert.Equal(503, answer.Status);
        Assert.Contains("ausgeschaltet", Detail(answer.Body), StringComparison.Ordinal);
    }

    [Fact]
    public void A_forged_principal_header_is_worthless_while_the_platform_authentication_is_off()
    {
        var gate = Gate(requireSignIn: true, authEnabled: null);

        var answer = gate.Check(Principal);

        Assert.Equal(503, answer!.Status);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("not base64 at all!")]
    [InlineData("bnVsbA==")] // "null"
    [InlineData("e30=")] // "{}"
    [InlineData("W10=")] // "[]"
    [InlineData("eyJhdXRoX3R5cCI6IiJ9")] // {"auth_typ":""}
    [InlineData("eyJhdXRoX3R5cCI6")] // broken JSON
    public void Without_a_signed_in_principal_the_answer_is_401(string? header)
    {
        var gate = Gate(requireSignIn: true, authEnabled: "true");

        var answer = gate.Check(header);

        Assert.NotNull(answer);
        Assert.Equal(401, answer.Status);
        Assert.StartsWith("application/problem+json", answer.ContentType, StringComparison.Ordinal);
        Assert.Contains("melden Sie sich", Detail(answer.Body), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("true")]
    [InlineData("True")]
    [InlineData(" TRUE ")]
    public void A_signed_in_principal_passes_when_the_platform_authentication_is_on(string authEnabled)
    {
        var gate = Gate(requireSignIn: true, authEnabled);

        Assert.Null(gate.Check(Principal));
    }

    [Fact]
    public void Sign_in_is_required_by_default()
    {
        Assert.True(new ListeningOptions().Access.RequireSignIn);
    }

    [Fact]
    public void Refusals_are_never_cached()
    {
        var answer = Gate(requireSignIn: true, authEnabled: "true").Check(null);

        Assert.Equal("no-store", answer!.CacheControl);
    }

    private static SignInGate Gate(bool requireSignIn, string? authEnabled)
    {
        var options = new ListeningOptions { Access = new AccessOptions { RequireSignIn = requireSignIn } };
        var configuration = new ConfigurationBuilder()
            .AddInMemoryCollection(new Dictionary<string, string?> { [SignInGate.AuthEnabledSetting] = authEnabled })
            .Build();
        return new SignInGate(Options.Create(options), configuration, NullLogger<SignInGate>.Instance);
    }

    private static string Detail(byte[] body) => JsonDocument.Parse(body).RootElement.GetProperty("detail").GetString()!;
}
