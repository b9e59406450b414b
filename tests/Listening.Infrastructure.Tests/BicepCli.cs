using System.Diagnostics;
using System.Reflection;

namespace Listening.Infrastructure.Tests;

/// <summary>
/// The Bicep CLI the build resolved: the bicep binary from the NuGet package Azure.Bicep.CommandLine.linux-x64
/// (its props set $(BicepPath), which the project writes into this assembly), or a path from the BicepPath
/// MSBuild property or environment variable on other platforms.
/// </summary>
public static class BicepCli
{
    private static readonly TimeSpan Timeout = TimeSpan.FromMinutes(3);

    public static string Locate()
    {
        var fromBuild = typeof(BicepCli).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>()
            .FirstOrDefault(a => a.Key == "BicepPath")?.Value;
        var path = !string.IsNullOrWhiteSpace(fromBuild) ? fromBuild : Environment.GetEnvironmentVariable("BicepPath");
        if (string.IsNullOrWhiteSpace(path) || !File.Exists(path))
        {
            throw new InvalidOperationException(
                $"No Bicep CLI at '{path}'. On linux-x64 'dotnet restore' fetches it (NuGet package Azure.Bicep.CommandLine.linux-x64); "
                + "elsewhere install Bicep and run 'dotnet test -p:BicepPath=/path/to/bicep' or set the BicepPath environment variable.");
        }

        EnsureExecutable(path);
        return path;
    }

    public static async Task<BicepRun> RunAsync(string workingDirectory, params string[] arguments)
    {
        var start = new ProcessStartInfo(Locate())
        {
            WorkingDirectory = workingDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        using var process = Process.Start(start) ?? throw new InvalidOperationException("Bicep did not start.");
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(Timeout);
        try
        {
            await process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"bicep {string.Join(' ', arguments)} did not finish within {Timeout}.");
        }

        return new BicepRun(process.ExitCode, await stdout, await stderr);
    }

    // NuGet does not promise to keep the executable bit of files it extracts.
    private static void EnsureExecutable(string path)
    {
        if (OperatingSystem.IsWindows())
        {
            return;
        }

        var mode = File.GetUnixFileMode(path);
        if (!mode.HasFlag(UnixFileMode.UserExecute))
        {
            File.SetUnixFileMode(path, mode | UnixFileMode.UserExecute);
        }
    }
}

public sealed record BicepRun(int ExitCode, string StandardOutput, string StandardError);
