using System.Text.RegularExpressions;

namespace Listening.Core.Configuration;

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

/// <summary>
/// Text that is redacted when it is written: pass it to a log message instead of calling <see cref="Redaction.Redact(string?)"/>
/// up front, so nothing is computed when the level is off. It keeps the raw text private; only its redacted form leaves.
/// </summary>
public readonly struct Redacted(string? text) : IEquatable<Redacted>
{
    private readonly string? _text = text;

    public override string ToString() => Redaction.Redact(_text);

    public bool Equals(Redacted other) => string.Equals(_text, other._text, StringComparison.Ordinal);

    public override bool Equals(object? obj) => obj is Redacted other && Equals(other);

    public override int GetHashCode() => StringComparer.Ordinal.GetHashCode(_text ?? "");

    public static bool operator ==(Redacted left, Redacted right) => left.Equals(right);

    public static bool operator !=(Redacted left, Redacted right) => !left.Equals(right);
}
