using Listening.Benchmarks;

// Run by hand: dotnet run -c Release --project tests/Listening.Benchmarks -- <name>|all
// Each benchmark prints a Markdown block for docs/benchmarks.md, with the machine it ran on.
var benchmarks = BenchmarkCatalog.All;
var name = args.FirstOrDefault() ?? "list";
if (name == "list")
{
    Console.WriteLine("Benchmarks: " + string.Join(", ", benchmarks.Keys) + " (or all)");
    return 0;
}

var chosen = name == "all" ? benchmarks.Values.ToList() : benchmarks.TryGetValue(name, out var one) ? [one] : [];
if (chosen.Count == 0)
{
    await Console.Error.WriteLineAsync($"Unknown benchmark '{name}'. Known: {string.Join(", ", benchmarks.Keys)}");
    return 2;
}

Console.WriteLine(Machine.Describe());
foreach (var benchmark in chosen)
{
    await benchmark(args.Skip(1).ToArray());
}

return 0;
