using System.Collections.Concurrent;
using System.Text;
using System.Text.RegularExpressions;
using Azure;
using Azure.Core;
using Azure.Security.KeyVault.Secrets;
using Microsoft.Extensions.Options;

namespace Listening.Core.Configuration;

/// <summary>
/// Where the access tokens of the Pages in the registry (<c>listening pages add</c>) live, by secret name: Key Vault in
/// Azure, a local folder on an operator's machine. The registry row holds only the secret's name.
/// </summary>
public interface IPageTokenVault
{
    /// <summary>Where tokens are kept, in words for the CLI ("Key Vault https://...", "the local secret store /home/...").</summary>
    string Where { get; }

    /// <summary>The token under <paramref name="secretName"/>; null when there is no such secret.</summary>
    Task<string?> GetAsync(string secretName, CancellationToken cancellationToken);

    Task SetAsync(string secretName, string token, CancellationToken cancellationToken);

    /// <summary>
    /// Deletes the secret where the app owns it (the local store); true when a secret was deleted. Key Vault's
    /// secrets are the administrators' (and soft-deleted there), so the app leaves them: false.
    /// </summary>
    Task<bool> DeleteAsync(string secretName, CancellationToken cancellationToken);
}

/// <summary>Names a secret may have: Key Vault's rule (1 to 127 letters, digits and dashes), also for the local store's file names.</summary>
public static partial class PageSecretName
{
    public static bool IsValid(string? name) => name is not null && Pattern().IsMatch(name);

    /// <summary>The secret <c>--token-stdin</c> stores a Page's token under.</summary>
    public static string For(string pageId) => "listening-page-" + pageId;

    [GeneratedRegex("^[0-9A-Za-z-]{1,127}$", RegexOptions.CultureInvariant)]
    private static partial Regex Pattern();
}

/// <summary>Key Vault, read with the app's managed identity (role Key Vault Secrets User; writing needs Secrets Officer).</summary>
public sealed class KeyVaultPageTokens(SecretClient client) : IPageTokenVault
{
    public string Where => "Key Vault " + client.VaultUri;

    public async Task<string?> GetAsync(string secretName, CancellationToken cancellationToken)
    {
        try
        {
            var secret = await client.GetSecretAsync(secretName, cancellationToken: cancellationToken);
            return secret.Value.Value;
        }
        catch (RequestFailedException ex) when (ex.Status == 404)
        {
            return null;
        }
    }

    public Task SetAsync(string secretName, string token, CancellationToken cancellationToken) =>
        client.SetSecretAsync(secretName, token, cancellationToken);

    public Task<bool> DeleteAsync(string secretName, CancellationToken cancellationToken) => Task.FromResult(false);
}

/// <summary>
/// The local secret store: one file per secret in a folder only the user can read (0700, files 0600 on Linux and
/// macOS), by default <c>~/.listening/secrets</c>. Written to a temporary file and moved, so a crash leaves the old
/// token or the new one, never half of one.
/// </summary>
public sealed class LocalPageTokens(string folder) : IPageTokenVault
{
    public string Where => "the local secret store " + folder;

    public async Task<string?> GetAsync(string secretName, CancellationToken cancellationToken)
    {
        var path = PathOf(secretName);
        return File.Exists(path) ? (await File.ReadAllTextAsync(path, Encoding.UTF8, cancellationToken)).Trim() : null;
    }

    public async Task SetAsync(string secretName, string token, CancellationToken cancellationToken)
    {
        var path = PathOf(secretName);
        if (OperatingSystem.IsWindows())
        {
            Directory.CreateDirectory(folder);
        }
        else
        {
            Directory.CreateDirectory(folder, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
            File.SetUnixFileMode(folder, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        }

        var temporary = path + "." + Guid.NewGuid().ToString("N") + ".tmp";
        var options = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write };
        if (!OperatingSystem.IsWindows())
        {
            options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        }

        await using (var stream = new FileStream(temporary, options))
        {
            await stream.WriteAsync(Encoding.UTF8.GetBytes(token), cancellationToken);
        }

        File.Move(temporary, path, overwrite: true);
    }

    public Task<bool> DeleteAsync(string secretName, CancellationToken cancellationToken)
    {
        var path = PathOf(secretName);
        if (!File.Exists(path))
        {
            return Task.FromResult(false);
        }

        File.Delete(path);
        return Task.FromResult(true);
    }

    private string PathOf(string secretName) => PageSecretName.IsValid(secretName)
        ? Path.Combine(folder, secretName)
        : throw new ArgumentException("A secret name is 1 to 127 letters, digits and dashes.", nameof(secretName));
}

/// <summary>
/// The registry's tokens as the pipeline reads them: from the configured vault, kept in memory for
/// <c>TokenCacheMinutes</c>, and handed to <see cref="SecretMasker"/> as they are read, so no log line, row or
/// answer shows one.
/// </summary>
public sealed class PageTokens(IPageTokenVault vault, SecretMasker masker, IOptions<ListeningOptions> options, TimeProvider time)
{
    private readonly ConcurrentDictionary<string, (string? Token, DateTimeOffset ReadAt)> _cache = new(StringComparer.Ordinal);

    public string Where => vault.Where;

    public async Task<string?> GetAsync(string secretName, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        var maxAge = TimeSpan.FromMinutes(options.Value.PageRegistry.TokenCacheMinutes);
        if (_cache.TryGetValue(secretName, out var cached) && now - cached.ReadAt < maxAge && cached.Token is not null)
        {
            return cached.Token;
        }

        var token = (await vault.GetAsync(secretName, cancellationToken))?.Trim();
        if (!string.IsNullOrEmpty(token))
        {
            masker.AddSecret(token);
        }

        _cache[secretName] = (string.IsNullOrEmpty(token) ? null : token, now);
        return string.IsNullOrEmpty(token) ? null : token;
    }

    public async Task SetAsync(string secretName, string token, CancellationToken cancellationToken)
    {
        masker.AddSecret(token);
        await vault.SetAsync(secretName, token, cancellationToken);
        _cache[secretName] = (token, time.GetUtcNow());
    }

    /// <summary>Deletes the secret where the app owns it (the local store) and forgets it; true when one was deleted.</summary>
    public async Task<bool> DeleteAsync(string secretName, CancellationToken cancellationToken)
    {
        _cache.TryRemove(secretName, out _);
        return await vault.DeleteAsync(secretName, cancellationToken);
    }

    /// <summary>The vault the options name: Key Vault when <c>KeyVaultUri</c> is set, else the local store.</summary>
    public static IPageTokenVault Vault(PageRegistryOptions registry, TokenCredential credential)
    {
        ArgumentNullException.ThrowIfNull(registry);
        return registry.KeyVaultUri is { } uri
            ? new KeyVaultPageTokens(new SecretClient(uri, credential))
            : new LocalPageTokens(registry.EffectiveLocalSecretsPath);
    }
}
