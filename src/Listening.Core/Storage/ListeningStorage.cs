using Azure.Data.Tables;
using Listening.Core.Configuration;
using Microsoft.Extensions.Options;

namespace Listening.Core.Storage;

/// <summary>
/// The app's tables as the rest of the code sees them: one handle the stores are built from, and the one thing
/// a host or a test may ask of the tables themselves (create them). The <see cref="TableClient"/>s stay inside
/// this folder (<see cref="ListeningTables"/>); reads and writes go through the stores' intent-named methods.
/// </summary>
public sealed class ListeningStorage : IDisposable
{
    public ListeningStorage(TableServiceClient service, IOptions<ListeningOptions> options) =>
        Tables = new ListeningTables(service, options);

    internal ListeningTables Tables { get; }

    /// <summary>Creates every table of the data model that does not exist yet (once per instance).</summary>
    public Task EnsureCreatedAsync(CancellationToken cancellationToken) => Tables.EnsureCreatedAsync(cancellationToken);

    public void Dispose() => Tables.Dispose();
}
