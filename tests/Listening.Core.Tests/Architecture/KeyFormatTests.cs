namespace Listening.Core.Tests.Architecture;

/// <summary>
/// The day pattern is written out in one place for contracts and messages (Contracts/IsoDate.cs) and one for stored
/// keys (Storage/TableKeys.cs); everything else asks them. Read from the source, so a comment counts too.
/// </summary>
public sealed class KeyFormatTests
{
    private const string DayPattern = "yyyy-MM-dd";

    private static readonly string[] Allowed =
    [
        Path.Combine("src", "Listening.Core", "Contracts", "IsoDate.cs"),
        Path.Combine("src", "Listening.Core", "Storage", "TableKeys.cs"),
    ];

    [Fact]
    public void The_day_pattern_is_written_only_in_IsoDate_and_TableKeys()
    {
        var writers = FilesWriting(DayPattern);

        Assert.Equal(Allowed.Order(StringComparer.Ordinal), writers.Where(Allowed.Contains).Order(StringComparer.Ordinal)); // the scan sees them
        var elsewhere = writers.Except(Allowed).ToList();
        Assert.True(elsewhere.Count == 0, $"\"{DayPattern}\" written out in (use IsoDate or DayKey/TableKeys): " + string.Join(", ", elsewhere));
    }

    /// <summary>Source files under src (C# and Razor, no build output) that contain <paramref name="text"/>, relative to the repository.</summary>
    private static List<string> FilesWriting(string text)
    {
        var root = RepositoryRoot();
        return [.. Directory.EnumerateFiles(Path.Combine(root, "src"), "*", SearchOption.AllDirectories)
            .Where(f => f.EndsWith(".cs", StringComparison.Ordinal) || f.EndsWith(".razor", StringComparison.Ordinal))
            .Where(f => !f.Contains(Path.DirectorySeparatorChar + "obj" + Path.DirectorySeparatorChar, StringComparison.Ordinal)
                && !f.Contains(Path.DirectorySeparatorChar + "bin" + Path.DirectorySeparatorChar, StringComparison.Ordinal))
            .Where(f => File.ReadAllText(f).Contains(text, StringComparison.Ordinal))
            .Select(f => Path.GetRelativePath(root, f))];
    }

    private static string RepositoryRoot()
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
}
