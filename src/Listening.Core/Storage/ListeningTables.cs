using Azure.Data.Tables;
using Listening.Core.Configuration;
using Microsoft.Extensions.Options;

namespace Listening.Core.Storage;

/// <summary>
/// The tables of the data model (docs/data-model.md), created on first use. Internal: the stores of this folder
/// are the only code that holds a <see cref="TableClient"/>; everyone else holds <see cref="ListeningStorage"/> and
/// the stores (LayerTests: no TableClient outside Listening.Core.Storage).
/// </summary>
internal sealed class ListeningTables : IDisposable
{
    private readonly string _prefix;
    private readonly TableServiceClient _service;
    private readonly SemaphoreSlim _gate = new(1, 1);
    private volatile bool _created;

    /// <summary>Entity group transactions hold at most 100 operations.</summary>
    public const int MaxOperationsPerTransaction = 100;

    public ListeningTables(TableServiceClient service, IOptions<ListeningOptions> options)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(service);
        _prefix = options.Value.Tables.Prefix;
        _service = service;
        PageDays = service.GetTableClient(_prefix + "pagedays");
        PageState = service.GetTableClient(_prefix + "pagestate");
        NotificationLog = service.GetTableClient(_prefix + "notificationlog");
        AlertState = service.GetTableClient(_prefix + "alertstate");
        PoisonLog = service.GetTableClient(_prefix + "poisonlog");
        Pages = service.GetTableClient(_prefix + "pages");
        Instagram = service.GetTableClient(_prefix + "instagram");
        Comments = service.GetTableClient(_prefix + "comments");
    }

    /// <summary>
    /// Per Page (the partition), by kind of row (<see cref="PageDayKinds"/>): every snapshot as received, the last
    /// observation of the Page and each post per local day, Meta's daily values, the materialized day summaries.
    /// </summary>
    public TableClient PageDays { get; }

    /// <summary>Per Page: last successful pull, token state, rejected metrics.</summary>
    public TableClient PageState { get; }

    /// <summary>Dedupe records of what went to Teams.</summary>
    public TableClient NotificationLog { get; }

    /// <summary>Alerts raised (for dedupe before queueing and for the digest's open alerts) and crisis mode per Page.</summary>
    public TableClient AlertState { get; }

    /// <summary>Why messages were parked in a poison queue (<c>listening poison list</c>).</summary>
    public TableClient PoisonLog { get; }

    /// <summary>The Page registry: Pages added with <c>listening pages add</c> (<see cref="PageRegistry"/>); names of secrets, never tokens.</summary>
    public TableClient Pages { get; }

    /// <summary>Instagram accounts linked to Pages: per account and day, its media, Meta's daily values (<see cref="InstagramStore"/>).</summary>
    public TableClient Instagram { get; }

    /// <summary>Comment triage: per comment (no author, no text), Page replies, hourly counts (<see cref="CommentStore"/>).</summary>
    public TableClient Comments { get; }

    public IEnumerable<TableClient> All => [PageDays, PageState, NotificationLog, AlertState, PoisonLog, Pages, Instagram, Comments];

    /// <summary>A table of the data model before issue 16 (<see cref="LegacyTableKeys"/>): read by the migration only, never created.</summary>
    public TableClient Legacy(string name) => _service.GetTableClient(_prefix + name);

    public void Dispose() => _gate.Dispose();

    public async Task EnsureCreatedAsync(CancellationToken cancellationToken)
    {
        if (_created)
        {
            return;
        }

        await _gate.WaitAsync(cancellationToken);
        try
        {
            if (!_created)
            {
                foreach (var table in All)
                {
                    await table.CreateIfNotExistsAsync(cancellationToken);
                }

                _created = true;
            }
        }
        finally
        {
            _gate.Release();
        }
    }
}
