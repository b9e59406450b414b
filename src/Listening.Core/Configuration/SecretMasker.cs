using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using Microsoft.Extensions.Configuration;

namespace Listening.Core.Configuration;

/// <summary>
/// Knows every configured secret and masks it in any text that leaves the process or is stored: log records (all
/// providers), rows, <c>/api/health</c>, CLI output, telemetry. Secrets are read from the configuration itself
/// (not the validated options, so an invalid configuration still gets masked output):
/// <list type="bullet">
/// <item>every value whose key ends in <c>Token</c>, <c>Secret</c>, <c>Password</c> or <c>Key</c> (Page tokens, the
/// app secret, a webhook verify token, ...), and the <c>appsecret_proof</c> of each token;</item>
/// <item>every Teams webhook URL (<c>...WebhookUrl</c>): the whole URL, its path and long path segments, its
/// <c>sig=</c> and other long query values;</item>
/// <item>the <c>AccountKey</c>, <c>SharedAccessKey</c>, <c>SharedAccessSignature</c> and <c>sig</c> parts of any
/// connection string or URL in the configuration.</item>
/// </list>
/// Values shorter than <see cref="MinimumLength"/> are not masked: they would mask ordinary words, and no real
/// secret is that short. <see cref="Redaction"/>'s <c>key=value</c> masking runs afterwards.
/// </summary>
public sealed partial class SecretMasker
{
    /// <summary>Shorter values are not treated as secrets.</summary>
    public const int MinimumLength = 8;

    /// <summary>Hosts whose URLs carry their credential in the path or query (Teams connectors and Workflows).</summary>
    private static readonly string[] KnownWebhookHostSuffixes = ["webhook.office.com", "outlook.office.com", "logic.azure.com", "powerplatform.com"];

    private readonly Lock _gate = new();
    private readonly HashSet<string> _all;
    private readonly string? _appSecret;
    private volatile Regex? _secrets;
    private readonly HashSet<string> _webhookHosts;

    public SecretMasker(IConfiguration configuration)
        : this(Collect(configuration ?? throw new ArgumentNullException(nameof(configuration))))
    {
    }

    private SecretMasker((IReadOnlyCollection<string> Secrets, IReadOnlyCollection<string> WebhookHosts, string? AppSecret) found)
    {
        _all = new HashSet<string>(found.Secrets, StringComparer.Ordinal);
        _appSecret = found.AppSecret;
        _webhookHosts = new HashSet<string>(found.WebhookHosts, StringComparer.OrdinalIgnoreCase);
        _secrets = Build(_all);
    }

    /// <summary>Masks only <see cref="Redaction"/>'s <c>key=value</c> forms: for code that runs without a configuration.</summary>
    public static SecretMasker None => new(([], [], null));

    /// <summary>The known secrets in every form they are masked in (raw, URL-escaped, JSON-escaped).</summary>
    public IReadOnlyCollection<string> Secrets
    {
        get
        {
            lock (_gate)
            {
                return [.. _all];
            }
        }
    }

    /// <summary>
    /// A secret learned after start-up (a Page token read from Key Vault or the local store for the Page registry):
    /// masked from now on, with its <c>appsecret_proof</c> and its URL- and JSON-escaped forms.
    /// </summary>
    public void AddSecret(string secret)
    {
        if (string.IsNullOrEmpty(secret) || secret.Length < MinimumLength)
        {
            return;
        }

        lock (_gate)
        {
            if (_all.Contains(secret))
            {
                return;
            }

            var added = new HashSet<string>(StringComparer.Ordinal);
            Add(added, secret);
            if (_appSecret is not null)
            {
                Add(added, AppSecretProof.Of(secret, _appSecret));
            }

            foreach (var value in added.ToList())
            {
                Add(added, Uri.EscapeDataString(value));
                Add(added, JsonEncodedText.Encode(value).ToString());
            }

            _all.UnionWith(added);
            _secrets = Build(_all);
        }
    }

    private static Regex? Build(HashSet<string> secrets) => secrets.Count == 0
        ? null
        : new Regex(string.Join('|', secrets.OrderByDescending(s => s.Length).ThenBy(s => s, StringComparer.Ordinal).Select(Regex.Escape)), RegexOptions.CultureInvariant);

