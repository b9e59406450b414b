using Listening.Core.Configuration;

namespace Listening.Core.Tests.Architecture;

/// <summary>
/// Dependencies in Listening.Core point down only (docs/architecture.md): read from the compiled assembly, so a use
/// in a method body counts as much as one in a signature.
/// </summary>
public sealed class LayerTests
{
    private static readonly Lazy<IReadOnlyDictionary<string, IReadOnlySet<string>>> Core =
        new(() => LayerRules.NamespaceGraph(typeof(ListeningOptions).Assembly, "Listening.Core"));

    [Fact]
    public void Every_namespace_of_the_core_belongs_to_a_layer()
    {
        var homeless = Core.Value.Keys.Where(ns => LayerRules.LayerOf(ns) < 0).ToList();

        Assert.True(homeless.Count == 0, "Namespaces outside every layer (add them to a layer folder): " + string.Join(", ", homeless));
        Assert.Contains(Core.Value.Keys, ns => ns == "Listening.Core.Contracts");
        Assert.Contains(Core.Value.Keys, ns => ns == "Listening.Core.Meta.Sample");
    }

    [Fact]
    public void No_layer_uses_a_layer_above_it()
    {
        var upward = LayerRules.UpwardReferences(Core.Value).ToList();

        Assert.True(upward.Count == 0, "Upward references:\n" + string.Join("\n", upward));
    }

    [Fact]
    public void No_two_folders_reach_each_other()
    {
        var cycles = LayerRules.Cycles(Core.Value);

        Assert.True(cycles.Count == 0, "Namespaces in a cycle:\n" + string.Join("\n", cycles.Select(c => string.Join(" <-> ", c))));
    }

    [Fact]
    public void The_contracts_depend_on_nothing_of_ours()
    {
        var used = Core.Value["Listening.Core.Contracts"];

        Assert.True(used.Count == 0, "Listening.Core.Contracts uses " + string.Join(", ", used));
    }

    [Fact]
    public void The_graph_is_read_from_the_compiled_code()
    {
        // A known edge of each kind: a signature (the summary store hands out contract records) and a method body
        // (the pipeline's composition root registers the aggregation's services).
        Assert.Contains("Listening.Core.Contracts", Core.Value["Listening.Core.Storage"]);
        Assert.Contains("Listening.Core.Aggregation", Core.Value["Listening.Core.Pipeline"]);
    }

    [Fact]
    public void No_table_client_outside_the_storage_layer()
    {
        var uses = LayerRules.TableClientUsesOutside(typeof(ListeningOptions).Assembly, "Listening.Core", "Listening.Core.Storage");

        Assert.True(uses.Count == 0, "TableClient/TableServiceClient outside Listening.Core.Storage (add an intent-named store method instead):\n" + string.Join("\n", uses));
    }

    [Fact]
    public void A_table_client_outside_the_storage_layer_is_caught()
    {
        // The fixture holds a TableClient in a field and one uses a TableServiceClient only inside a method body: both
        // are reported; the fixture "storage" namespace may use them freely, like Listening.Core.Storage.
        const string fixtures = "Listening.Core.Tests.Architecture.Fixtures";
        var uses = LayerRules.TableClientUsesOutside(typeof(Fixtures.Rogue.RawTableReader).Assembly, fixtures, fixtures + ".Storage");

        Assert.Equal(
            [
                "Listening.Core.Tests.Architecture.Fixtures.Rogue.RawTableReader uses Azure.Data.Tables.TableClient",
                "Listening.Core.Tests.Architecture.Fixtures.Rogue.TableMaker uses Azure.Data.Tables.TableServiceClient",
            ],
            uses);

        // And the real storage layer does use them, so the rule looks at the right types.
        Assert.NotEmpty(LayerRules.TableClientUsesOutside(typeof(ListeningOptions).Assembly, "Listening.Core", "Listening.Core.Pipeline"));
    }

    [Fact]
    public void A_new_cycle_or_upward_reference_is_caught()
    {
        // The fixture namespaces below form a cycle in compiled code (Low uses High, High uses Low), exactly what a
        // careless new reference in src would do; the same rules that guard Listening.Core must report it.
        var fixture = LayerRules.NamespaceGraph(typeof(Fixtures.Low.LowThing).Assembly, "Listening.Core.Tests.Architecture.Fixtures");

        var cycle = Assert.Single(LayerRules.Cycles(fixture));
        Assert.Equal(["Listening.Core.Tests.Architecture.Fixtures.High", "Listening.Core.Tests.Architecture.Fixtures.Low"], cycle);

        // And against the real layers: a contract that used the summaries layer would be an upward reference.
        var withUpward = new Dictionary<string, IReadOnlySet<string>>(Core.Value)
        {
            ["Listening.Core.Contracts"] = new HashSet<string> { "Listening.Core.Summaries" },
        };
        var upward = Assert.Single(LayerRules.UpwardReferences(withUpward), u => u.StartsWith("Listening.Core.Contracts", StringComparison.Ordinal));
        Assert.Contains("Contracts uses Summaries", upward, StringComparison.Ordinal);
    }
}
