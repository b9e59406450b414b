using System.Diagnostics;

namespace Listening.IntegrationTests.Cli;

/// <summary>
/// The real <c>listening</c> executable (built next to the tests) in a child process, with an environment of the
/// test's choosing: what an operator sees on standard output and standard error, and the exit code.
/// </summary>
public static class CliProcess
{
    public sealed record Run(int Exit, string Output, string Error)
    {
        public IReadOnlyList<string> ErrorLines => Error.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
    }

    public static async Task<Run> RunAsync(IReadOnlyDictionary<string, string?> environment, params string[] args)
    {
        var start = new ProcessStartInfo(Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") ?? "dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = Path.GetTempPath(),
        };
        start.ArgumentList.Add(Executable);
        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        // Nothing of the test run's own settings: only what the test gives.
        foreach (var key in start.Environment.Keys.Where(k => k.StartsWith("Listening", StringComparison.OrdinalIgnoreCase)
                     || k.StartsWith("AzureWebJobs", StringComparison.OrdinalIgnoreCase) || k.EndsWith("Queue", StringComparison.OrdinalIgnoreCase)).ToList())
        {
            start.Environment.Remove(key);
        }

        foreach (var (key, value) in environment)
        {
            start.Environment[key] = value;
        }

        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        return new Run(process.ExitCode, await output, await error);
    }

    /// <summary>
    /// The CLI's own build output (its deps.json and assemblies; the copy next to the tests leans on the test
    /// project's ASP.NET Core framework reference and does not run by itself): same configuration and framework.
    /// </summary>
    private static string Executable
    {
        get
        {
            var framework = new DirectoryInfo(AppContext.BaseDirectory.TrimEnd(Path.DirectorySeparatorChar));
            var configuration = framework.Parent!;
            var root = configuration.Parent!.Parent!.Parent!.Parent!; // tests/Listening.IntegrationTests/bin/<configuration>/<framework>
            return Path.Combine(root.FullName, "src", "Listening.Cli", "bin", configuration.Name, framework.Name, "listening.dll");
        }
    }

    /// <summary>A connection string to a port where nothing listens.</summary>
    public static string UnreachableStorage =>
        "DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;AccountKey=Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==;"
        + "QueueEndpoint=http://127.0.0.1:9/devstoreaccount1;TableEndpoint=http://127.0.0.1:9/devstoreaccount1";
}
