using Listening.Core.Configuration;
using Microsoft.Extensions.Options;

namespace Listening.Core.Ingestion;

/// <summary>The Pages this installation watches: the configured ones, or the embedded demo Page.</summary>
public sealed class PageDirectory(IOptions<ListeningOptions> options)
{
    public IReadOnlyList<PageOptions> All => options.Value.IsDemo
        ? [new PageOptions { Id = Meta.Sample.DemoPage.PageId, Name = Meta.Sample.DemoPage.PageName }]
        : options.Value.Pages;

    public PageOptions? Find(string pageId) => All.FirstOrDefault(p => string.Equals(p.Id, pageId, StringComparison.Ordinal));

    /// <summary>
    /// Whether snapshots of the Page are taken in: a Page this installation watches, or one listed in
    /// <c>Listening:Pages</c> without a token yet (no Page has one: the demo Page is the source meanwhile).
    /// </summary>
    public bool IsConfigured(string pageId) =>
        Find(pageId) is not null || options.Value.Pages.Any(p => string.Equals(p.Id, pageId, StringComparison.Ordinal));
}
