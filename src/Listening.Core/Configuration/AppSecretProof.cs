using System.Security.Cryptography;
using System.Text;

namespace Listening.Core.Configuration;

/// <summary>
/// Meta's <c>appsecret_proof</c>: the hex HMAC-SHA256 of a token keyed with the app secret. The Graph client sends
/// it; the secret masker masks it, since it is as good as the token for the time the token lives.
/// </summary>
public static class AppSecretProof
{
    public static string Of(string token, string appSecret)
    {
        ArgumentNullException.ThrowIfNull(token);
        ArgumentNullException.ThrowIfNull(appSecret);
        return Convert.ToHexStringLower(HMACSHA256.HashData(Encoding.UTF8.GetBytes(appSecret), Encoding.UTF8.GetBytes(token)));
    }
}
