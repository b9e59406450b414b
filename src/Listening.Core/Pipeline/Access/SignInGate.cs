using System.Text;
using System.Text.Json;
using Listening.Core.Configuration;
using Listening.Core.Summaries;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Listening.Core.Pipeline.Access;

/// <summary>
/// Who may read the summaries. The Function App's built-in authentication (App Service "Easy Auth", Entra ID)
/// signs people in and passes the signed-in principal as <c>X-MS-CLIENT-PRINCIPAL</c>. That header is trusted
/// only while the platform reports authentication as on (<c>WEBSITE_AUTH_ENABLED</c>): with it off, anyone can
/// send the header. <c>Listening:Access:RequireSignIn</c> (default true) fails closed: 503 when sign-in is
/// required but the platform's authentication is off, 401 when no signed-in principal came with the request.
/// Which accounts or group may sign in is the platform's authorization policy (docs/summaries.md, "Sign-in").
/// </summary>
public sealed partial class SignInGate(IOptions<ListeningOptions> options, IConfiguration configuration, ILogger<SignInGate> logger)
{
    public const string PrincipalHeader = "X-MS-CLIENT-PRINCIPAL";

    /// <summary>Set by the platform (read-only) to say whether built-in authentication is on.</summary>
    public const string AuthEnabledSetting = "WEBSITE_AUTH_ENABLED";

    /// <summary>Far above any real principal (a few KiB of claims); a larger header is not decoded at all.</summary>
    private const int MaxHeaderLength = 64 * 1024;

    public bool PlatformAuthenticationEnabled =>
        string.Equals(configuration[AuthEnabledSetting]?.Trim(), "true", StringComparison.OrdinalIgnoreCase);

    /// <summary>Null when the request may go on; else the answer that refuses it (401 or 503, problem+json in German).</summary>
    public HttpAnswer? Check(string? principalHeader)
    {
        if (!options.Value.Access.RequireSignIn)
        {
            return null;
        }

        if (!PlatformAuthenticationEnabled)
        {
            LogAuthenticationOff(logger);
            return HttpAnswer.Problem(503, "Anmeldung nicht eingerichtet",
                "Diese Zusammenfassung ist nur für angemeldete Personen. Die Anmeldung der Function App (App Service-Authentifizierung mit Entra ID) ist aber ausgeschaltet, deshalb wird nichts angezeigt. Bitte wenden Sie sich an die IT.");
        }

        if (!IsSignedIn(principalHeader))
        {
            LogNotSignedIn(logger);
            return HttpAnswer.Problem(401, "Anmeldung erforderlich",
                "Bitte melden Sie sich mit Ihrem Dienstkonto an (dasselbe Konto wie für Teams) und öffnen Sie die Seite dann erneut.");
        }

        return null;
    }

    /// <summary>True when the header is the platform's Base64 JSON principal with an authentication type or claims.</summary>
    public static bool IsSignedIn(string? principalHeader)
    {
        if (string.IsNullOrWhiteSpace(principalHeader) || principalHeader.Length > MaxHeaderLength)
        {
            return false;
        }

        var buffer = new byte[(principalHeader.Length * 3 / 4) + 3];
        if (!Convert.TryFromBase64String(principalHeader.Trim(), buffer, out var length))
        {
            return false;
        }

        try
        {
            using var json = JsonDocument.Parse(Encoding.UTF8.GetString(buffer, 0, length));
            var root = json.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
            {
                return false;
            }

            var authType = root.TryGetProperty("auth_typ", out var typ) && typ.ValueKind == JsonValueKind.String && typ.GetString()!.Length > 0;
            var claims = root.TryGetProperty("claims", out var list) && list.ValueKind == JsonValueKind.Array && list.GetArrayLength() > 0;
            return authType || claims;
        }
        catch (JsonException)
        {
            return false;
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Summary refused with 503: Listening:Access:RequireSignIn is true but the platform's authentication is off (WEBSITE_AUTH_ENABLED is not true). Turn on App Service authentication, or set Listening:Access:RequireSignIn to false for a local demo only")]
    private static partial void LogAuthenticationOff(ILogger logger);

    [LoggerMessage(Level = LogLevel.Information, Message = "Summary refused with 401: no signed-in principal came with the request")]
    private static partial void LogNotSignedIn(ILogger logger);
}
