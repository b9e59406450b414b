using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace Listening.Infrastructure.Tests;

/// <summary>Files of this repository the tests compare the template with.</summary>
public static partial class Repository
{
    public static string Root { get; } = FindRoot();

    public static string PathOf(params string[] parts) => Path.Combine([Root, .. parts]);

    /// <summary>Keys and values of local.settings.sample.json ("Values"), which lists every key the app needs.</summary>
    public static IReadOnlyDictionary<string, string> SampleSettings()
    {
        var json = JsonNode.Parse(File.ReadAllText(PathOf("local.settings.sample.json")))!;
        return json["Values"]!.AsObject().ToDictionary(p => p.Key, p => p.Value?.ToString() ?? "", StringComparer.Ordinal);
    }

    /// <summary>Table names the code asks for (ListeningTables: prefix + name).</summary>
    public static IReadOnlyList<string> TableNames()
    {
        var source = File.ReadAllText(PathOf("src", "Listening.Core", "Storage", "ListeningTables.cs"));
        return [.. TableClientCall().Matches(source).Select(m => m.Groups["name"].Value)];
    }

    /// <summary>Settings that trigger attributes resolve, such as %PullsQueue%.</summary>
    public static IReadOnlyList<string> BindingExpressionSettings() =>
        [.. Directory.EnumerateFiles(PathOf("src", "Listening.Functions"), "*.cs")
            .SelectMany(file => BindingExpression().Matches(File.ReadAllText(file)))
            .Select(m => m.Groups["setting"].Value)
            .Distinct(StringComparer.Ordinal)];

    private static string FindRoot()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, "Listening.sln")))
            {
                return directory.FullName;
            }
        }

        throw new InvalidOperationException($"No Listening.sln above {AppContext.BaseDirectory}.");
    }

    [GeneratedRegex("""GetTableClient\(_prefix \+ "(?<name>[a-z0-9]+)"\)""")]
    private static partial Regex TableClientCall();

    [GeneratedRegex("""Trigger\("%(?<setting>[A-Za-z0-9:_]+)%"\)""")]
    private static partial Regex BindingExpression();
}
