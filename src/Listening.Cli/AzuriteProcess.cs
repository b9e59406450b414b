using System.Diagnostics;
using System.Text.RegularExpressions;

namespace Listening.Cli;

/// <summary>
/// Azurite from the repository's node_modules (pinned in package-lock.json), in memory, on free ports.
/// Used by the integration tests and benchmarks; the CLI's commands keep their data on disk (<see cref="LocalAzurite"/>).
/// </summary>
public sealed partial class AzuriteProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly string _workDir;

    private AzuriteProcess(Process process, string workDir, int queuePort, int tablePort, int blobPort)
    {
        _process = process;
        _workDir = workDir;
        QueuePort = queuePort;
        TablePort = tablePort;
        BlobPort = blobPort;
    }

    public int QueuePort { get; }

    public int TablePort { get; }

    public int BlobPort { get; }

    /// <summary>The Node.js process (benchmarks read its CPU time).</summary>
    public int ProcessId => _process.Id;

    /// <summary>The well-known development account, with the endpoints written out (the ports are not the defaults).</summary>
    public string ConnectionString =>
        "DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;"
        + "AccountKey=Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==;"
        + $"BlobEndpoint=http://127.0.0.1:{BlobPort}/devstoreaccount1;"
        + $"QueueEndpoint=http://127.0.0.1:{QueuePort}/devstoreaccount1;"
        + $"TableEndpoint=http://127.0.0.1:{TablePort}/devstoreaccount1;";

    public static string? FindScript(params string[] startDirectories)
    {
        foreach (var start in startDirectories)
        {
            for (var dir = new DirectoryInfo(start); dir is not null; dir = dir.Parent)
            {
                var script = Path.Combine(dir.FullName, "node_modules", "azurite", "dist", "src", "azurite.js");
                if (File.Exists(script))
                {
                    return script;
                }
            }
        }

        return null;
    }

    public static async Task<AzuriteProcess> StartAsync(CancellationToken cancellationToken)
    {
        var script = FindScript(Directory.GetCurrentDirectory(), AppContext.BaseDirectory)
            ?? throw new InvalidOperationException("Azurite is not installed: run `npm ci` in the repository root first (it installs the pinned Azurite).");
        var workDir = Directory.CreateTempSubdirectory("listening-azurite-").FullName;
        var start = new ProcessStartInfo("node")
        {
            WorkingDirectory = workDir,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in new[]
        {
            script, "--inMemoryPersistence", "--silent", "--skipApiVersionCheck", "--disableTelemetry", "--loose",
            "--blobHost", "127.0.0.1", "--queueHost", "127.0.0.1", "--tableHost", "127.0.0.1",
            "--blobPort", "0", "--queuePort", "0", "--tablePort", "0",
        })
        {
            start.ArgumentList.Add(argument);
        }

        var process = Process.Start(start) ?? throw new InvalidOperationException("Azurite could not be started (is Node.js installed?).");
        var ports = new Dictionary<string, int>(StringComparer.Ordinal);
        var ready = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var errors = new System.Text.StringBuilder();
        process.OutputDataReceived += (_, e) =>
        {
            if (e.Data is null)
            {
                ready.TrySetException(new InvalidOperationException("Azurite stopped before it was ready: " + errors));
                return;
            }

            var match = Listening().Match(e.Data);
            if (match.Success)
            {
                lock (ports)
                {
                    ports[match.Groups[1].Value] = int.Parse(match.Groups[2].Value, System.Globalization.CultureInfo.InvariantCulture);
                    if (ports.Count == 3)
                    {
                        ready.TrySetResult();
                    }
                }
            }
        };
        process.ErrorDataReceived += (_, e) =>
        {
            if (e.Data is not null)
            {
                lock (errors)
                {
                    errors.AppendLine(e.Data);
                }
            }
        };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        try
        {
            await ready.Task.WaitAsync(TimeSpan.FromSeconds(180), cancellationToken);
        }
        catch
        {
            process.Kill(entireProcessTree: true);
            process.Dispose();
            throw;
        }

        return new AzuriteProcess(process, workDir, ports["Queue"], ports["Table"], ports["Blob"]);
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync();
        }

        _process.Dispose();
        try
        {
            Directory.Delete(_workDir, recursive: true);
        }
        catch (IOException)
        {
            // A leftover temp folder is harmless.
        }
    }

    /// <summary>Blob, Queue and Table ports from Azurite's start-up lines (those it has printed so far).</summary>
    internal static IReadOnlyDictionary<string, int> ListeningPorts(string output) =>
        Listening().Matches(output)
            .GroupBy(m => m.Groups[1].Value, StringComparer.Ordinal)
            .ToDictionary(g => g.Key, g => int.Parse(g.Last().Groups[2].Value, System.Globalization.CultureInfo.InvariantCulture), StringComparer.Ordinal);

    [GeneratedRegex(@"Azurite (Blob|Queue|Table) service is successfully listening at http://[^:]+:(\d+)")]
    private static partial Regex Listening();
}