    /// <summary>The text with every configured secret (and every <c>access_token=</c>-like value) replaced by <see cref="Redaction.Mask"/>.</summary>
    public string Mask(string? text)
    {
        if (string.IsNullOrEmpty(text))
        {
            return text ?? "";
        }

        var secrets = _secrets;
        var masked = secrets is null ? text : secrets.Replace(text, Redaction.Mask);
        return Redaction.Redact(masked);
    }

    /// <summary>Whether text holds a configured secret or an unmasked <c>access_token=</c>-like value.</summary>
    public bool Reveals(string? text) => !string.IsNullOrEmpty(text) && !string.Equals(Mask(text), text, StringComparison.Ordinal);

    /// <summary>An exception whose text reveals a secret becomes a <see cref="MaskedException"/> with the same text, masked.</summary>
    public Exception? Mask(Exception? exception) =>
        exception is null or MaskedException || !Reveals(exception.ToString())
            ? exception
            : new MaskedException(exception, this);

    /// <summary>
    /// Whether a URL points at a configured Teams webhook's host (and port), or at a host of Teams connectors and
    /// Workflows: such URLs carry their secret in the path or the query.
    /// </summary>
    public bool IsWebhookUrl(Uri url)
    {
        ArgumentNullException.ThrowIfNull(url);
        var host = url.Host;
        return _webhookHosts.Contains(url.Authority)
            || KnownWebhookHostSuffixes.Any(s => host.Equals(s, StringComparison.OrdinalIgnoreCase) || host.EndsWith("." + s, StringComparison.OrdinalIgnoreCase));
    }

    /// <summary>
    /// A writer that masks what is written to <paramref name="inner"/>, line by line (a secret split across writes is
    /// still found). Disposing it flushes it and leaves <paramref name="inner"/> open.
    /// </summary>
    public TextWriter Wrap(TextWriter inner) => new MaskingTextWriter(inner, this);

    private static (IReadOnlyCollection<string>, IReadOnlyCollection<string>, string?) Collect(IConfiguration configuration)
    {
        var secrets = new HashSet<string>(StringComparer.Ordinal);
        var hosts = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        var tokens = new List<string>();
        string? appSecret = null;
        foreach (var (key, value) in configuration.AsEnumerable())
        {
            if (string.IsNullOrWhiteSpace(value))
            {
                continue;
            }

            var name = key[(key.LastIndexOf(':') + 1)..];
            if (name.EndsWith("WebhookUrl", StringComparison.OrdinalIgnoreCase))
            {
                AddWebhook(value, secrets, hosts);
            }
            else if (SecretName().IsMatch(name))
            {
                Add(secrets, value);
                if (name.Equals("AccessToken", StringComparison.OrdinalIgnoreCase))
                {
                    tokens.Add(value);
                }
                else if (key.Equals("Listening:Facebook:AppSecret", StringComparison.OrdinalIgnoreCase))
                {
                    appSecret = value;
                }
            }

            // Connection strings (storage, Service Bus, ...) and SAS URLs: their keys and signatures.
            foreach (Match part in CredentialPart().Matches(value))
            {
                Add(secrets, part.Groups[1].Value);
                Add(secrets, Uri.UnescapeDataString(part.Groups[1].Value));
            }
        }

        if (appSecret is not null)
        {
            foreach (var token in tokens)
            {
                Add(secrets, AppSecretProof.Of(token, appSecret));
            }
        }

        foreach (var secret in secrets.ToList())
        {
            Add(secrets, Uri.EscapeDataString(secret));
            Add(secrets, JsonEncodedText.Encode(secret).ToString());
        }

        return (secrets, hosts, appSecret);
    }

