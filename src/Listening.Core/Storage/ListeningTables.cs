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
    private readonly SemaphoreSlim _gate = new(1, 1);
    private volatile bool _created;

    /// <summary>Entity group transactions hold at most 100 operations.</summary>
    public const int MaxOperationsPerTransaction = 100;

    public ListeningTables(TableServiceClient service, IOptions<ListeningOptions> options)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(service);
        _prefix = options.Value.Tables.Prefix;
        RawSnapshots = service.GetTableClient(_prefix + "rawsnapshots");
        Observations = service.GetTableClient(_prefix + "observations");
        Summaries = service.GetTableClient(_prefix + "summaries");
        PageState = service.GetTableClient(_prefix + "pagestate");
        NotificationLog = service.GetTableClient(_prefix + "notificationlog");
        Insights = service.GetTableClient(_prefix + "metainsights");
        AlertState = service.GetTableClient(_prefix + "alertstate");
        PoisonLog = service.GetTableClient(_prefix + "poisonlog");
        Pages = service.GetTableClient(_prefix + "pages");
        Instagram = service.GetTableClient(_prefix + "instagram");
        Comments = service.GetTableClient(_prefix + "comments");
    }

    /// <summary>Every snapshot as received, compressed: the source for <c>replay</c>.</summary>
    public TableClient RawSnapshots { get; }

    /// <summary>Per Page and local day: the last observation of the Page and of each post.</summary>
    public TableClient Observations { get; }

    /// <summary>Materialized daily summaries, one point read each.</summary>
    public TableClient Summaries { get; }

    /// <summary>Per Page: last successful pull, token state, rejected metrics.</summary>
    public TableClient PageState { get; }

    /// <summary>Dedupe records of what went to Teams.</summary>
    public TableClient NotificationLog { get; }

    /// <summary>Meta's daily Page insights per Page, Meta date and metric (<see cref="MetaDayStore"/>).</summary>
    public TableClient Insights { get; }

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

    public IEnumerable<TableClient> All => [RawSnapshots, Observations, Summaries, PageState, NotificationLog, AlertState, PoisonLog, Insights, Pages, Instagram, Comments];

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
