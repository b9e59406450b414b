using ArchUnitNET.Loader;

namespace Listening.Core.Tests.Architecture;

/// <summary>
/// The layers of Listening.Core, bottom first (docs/architecture.md). A layer may use the layers below it, never one
/// above; and no two folders (namespaces) may reach each other, also not within a layer.
/// </summary>
internal static class LayerRules
{
    /// <summary>Layer name and the namespaces (with their sub-namespaces) that form it, bottom first.</summary>
    public static readonly IReadOnlyList<(string Layer, string[] Namespaces)> Layers =
    [
        ("Contracts", ["Listening.Core.Contracts"]),
        ("Foundation", ["Listening.Core.Configuration", "Listening.Core.Telemetry"]),
        ("Storage", ["Listening.Core.Storage"]),
        ("Meta", ["Listening.Core.Meta"]),
        ("Ingestion", ["Listening.Core.Ingestion"]),
        ("Aggregation", ["Listening.Core.Aggregation"]),
        ("Comments", ["Listening.Core.Comments"]),
        ("Summaries", ["Listening.Core.Summaries"]),
        ("Insights", ["Listening.Core.Insights"]),
        ("Notifications", ["Listening.Core.Notifications"]),
        ("Pipeline", ["Listening.Core.Pipeline"]),
    ];

    /// <summary>For each namespace edge "from -> to", the first type-level use that makes it ("Type uses Type"), for messages.</summary>
    public static readonly System.Collections.Concurrent.ConcurrentDictionary<string, string> Examples = new(StringComparer.Ordinal);

    /// <summary>Namespace -> namespaces its types use (other than itself), for every namespace of our own code in the assembly.</summary>
    public static IReadOnlyDictionary<string, IReadOnlySet<string>> NamespaceGraph(System.Reflection.Assembly assembly, string prefix)
    {
        var architecture = new ArchLoader().LoadAssemblies(assembly).Build();
        var graph = new SortedDictionary<string, IReadOnlySet<string>>(StringComparer.Ordinal);
        foreach (var type in architecture.Types)
        {
            var from = type.Namespace?.FullName;
            if (from is null || !from.StartsWith(prefix, StringComparison.Ordinal))
            {
                continue;
            }

            var targets = (SortedSet<string>)(graph.TryGetValue(from, out var known) ? known : graph[from] = new SortedSet<string>(StringComparer.Ordinal));
            foreach (var dependency in type.Dependencies)
            {
                var to = dependency.Target?.Namespace?.FullName;
                // A method's generic parameter (TJsonMetadataType in System.Text.Json's generated contexts) is no use of
                // another type; ArchUnitNET files it under the first type that declared such a method.
                var genericParameter = dependency.Target is ArchUnitNET.Domain.GenericParameter;
                if (to is not null && to != from && !genericParameter && to.StartsWith(prefix, StringComparison.Ordinal))
                {
                    targets.Add(to);
                    Examples.TryAdd(from + " -> " + to, type.FullName + " uses " + dependency.Target!.FullName);
                }
            }
        }

        return graph;
    }

    /// <summary>The Table SDK's clients: only the storage layer may hold or call them (docs/architecture.md).</summary>
    public static readonly IReadOnlyList<string> TableClients = ["Azure.Data.Tables.TableClient", "Azure.Data.Tables.TableServiceClient"];

    /// <summary>
    /// Every type of our own code (namespace under <paramref name="prefix"/>) outside <paramref name="storageNamespace"/>
    /// that uses one of <see cref="TableClients"/>, in a signature or a method body, as "Type uses Client".
    /// </summary>
    public static IReadOnlyList<string> TableClientUsesOutside(System.Reflection.Assembly assembly, string prefix, string storageNamespace)
    {
        var architecture = new ArchLoader().LoadAssemblies(assembly).Build();
        var uses = new SortedSet<string>(StringComparer.Ordinal);
        foreach (var type in architecture.Types)
        {
            var ns = type.Namespace?.FullName;
            if (ns is null || !ns.StartsWith(prefix, StringComparison.Ordinal)
                || ns == storageNamespace || ns.StartsWith(storageNamespace + ".", StringComparison.Ordinal))
            {
                continue;
            }

            foreach (var dependency in type.Dependencies)
            {
                if (dependency.Target is { } target && TableClients.Contains(target.FullName))
                {
                    uses.Add(type.FullName + " uses " + target.FullName);
                }
            }
        }

        return [.. uses];
    }

    /// <summary>The layer a namespace belongs to (index bottom first), or -1 when it belongs to none.</summary>
    public static int LayerOf(string ns)
    {
        for (var i = 0; i < Layers.Count; i++)
        {
            if (Layers[i].Namespaces.Any(n => ns == n || ns.StartsWith(n + ".", StringComparison.Ordinal)))
            {
                return i;
            }
        }

        return -1;
    }

    /// <summary>Every use of a namespace in a higher layer, as "from -> to (Layer uses Layer above it)".</summary>
    public static IEnumerable<string> UpwardReferences(IReadOnlyDictionary<string, IReadOnlySet<string>> graph) =>
        from edge in graph
        from to in edge.Value
        let fromLayer = LayerOf(edge.Key)
        let toLayer = LayerOf(to)
        where fromLayer >= 0 && toLayer > fromLayer
        select $"{edge.Key} -> {to} ({Layers[fromLayer].Layer} uses {Layers[toLayer].Layer}, which is above it; e.g. {Examples.GetValueOrDefault(edge.Key + " -> " + to)})";

    /// <summary>Groups of namespaces that reach each other (strongly connected components with more than one member).</summary>
    public static IReadOnlyList<IReadOnlyList<string>> Cycles(IReadOnlyDictionary<string, IReadOnlySet<string>> graph)
    {
        // Tarjan's algorithm; the graph is small (a few dozen namespaces), so recursion depth is no concern.
        var index = 0;
        var indices = new Dictionary<string, int>(StringComparer.Ordinal);
        var lowLinks = new Dictionary<string, int>(StringComparer.Ordinal);
        var stack = new Stack<string>();
        var onStack = new HashSet<string>(StringComparer.Ordinal);
        var cycles = new List<IReadOnlyList<string>>();

        void Visit(string node)
        {
            indices[node] = lowLinks[node] = index++;
            stack.Push(node);
            onStack.Add(node);
            foreach (var next in graph.TryGetValue(node, out var targets) ? targets : new HashSet<string>())
            {
                if (!indices.TryGetValue(next, out var nextIndex))
                {
                    Visit(next);
                    lowLinks[node] = Math.Min(lowLinks[node], lowLinks[next]);
                }
                else if (onStack.Contains(next))
                {
                    lowLinks[node] = Math.Min(lowLinks[node], nextIndex);
                }
            }

            if (lowLinks[node] == indices[node])
            {
                var component = new List<string>();
                string member;
                do
                {
                    member = stack.Pop();
                    onStack.Remove(member);
                    component.Add(member);
                }
                while (member != node);
                if (component.Count > 1)
                {
                    component.Sort(StringComparer.Ordinal);
                    cycles.Add(component);
                }
            }
        }

        foreach (var node in graph.Keys)
        {
            if (!indices.ContainsKey(node))
            {
                Visit(node);
            }
        }

        return cycles;
    }
}
