using Azure.Data.Tables;

// Table clients outside and inside a "storage" namespace, for LayerTests.A_table_client_outside_the_storage_layer_is_caught.
// Nothing else uses these types; nothing here is ever called.
namespace Listening.Core.Tests.Architecture.Fixtures.Rogue
{
    internal sealed class RawTableReader(TableClient table)
    {
        public Uri Where => table.Uri;
    }

    internal static class TableMaker
    {
        public static string Name(string connectionString) => new TableServiceClient(connectionString).AccountName;
    }
}

namespace Listening.Core.Tests.Architecture.Fixtures.Storage
{
    internal sealed class AllowedStore(TableClient table)
    {
        public string Name => table.Name;
    }
}
