using System.Text.RegularExpressions;

namespace Listening.Core.Facebook;

/// <summary>Removes credentials from anything that may be logged: tokens, proofs, webhook signatures.</summary>
public static partial class Redaction
{
    public const string Mask = "***";

    public static string Redact(string? text) =>
        string.IsNullOrEmpty(text) ? text ?? "" : SecretParameter().Replace(text, m => m.Groups[1].Value + Mask);

    public static string Redact(Uri? uri) => Redact(uri?.ToString());

    [GeneratedRegex(@"((?:access_token|input_token|appsecret_proof|client_secret|sig|code|fb_exchange_token)=)[^&\s""'#]+", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex SecretParameter();
}