    private static void AddWebhook(string value, HashSet<string> secrets, HashSet<string> hosts)
    {
        Add(secrets, value.Trim());
        if (!Uri.TryCreate(value.Trim(), UriKind.Absolute, out var url))
        {
            return;
        }

        hosts.Add(url.Authority);
        Add(secrets, url.ToString());
        Add(secrets, url.AbsoluteUri);

        // Old Office 365 connector URLs carry their secret in the path; Workflows URLs in the sig= of the query.
        if (url.AbsolutePath.Length >= 16)
        {
            Add(secrets, url.AbsolutePath);
        }

        foreach (var segment in url.AbsolutePath.Split('/'))
        {
            if (segment.Length >= 16)
            {
                Add(secrets, segment);
                Add(secrets, Uri.UnescapeDataString(segment));
            }
        }

        foreach (var pair in url.Query.TrimStart('?').Split('&', StringSplitOptions.RemoveEmptyEntries))
        {
            var kv = pair.Split('=', 2);
            if (kv.Length == 2 && (kv[0].Equals("sig", StringComparison.OrdinalIgnoreCase) || kv[1].Length >= 16))
            {
                Add(secrets, kv[1]);
                Add(secrets, Uri.UnescapeDataString(kv[1]));
            }
        }
    }

    private static void Add(HashSet<string> secrets, string value)
    {
        if (value.Length >= MinimumLength)
        {
            secrets.Add(value);
        }
    }

    [GeneratedRegex("(Token|Secret|Password|Key)$", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex SecretName();

    [GeneratedRegex(@"(?:AccountKey|SharedAccessKey|SharedAccessSignature|sig)=([^;&\s""']+)", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex CredentialPart();
}

/// <summary>An exception whose text held a secret, as it is logged: the original type name and its text, masked.</summary>
public sealed class MaskedException : Exception
{
    private readonly string _text;

    internal MaskedException(Exception original, SecretMasker masker)
        : base(masker.Mask(original.Message))
    {
        OriginalType = original.GetType().FullName ?? original.GetType().Name;
        _text = masker.Mask(original.ToString());
        StackTraceText = masker.Mask(original.StackTrace);
        HResult = original.HResult;
    }

    public MaskedException()
    {
        OriginalType = "";
        _text = "";
    }

    public MaskedException(string message)
        : base(message)
    {
        OriginalType = "";
        _text = message;
    }

    public MaskedException(string message, Exception innerException)
        : base(message, innerException)
    {
        OriginalType = "";
        _text = message;
    }

    /// <summary>The type of the exception that was masked.</summary>
    public string OriginalType { get; }

    public override string? StackTrace => StackTraceText;

    private string? StackTraceText { get; }

    public override string ToString() => _text;
}

/// <summary>Masks what is written, a line at a time: text is held until a line ends or the writer is flushed.</summary>
public sealed class MaskingTextWriter(TextWriter inner, SecretMasker masker) : TextWriter(CultureInfo.InvariantCulture)
{
    private readonly StringBuilder _line = new();
    private readonly Lock _gate = new();

    public override Encoding Encoding => inner.Encoding;

    public override string NewLine
    {
        get => inner.NewLine;
#pragma warning disable CS8765 // TextWriter.NewLine takes null to mean the default
        set => inner.NewLine = value;
#pragma warning restore CS8765
    }

    public override void Write(char value)
    {
        lock (_gate)
        {
            _line.Append(value);
            if (value == '\n')
            {
                FlushLine();
            }
        }
    }

    public override void Write(string? value)
    {
        if (string.IsNullOrEmpty(value))
        {
            return;
        }

        lock (_gate)
        {
            _line.Append(value);
            if (value.Contains('\n', StringComparison.Ordinal))
            {
                FlushLine();
            }
        }
    }

    public override void Write(char[] buffer, int index, int count) => Write(new string(buffer, index, count));

    public override Task WriteAsync(string? value)
    {
        Write(value);
        return Task.CompletedTask;
    }

    public override Task WriteLineAsync(string? value)
    {
        WriteLine(value);
        return Task.CompletedTask;
    }

    public override Task WriteLineAsync()
    {
        WriteLine();
        return Task.CompletedTask;
    }

    public override void WriteLine(string? value) => Write(value + NewLine);

    public override void Flush()
    {
        lock (_gate)
        {
            FlushLine();
            inner.Flush();
        }
    }

    public override Task FlushAsync()
    {
        Flush();
        return Task.CompletedTask;
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            Flush();
        }

        base.Dispose(disposing);
    }

    private void FlushLine()
    {
        if (_line.Length > 0)
        {
            inner.Write(masker.Mask(_line.ToString()));
            _line.Clear();
        }
    }
}
