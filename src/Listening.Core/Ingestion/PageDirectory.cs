using Listening.Core.Configuration;
using Listening.Core.Storage;
using Microsoft.Extensions.Options;

namespace Listening.Core.Ingestion;

/// <summary>
/// The Pages this installation watches: the ones configured in <c>Listening:Pages</c> and the ones in the Page
/// registry (<c>listening pages add</c>), or the embedded demo Page when there are neither. A registered Page's token
/// is read from the token store (Key Vault or the local secret store) when the Page is looked up, and masked from then
/// on. The registry is read at most once per <see cref="RegistryCacheTime"/> (the scheduler reads it on every run).
/// </summary>
public sealed class PageDirectory
{
    /// <summary>How long a read of the registry serves lookups: a pause or a new Page counts within this time.</summary>
    public static readonly TimeSpan RegistryCacheTime = TimeSpan.FromMinutes(1);

    private readonly IOptions<ListeningOptions> _options;
    private readonly PageRegistry? _registry;
    private readonly PageTokens? _tokens;
    private readonly TimeProvider _time;
    private volatile RegistryRead? _cached;

    /// <summary>Configured Pages only (no registry): for tests and tools without storage.</summary>
    public PageDirectory(IOptions<ListeningOptions> options)
        : this(options, null, null, TimeProvider.System)
    {
    }

    public PageDirectory(IOptions<ListeningOptions> options, PageRegistry? registry, PageTokens? tokens, TimeProvider time)
    {
        _options = options;
        _registry = registry;
        _tokens = tokens;
        _time = time;
    }

    private List<PageOptions> Configured => _options.Value.IsDemo ? [] : _options.Value.Pages;

    private static PageOptions Demo => new() { Id = Meta.Sample.DemoPage.PageId, Name = Meta.Sample.DemoPage.PageName };

    /// <summary>
    /// The Pages to pull, report and watch: configured ones, then registered ones that are not paused (their
    /// <see cref="PageOptions.AccessToken"/> is left empty: <see cref="FindAsync"/> reads it); the demo Page when
    /// neither exists. With <paramref name="fresh"/> the registry is read now.
    /// </summary>
    public async Task<IReadOnlyList<PageOptions>> AllAsync(CancellationToken cancellationToken, bool fresh = false)
    {
        var registered = await RegisteredAsync(fresh, cancellationToken);
        var configured = Configured;
        if (configured.Count == 0 && registered.Count == 0)
        {
            return [Demo];
        }

        var ids = configured.Select(p => p.Id).ToHashSet(StringComparer.Ordinal);
        return
        [
            .. configured,
            .. registered.Where(r => !r.Paused && !ids.Contains(r.Id)).Select(r => new PageOptions { Id = r.Id, Name = r.Name }),
        ];
    }

    /// <summary>Whether the demo Page is in use: no Page configured with a token and none registered.</summary>
    public async Task<bool> IsDemoAsync(CancellationToken cancellationToken) =>
        Configured.Count == 0 && (await RegisteredAsync(false, cancellationToken)).Count == 0;

    /// <summary>The Page with its token (a registered Page's read from the token store; paused ones too); null when unknown.</summary>
    public async Task<PageOptions?> FindAsync(string pageId, CancellationToken cancellationToken)
    {
        if (Configured.FirstOrDefault(p => string.Equals(p.Id, pageId, StringComparison.Ordinal)) is { } configured)
        {
            return configured;
        }

        var registered = await RegisteredAsync(false, cancellationToken);
        if (registered.FirstOrDefault(p => string.Equals(p.Id, pageId, StringComparison.Ordinal)) is { } page)
        {
            var token = _tokens is null ? null : await _tokens.GetAsync(page.TokenSecret, cancellationToken);
            return new PageOptions { Id = page.Id, Name = page.Name, AccessToken = token };
        }

        return Configured.Count == 0 && registered.Count == 0 && pageId == Meta.Sample.DemoPage.PageId ? Demo : null;
    }

    /// <summary>
    /// Whether snapshots of the Page are taken in: a Page this installation watches (paused registered ones too), or
    /// one listed in <c>Listening:Pages</c> without a token yet (no Page has one: the demo Page is the source meanwhile).
    /// </summary>
    public async Task<bool> IsConfiguredAsync(string pageId, CancellationToken cancellationToken) =>
        _options.Value.Pages.Any(p => string.Equals(p.Id, pageId, StringComparison.Ordinal))
        || Configured.Any(p => string.Equals(p.Id, pageId, StringComparison.Ordinal))
        || (await RegisteredAsync(false, cancellationToken)).Any(p => string.Equals(p.Id, pageId, StringComparison.Ordinal))
        || (pageId == Meta.Sample.DemoPage.PageId && await IsDemoAsync(cancellationToken));

    /// <summary>
    /// Whether <c>Listening:Pages:N:Instagram</c> is <c>off</c> for the Page. Only configured Pages carry the setting;
    /// registered ones (and the demo Page) use the default, <c>auto</c>. No storage read, so summaries can ask per row.
    /// </summary>
    public bool IsInstagramOff(string pageId) =>
        _options.Value.Pages.Any(p => string.Equals(p.Id, pageId, StringComparison.Ordinal) && !p.InstagramEnabled);

    private async Task<IReadOnlyList<RegisteredPage>> RegisteredAsync(bool fresh, CancellationToken cancellationToken)
    {
        if (_registry is null)
        {
            return [];
        }

        var now = _time.GetUtcNow();
        if (!fresh && _cached is { } cached && now - cached.ReadAt < RegistryCacheTime && now >= cached.ReadAt)
        {
            return cached.Pages;
        }

        // Two lookups at once may both read the registry: harmless, the later read wins.
        var pages = await _registry.AllAsync(cancellationToken);
        _cached = new RegistryRead(pages, now);
        return pages;
    }
}

internal sealed record RegistryRead(IReadOnlyList<RegisteredPage> Pages, DateTimeOffset ReadAt);

/// <summary>The demo source for the demo Page, the Graph API for every other Page.</summary>
public sealed class PageSources(Meta.Sample.DemoPageSource demo, Meta.GraphPageSource graph) : Meta.IPageSource
{
    public Task<Meta.PullResult> CaptureAsync(PageOptions page, Meta.PullPlan plan, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(page);
        return page.Id == Meta.Sample.DemoPage.PageId && string.IsNullOrEmpty(page.AccessToken)
            ? demo.CaptureAsync(page, plan, cancellationToken)
            : graph.CaptureAsync(page, plan, cancellationToken);
    }
}
