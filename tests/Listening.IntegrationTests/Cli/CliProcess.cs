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

    /// <summary>Runs the CLI in a folder of its own (so no demo data of another test is in reach), deleted afterwards.</summary>
    public static async Task<Run> RunAsync(IReadOnlyDictionary<string, string?> environment, params string[] args)
    {
        var folder = Directory.CreateTempSubdirectory("listening-cli-").FullName;
        try
        {
            return await RunInAsync(folder, environment, args);
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    /// <summary>Runs the CLI in <paramref name="workingDirectory"/> (where its demo data, <c>.listening/</c>, lives) until it exits.</summary>
    public static async Task<Run> RunInAsync(string workingDirectory, IReadOnlyDictionary<string, string?> environment, params string[] args)
    {
        using var process = Process.Start(StartInfo(workingDirectory, environment, args))!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        return new Run(process.ExitCode, await output, await error);
    }

    /// <summary>Starts the CLI and leaves it running (listening serve); the caller stops it with <see cref="Running.StopAsync"/>.</summary>
    public static Running Start(string workingDirectory, IReadOnlyDictionary<string, string?> environment, params string[] args) =>
        new(Process.Start(StartInfo(workingDirectory, environment, args))!);

    private static ProcessStartInfo StartInfo(string workingDirectory, IReadOnlyDictionary<string, string?> environment, string[] args)
    {
        var start = new ProcessStartInfo(Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") ?? "dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = workingDirectory,
        };
        start.ArgumentList.Add(Executable);
        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        // Nothing of the test run's own settings: only what the test gives.
        foreach (var key in start.Environment.Keys.Where(k => k.StartsWith("Listening", StringComparison.OrdinalIgnoreCase)
                     || k.StartsWith("AzureWebJobs", StringComparison.OrdinalIgnoreCase) || k.EndsWith("Queue", StringComparison.OrdinalIgnoreCase)
                     || k.StartsWith("ASPNETCORE_", StringComparison.OrdinalIgnoreCase)).ToList())
        {
            start.Environment.Remove(key);
        }

        foreach (var (key, value) in environment)
        {
            start.Environment[key] = value;
        }

        return start;
    }

    /// <summary>A CLI process that keeps running; its output lines as they come.</summary>
    public sealed class Running : IAsyncDisposable
    {
        private readonly Process _process;
        private readonly System.Text.StringBuilder _output = new();
        private readonly System.Text.StringBuilder _error = new();

        internal Running(Process process)
        {
            _process = process;
            process.OutputDataReceived += (_, e) => Append(_output, e.Data);
            process.ErrorDataReceived += (_, e) => Append(_error, e.Data);
            process.BeginOutputReadLine();
            process.BeginErrorReadLine();
        }

        public int Id => _process.Id;

        public string Output
        {
            get
            {
                lock (_output)
                {
                    return _output.ToString();
                }
            }
        }

        public string Error
        {
            get
            {
                lock (_error)
                {
                    return _error.ToString();
                }
            }
        }

        /// <summary>Waits until standard output matches <paramref name="pattern"/>; fails with what was written when the process ends first.</summary>
        public async Task<System.Text.RegularExpressions.Match> WaitForAsync(string pattern, TimeSpan? timeout = null)
        {
            var deadline = DateTime.UtcNow + (timeout ?? TimeSpan.FromMinutes(3));
            while (true)
            {
                var match = System.Text.RegularExpressions.Regex.Match(Output, pattern);
                if (match.Success)
                {
                    return match;
                }

                if (_process.HasExited || DateTime.UtcNow > deadline)
                {
                    throw new InvalidOperationException($"listening did not write /{pattern}/ (exited: {_process.HasExited}):\n{Output}\n{Error}");
                }

                await Task.Delay(50);
            }
        }

        /// <summary>SIGTERM, as a service manager or Ctrl+C would stop it; the exit code.</summary>
        public async Task<int> StopAsync()
        {
            if (!_process.HasExited)
            {
                using var kill = Process.Start("kill", ["-TERM", _process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)]);
                await kill.WaitForExitAsync();
                using var patience = new CancellationTokenSource(TimeSpan.FromSeconds(60));
                await _process.WaitForExitAsync(patience.Token);
            }

            _process.WaitForExit(); // the last output lines
            return _process.ExitCode;
        }

        public async ValueTask DisposeAsync()
        {
            try
            {
                await StopAsync();
            }
            catch (OperationCanceledException)
            {
                _process.Kill(entireProcessTree: true);
            }

            _process.Dispose();
        }

        private static void Append(System.Text.StringBuilder buffer, string? line)
        {
            if (line is null)
            {
                return;
            }

            lock (buffer)
            {
                buffer.AppendLine(line);
            }
        }
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
