using Microsoft.Extensions.Configuration;

namespace Listening.Cli;

/// <summary>
/// The storage a command uses: <c>AzureWebJobsStorage</c> when it is configured (appsettings.json, environment
/// variables, a test's settings), else the demo's Azurite on disk (<see cref="LocalAzurite"/>), announced in one line.
/// </summary>
internal sealed class CliStorage : IAsyncDisposable
{
    private CliStorage(IReadOnlyDictionary<string, string?> overrides, LocalAzurite? local)
    {
        Overrides = overrides;
        Local = local;
    }

    /// <summary>The command's settings, with the local Azurite's connection string when that is in use.</summary>
    public IReadOnlyDictionary<string, string?> Overrides { get; }

    /// <summary>The demo's Azurite; null when storage is configured.</summary>
    public LocalAzurite? Local { get; }

    public static async Task<CliStorage> ForAsync(
        string? localRoot, IReadOnlyDictionary<string, string?>? overrides, TextWriter notice, CancellationToken cancellationToken, bool fresh = false)
    {
        var settings = new Dictionary<string, string?>(overrides ?? new Dictionary<string, string?>(), StringComparer.OrdinalIgnoreCase);
        if (IsConfigured(CliHost.Configuration(overrides)))
        {
            return new CliStorage(settings, null);
        }

        var local = await LocalAzurite.UseAsync(localRoot ?? LocalAzurite.RootIn(null), fresh, cancellationToken);
        await notice.WriteLineAsync(local.Notice);
        settings["AzureWebJobsStorage"] = local.ConnectionString;
        return new CliStorage(settings, local);
    }

    /// <summary>A connection string, or the identity-based form (<c>AzureWebJobsStorage__tableServiceUri</c> and friends).</summary>
    public static bool IsConfigured(IConfiguration configuration)
    {
        var section = configuration.GetSection("AzureWebJobsStorage");
        return !string.IsNullOrWhiteSpace(section.Value) || section.GetChildren().Any(c => !string.IsNullOrWhiteSpace(c.Value));
    }

    public ValueTask DisposeAsync() => Local?.DisposeAsync() ?? ValueTask.CompletedTask;
}
