// A deliberate cycle in compiled code, for LayerTests.A_new_cycle_or_upward_reference_is_caught: Low uses High and
// High uses Low. Nothing else uses these types.
namespace Listening.Core.Tests.Architecture.Fixtures.Low
{
    internal sealed class LowThing
    {
        public static int Size(High.HighThing high) => high.Count + 1;
    }
}

namespace Listening.Core.Tests.Architecture.Fixtures.High
{
    internal sealed class HighThing
    {
        public int Count { get; init; }

        public static Low.LowThing Make() => new();
    }
}
