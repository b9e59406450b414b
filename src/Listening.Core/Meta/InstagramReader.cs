using System.Globalization;
using System.Text.Json;
using Listening.Core.Configuration;
using Listening.Core.Contracts;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Listening.Core.Meta;

/// <summary>
/// The Instagram professional account linked to a Page, read with the Page token in the same cycle. The Page's batch
/// carries <see cref="LinkedAccount"/> (the account's id, username and counters as a field expansion of the Page);
/// when an account is linked, one more batch carries its daily insights (one call per Meta day, as
/// <c>metric_type=total_value</c> sums the window), the first page of its media of the look-back window and its live
/// stories, both with their lifetime insights in a field expansion (never a request per media item). Further media
/// pages follow <c>paging.next</c> as the posts do. A metric Meta rejects is found by bisection, dropped and
/// remembered per scope (account, media, story: <see cref="InstagramMetrics.Rejected"/>); an alias continues it. Any
/// other error of Instagram leaves the account out of this pull with a note for health: the Page's Facebook data
/// flows on. Token errors and throttling end the pull, as everywhere.
/// </summary>
public sealed partial class InstagramReader(GraphClient graph, GraphRequests requests, IOptions<ListeningOptions> options, TimeProvider time, ILogger<InstagramReader> logger)
{
    /// <summary>The note when the Page has no linked account.</summary>
    public const string NotLinked = "no Instagram account is linked to the Page";

    private const string AccountFields = "id,username,followers_count,follows_count,media_count";

    private const string MediaFields = "id,caption,media_type,media_product_type,permalink,timestamp,like_count,comments_count";

    private readonly FacebookOptions _facebook = options.Value.Facebook;
    private readonly IReadOnlyDictionary<string, string> _aliases = options.Value.Facebook.EffectiveAliases;

    /// <summary>The Page's linked account with its counters (a field of the Page, asked in the Page's batch).</summary>
    public string LinkedAccount(string pageId) =>
        requests.Versioned($"{Uri.EscapeDataString(pageId)}?fields={Uri.EscapeDataString("instagram_business_account{" + AccountFields + "}")}");

    /// <summary>The account's insights of one Meta day (Pacific), summed over the day (<c>metric_type=total_value</c>).</summary>
    public string AccountInsights(string accountId, IReadOnlyCollection<string> metrics, DateOnly metaDay) =>
        requests.Versioned(string.Create(CultureInfo.InvariantCulture,
            $"{Uri.EscapeDataString(accountId)}/insights?metric={string.Join(',', metrics)}&period=day&metric_type=total_value&since={MetaCalendar.StartOf(metaDay).ToUnixTimeSeconds()}&until={MetaCalendar.EndOf(metaDay).ToUnixTimeSeconds()}"));

    /// <summary>Media published since <paramref name="since"/> (newest first), <paramref name="limit"/> per page, with lifetime insights.</summary>
    public string Media(string accountId, DateTimeOffset since, int limit, IReadOnlyCollection<string> metrics) =>
        requests.Versioned(string.Create(CultureInfo.InvariantCulture,
            $"{Uri.EscapeDataString(accountId)}/media?limit={limit}&since={since.ToUnixTimeSeconds()}&fields={Uri.EscapeDataString(WithInsights(metrics))}"));

    /// <summary>The stories alive now (they live 24 hours), with lifetime insights.</summary>
    public string Stories(string accountId, IReadOnlyCollection<string> metrics) =>
        requests.Versioned($"{Uri.EscapeDataString(accountId)}/stories?fields={Uri.EscapeDataString(WithInsights(metrics))}");

    /// <summary>
    /// Lifetime insights of up to <see cref="MaxIdsPerCall"/> media by id in one call (<c>?ids=a,b&amp;fields=insights.metric(...)</c>,
    /// answered as an object keyed by id): how a metric one media product type rejects is still read for the others.
    /// </summary>
    public string MediaInsightsByIds(IReadOnlyCollection<string> ids, IReadOnlyCollection<string> metrics) =>
        requests.Versioned($"?ids={string.Join(',', ids.Select(Uri.EscapeDataString))}&fields={Uri.EscapeDataString("insights.metric(" + string.Join(',', metrics) + ")")}");

    /// <summary>Graph answers at most 50 ids in one call.</summary>
    public const int MaxIdsPerCall = 50;

    private static string WithInsights(IReadOnlyCollection<string> metrics) =>
        metrics.Count > 0 ? MediaFields + ",insights.metric(" + string.Join(',', metrics) + ")" : MediaFields;

    /// <summary>The metrics of a scope still worth asking: configured minus remembered rejections, a rejected one replaced by its alias.</summary>
    internal List<string> Requestable(IReadOnlyList<string> configured, IReadOnlyCollection<string> rejected, string scope)
    {
        var gone = rejected.Select(r => InstagramMetrics.RejectedMetricOf(r, scope)).OfType<string>().ToHashSet(StringComparer.Ordinal);
        return MetricSelection.Requestable(configured, gone.Contains, _aliases);
    }

    /// <summary>The account as the Page's batch answered about it, and (when linked) the rest in one more batch.</summary>
    internal async Task<InstagramRead> ReadAsync(
        GraphSession session, GraphResult linked, PullPlan plan, DateTimeOffset mediaSince, CaptureFindings findings, CancellationToken cancellationToken)
    {
        var pageId = findings.PageId;
        if (linked.Error is { } linkError)
        {
            ThrowIfFatal(linkError);
            LogNotRead(logger, pageId, linkError.Describe());
            return new InstagramRead(null, $"Instagram not read: {linkError.Summary()} (needs instagram_basic and instagram_manage_insights)");
        }

        if (linked.Body.ValueKind != JsonValueKind.Object
            || !linked.Body.TryGetProperty("instagram_business_account", out var account) || account.ValueKind != JsonValueKind.Object)
        {
            return new InstagramRead(null, NotLinked);
        }

        var accountId = account.TryGetProperty("id", out var idValue) && idValue.ValueKind == JsonValueKind.String ? idValue.GetString() : null;
        if (string.IsNullOrEmpty(accountId) || GraphPayload.SafeId(accountId) != accountId)
        {
            findings.Skip(new MalformedItem("instagram_business_account", "id"));
            return new InstagramRead(null, "Meta sent the linked Instagram account without a usable id");
        }

        long? Count(string property)
        {
            if (!account.TryGetProperty(property, out var value) || value.ValueKind == JsonValueKind.Null)
            {
                return null;
            }

            if (GraphPayload.TryCount(value, out var count))
            {
                return count;
            }

            findings.Skip(new MalformedItem("Instagram account " + accountId, property));
            return null;
        }

        var username = account.TryGetProperty("username", out var u) && u.ValueKind == JsonValueKind.String ? MessageSchema.Cut(u.GetString(), MessageSchema.MaxPageNameLength) : null;
        var observation = new InstagramObservation
        {
            AccountId = accountId,
            Username = username,
            Followers = Count("followers_count"),
            Follows = Count("follows_count"),
            MediaCount = Count("media_count"),
        };

        try
        {
            var accountMetrics = Requestable(InstagramMetrics.DefaultAccountMetrics, plan.RejectedMetrics, InstagramMetrics.AccountScope);
            // A metric one product type rejects is left out of the media call (which holds every type) and read for
            // the other types by id after it; a metric rejected for all media is dropped (and its alias asked) as before.
            var byType = TypeRejections(plan.RejectedMetrics);
            var requestable = Requestable(InstagramMetrics.DefaultMediaMetrics, plan.RejectedMetrics, InstagramMetrics.MediaScope);
            var mediaMetrics = requestable.Where(m => !byType.Values.Any(set => set.Contains(m))).ToList();
            var partial = requestable.Except(mediaMetrics, StringComparer.Ordinal).ToList();
            var storyMetrics = Requestable(InstagramMetrics.DefaultStoryMetrics, plan.RejectedMetrics, InstagramMetrics.StoryScope);
            var days = new List<DateOnly>();
            if (plan.Insights is { } range && accountMetrics.Count > 0)
            {
                // The days Meta may still change, one call each: after a gap, not the whole gap (a Page backfill does not read Instagram).
                var from = range.To.AddDays(1 - _facebook.InsightsLookbackDays);
                for (var day = from > range.From ? from : range.From; day <= range.To; day = day.AddDays(1))
                {
                    days.Add(day);
                }
            }

            var calls = days.Select(d => AccountInsights(accountId, accountMetrics, d)).ToList();
            calls.Add(Media(accountId, mediaSince, GraphRequests.PostPageSize, mediaMetrics));
            calls.Add(Stories(accountId, storyMetrics));
            var answers = await graph.BatchAsync(session, calls, cancellationToken);
            foreach (var error in answers.Select(a => a.Error).OfType<GraphApiException>())
            {
                ThrowIfFatal(error);
            }

            var insights = await ReadInsightsAsync(session, accountId, accountMetrics, days, answers, findings, cancellationToken);
            var (media, unresolved) = await ReadMediaAsync(session, accountId, InstagramMetrics.MediaScope, mediaMetrics, m => Media(accountId, mediaSince, GraphRequests.PostPageSize, m), answers[days.Count], mediaSince, findings, cancellationToken);
            media = await ReadByTypeAsync(session, media, partial, byType, unresolved, findings, cancellationToken);
            var (stories, _) = await ReadMediaAsync(session, accountId, InstagramMetrics.StoryScope, storyMetrics, m => Stories(accountId, m), answers[days.Count + 1], null, findings, cancellationToken);
            var all = media.Concat(stories.Where(s => media.All(m => m.Id != s.Id))).ToList();
            return new InstagramRead(observation with { Media = all, Insights = insights }, $"linked: @{username} ({accountId})") { AccountId = accountId };
        }
        catch (GraphApiException error) when (!error.IsTokenError && !error.IsThrottling)
        {
            LogNotRead(logger, pageId, error.Describe());
            // Code 10 and the 200 family: the token lacks a permission (instagram_manage_insights for insights).
            var permission = error.Code is 10 or (>= 200 and <= 299) ? " (needs instagram_manage_insights)" : "";
            return new InstagramRead(observation, $"Instagram account {accountId} read only in part: {error.Summary()}{permission}") { AccountId = accountId };
        }
    }

    private async Task<List<InsightValue>> ReadInsightsAsync(
        GraphSession session, string accountId, List<string> metrics, List<DateOnly> days, IReadOnlyList<GraphResult> answers,
        CaptureFindings findings, CancellationToken cancellationToken)
    {
        var values = new List<InsightValue>();
        if (days.Count == 0)
        {
            return values;
        }

        var accepted = metrics;
        var failed = new List<DateOnly>();
        for (var i = 0; i < days.Count; i++)
        {
            if (answers[i].Error is { } error)
            {
                if (!PageInsightsReader.IsMetricRejection(error, metrics))
                {
                    throw error;
                }

                failed.Add(days[i]);
            }
            else
            {
                values.AddRange(ParseTotalValues(answers[i].Body, days[i], findings));
            }
        }

        if (failed.Count == 0)
        {
            return values;
        }

        // One day finds the rejected metrics (bisection); the other failed days are asked again without them.
        var first = failed[0];
        var (kept, _) = await BisectAsync(session, InstagramMetrics.AccountScope, metrics, m => AccountInsights(accountId, m, first), findings, true, cancellationToken);
        accepted = kept;
        if (accepted.Count == 0)
        {
            return values;
        }

        var again = await graph.BatchAsync(session, [.. failed.Select(d => AccountInsights(accountId, accepted, d))], cancellationToken);
        for (var i = 0; i < failed.Count; i++)
        {
            if (again[i].Error is { } error)
            {
                throw error;
            }

            values.AddRange(ParseTotalValues(again[i].Body, failed[i], findings));
        }

        return values;
    }

    /// <summary>
    /// The metrics of <paramref name="scope"/> that Meta accepts in the call <paramref name="url"/> makes of them: halves
    /// asked in one batch per round until each rejected metric stands alone (or Meta names it); an alias of a rejected
    /// metric is tried in its place. With <paramref name="remember"/> false the rejected metrics are only returned (the
    /// caller finds out for which media product type they are rejected) and no alias is tried.
    /// </summary>
    private async Task<(List<string> Accepted, List<(string Metric, GraphApiException Error)> Rejected)> BisectAsync(
        GraphSession session, string scope, List<string> metrics, Func<List<string>, string> url, CaptureFindings findings, bool remember, CancellationToken cancellationToken)
    {
        var accepted = new List<string>();
        var rejected = new List<(string Metric, GraphApiException Error)>();
        var tried = new HashSet<string>(metrics, StringComparer.Ordinal);
        var pending = metrics.Count > 1 ? new List<List<string>> { metrics[..(metrics.Count / 2)], metrics[(metrics.Count / 2)..] } : [metrics];
        for (var round = 0; pending.Count > 0 && round < 16; round++)
        {
            var answers = await graph.BatchAsync(session, [.. pending.Select(url)], cancellationToken);
            var next = new List<List<string>>();
            for (var i = 0; i < pending.Count; i++)
            {
                var group = pending[i];
                var error = answers[i].Error;
                if (error is null)
                {
                    accepted.AddRange(group);
                    continue;
                }

                ThrowIfFatal(error);
                if (!PageInsightsReader.IsMetricRejection(error, group))
                {
                    continue;
                }

                var named = group.Where(m => error.Message.Contains(m, StringComparison.Ordinal)).ToList();
                List<string> rejectedNow;
                if (group.Count == 1)
                {
                    rejectedNow = group;
                }
                else if (named.Count == 1)
                {
                    rejectedNow = named;
                    next.Add([.. group.Except(named)]);
                }
                else
                {
                    next.Add(group[..(group.Count / 2)]);
                    next.Add(group[(group.Count / 2)..]);
                    continue;
                }

                rejected.AddRange(rejectedNow.Select(m => (m, error)));
                if (!remember)
                {
                    continue;
                }

                findings.Reject(rejectedNow.Select(m => InstagramMetrics.Rejected(scope, m)), error);
                foreach (var successor in rejectedNow.Select(m => _aliases.GetValueOrDefault(m)).OfType<string>())
                {
                    if (tried.Add(successor))
                    {
                        next.Add([successor]);
                    }
                }
            }

            pending = [.. next.Where(g => g.Count > 0)];
        }

        return ([.. metrics.Concat(accepted).Distinct(StringComparer.Ordinal).Where(accepted.Contains)], rejected);
    }

    /// <summary>
    /// Media (or stories) page by page; on a metric rejection the metrics are bisected on the same call and the page
    /// asked again. Stories are one product type: what their edge rejects is remembered for stories. The media edge
    /// mixes feed posts and reels: what it rejects is returned unremembered, for <see cref="ReadByTypeAsync"/> to tell
    /// which product types reject it.
    /// </summary>
    private async Task<(List<InstagramMediaObservation> Media, List<(string Metric, GraphApiException Error)> Unresolved)> ReadMediaAsync(
        GraphSession session, string accountId, string scope, List<string> metrics, Func<List<string>, string> url, GraphResult first,
        DateTimeOffset? since, CaptureFindings findings, CancellationToken cancellationToken)
    {
        var result = first;
        var unresolved = new List<(string Metric, GraphApiException Error)>();
        if (result.Error is { } error && metrics.Count > 0 && PageInsightsReader.IsMetricRejection(error, metrics))
        {
            var mixed = scope == InstagramMetrics.MediaScope;
            var (accepted, rejected) = await BisectAsync(session, scope, metrics, url, findings, remember: !mixed, cancellationToken);
            if (mixed)
            {
                unresolved = rejected;
            }

            if (rejected.Count == 0)
            {
                // Each metric works on its own: read the media without insights this time.
                LogWithoutInsights(logger, findings.PageId, scope, error.Describe());
                accepted = [];
            }

            result = await graph.CallAsync(session, url(accepted), cancellationToken);
        }

        var media = new List<InstagramMediaObservation>();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        var followed = new HashSet<string>(StringComparer.Ordinal);
        var latest = time.GetUtcNow().AddDays(1);
        for (var pages = 1; ; pages++)
        {
            if (result.Error is { } stop)
            {
                throw stop;
            }

            var older = false;
            if (result.Body.ValueKind == JsonValueKind.Object && result.Body.TryGetProperty("data", out var data) && data.ValueKind == JsonValueKind.Array)
            {
                foreach (var item in data.EnumerateArray())
                {
                    if (!TryParseMedia(item, latest, out var parsed, out var problem))
                    {
                        findings.Skip(problem);
                    }
                    else if (since is { } s && parsed.Timestamp < s)
                    {
                        // Newest first: the window is over (whether or not Meta honoured since).
                        older = true;
                    }
                    else if (seen.Add(parsed.Id))
                    {
                        media.Add(parsed);
                    }
                }
            }

            var next = result.Body.ValueKind == JsonValueKind.Object
                && result.Body.TryGetProperty("paging", out var links) && links.ValueKind == JsonValueKind.Object
                && links.TryGetProperty("next", out var n) && n.ValueKind == JsonValueKind.String && n.GetString() is { Length: > 0 } link
                ? link
                : null;
            if (next is null || older || !followed.Add(GraphRequests.PagingKey(next)) || pages >= _facebook.MaxPostPagesPerCycle)
            {
                return (media, unresolved);
            }

            result = await graph.NextPageAsync(session, next, cancellationToken);
        }
    }

    /// <summary>The remembered rejections for one media product type (<c>instagram-reels:saved</c>), by scope; the scopes of the account, all media and stories are not types of the media edge.</summary>
    internal static Dictionary<string, HashSet<string>> TypeRejections(IReadOnlyCollection<string> rejected)
    {
        var byType = new Dictionary<string, HashSet<string>>(StringComparer.Ordinal);
        foreach (var parsed in rejected.Select(InstagramMetrics.ParseRejected).OfType<(string Scope, string Metric)>())
        {
            if (parsed.Scope is not (InstagramMetrics.AccountScope or InstagramMetrics.MediaScope or InstagramMetrics.StoryScope))
            {
                (byType.TryGetValue(parsed.Scope, out var set) ? set : byType[parsed.Scope] = new HashSet<string>(StringComparer.Ordinal)).Add(parsed.Metric);
            }
        }

        return byType;
    }

    /// <summary>
    /// The media metrics some product type rejects, read for the types that accept them: one call per type (and 50
    /// media) by id, all in one batch; none when no such metric is remembered and the media call rejected none.
    /// A metric the media call rejected (<paramref name="unresolved"/>) is asked per type the same way: rejected by
    /// every type on the page, it is remembered for all media (and its alias asked next time); rejected by some, for
    /// those types only, and its values of the others flow.
    /// </summary>
    private async Task<List<InstagramMediaObservation>> ReadByTypeAsync(
        GraphSession session, List<InstagramMediaObservation> media, List<string> partial, Dictionary<string, HashSet<string>> byType,
        List<(string Metric, GraphApiException Error)> unresolved, CaptureFindings findings, CancellationToken cancellationToken)
    {
        if (partial.Count == 0 && unresolved.Count == 0)
        {
            return media;
        }

        var asked = unresolved.Select(u => u.Metric).ToList();
        var groups = media.Where(m => m.ProductType is { Length: > 0 })
            .GroupBy(m => m.ProductType!, StringComparer.Ordinal)
            .Select(g => (Type: g.Key, Ids: g.Select(m => m.Id).ToList(),
                Metrics: partial.Where(m => byType.GetValueOrDefault(InstagramMetrics.TypeScope(g.Key))?.Contains(m) != true).Concat(asked).Distinct(StringComparer.Ordinal).ToList()))
            .Where(g => g.Metrics.Count > 0)
            .SelectMany(g => g.Ids.Chunk(MaxIdsPerCall).Select(ids => (g.Type, Ids: ids.ToList(), g.Metrics)))
            .ToList();
        var values = new Dictionary<string, Dictionary<string, long>>(StringComparer.Ordinal);
        var rejectedBy = new Dictionary<string, List<(string Metric, GraphApiException Error)>>(StringComparer.Ordinal);
        if (groups.Count > 0)
        {
            var answers = await graph.BatchAsync(session, [.. groups.Select(g => MediaInsightsByIds(g.Ids, g.Metrics))], cancellationToken);
            var accepted = new Dictionary<string, List<string>>(StringComparer.Ordinal);
            var again = new List<(string Type, List<string> Ids, List<string> Metrics)>();
            for (var i = 0; i < groups.Count; i++)
            {
                var (type, ids, metrics) = groups[i];
                if (answers[i].Error is not { } error)
                {
                    ReadInsightsById(answers[i].Body, values, findings);
                    continue;
                }

                ThrowIfFatal(error);
                if (!PageInsightsReader.IsMetricRejection(error, metrics))
                {
                    // These media keep the values of the media call; the other metrics stay unknown this time.
                    LogByTypeFailed(logger, findings.PageId, type, error.Describe());
                    continue;
                }

                if (!accepted.TryGetValue(type, out var kept))
                {
                    (kept, var rejected) = await BisectAsync(session, InstagramMetrics.TypeScope(type), metrics, m => MediaInsightsByIds(ids, m), findings, remember: false, cancellationToken);
                    accepted[type] = kept;
                    rejectedBy[type] = rejected;
                }

                if (kept.Count > 0)
                {
                    again.Add((type, ids, kept));
                }
            }

            if (again.Count > 0)
            {
                var second = await graph.BatchAsync(session, [.. again.Select(g => MediaInsightsByIds(g.Ids, g.Metrics))], cancellationToken);
                foreach (var answer in second.Where(a => a.Error is null))
                {
                    ReadInsightsById(answer.Body, values, findings);
                }
            }
        }

        var types = groups.Select(g => g.Type).Distinct(StringComparer.Ordinal).ToList();
        foreach (var (metric, error) in unresolved)
        {
            var rejecting = types.Where(t => rejectedBy.GetValueOrDefault(t)?.Any(r => r.Metric == metric) == true).ToList();
            if (rejecting.Count == types.Count)
            {
                findings.Reject([InstagramMetrics.Rejected(InstagramMetrics.MediaScope, metric)], error);
                continue;
            }

            foreach (var type in rejecting)
            {
                findings.Reject([InstagramMetrics.Rejected(InstagramMetrics.TypeScope(type), metric)], rejectedBy[type].First(r => r.Metric == metric).Error);
            }
        }

        foreach (var (type, rejected) in rejectedBy)
        {
            foreach (var (metric, error) in rejected.Where(r => unresolved.All(u => u.Metric != r.Metric)))
            {
                findings.Reject([InstagramMetrics.Rejected(InstagramMetrics.TypeScope(type), metric)], error);
            }
        }

        return values.Count == 0
            ? media
            : [.. media.Select(m => values.TryGetValue(m.Id, out var more)
                ? m with { Metrics = (m.Metrics ?? new Dictionary<string, long>()).Concat(more.Where(v => m.Metrics?.ContainsKey(v.Key) != true)).ToDictionary(StringComparer.Ordinal) }
                : m)];
    }

    /// <summary>The insights of an answer keyed by media id (<see cref="MediaInsightsByIds"/>) into <paramref name="values"/>; a malformed one is skipped with the field named.</summary>
    private static void ReadInsightsById(JsonElement body, Dictionary<string, Dictionary<string, long>> values, CaptureFindings findings)
    {
        if (body.ValueKind != JsonValueKind.Object)
        {
            return;
        }

        foreach (var entry in body.EnumerateObject())
        {
            if (GraphPayload.SafeId(entry.Name) != entry.Name || entry.Value.ValueKind != JsonValueKind.Object)
            {
                continue;
            }

            string? bad = null;
            var metrics = InsightsOf(entry.Value, ref bad);
            if (bad is not null)
            {
                findings.Skip(new MalformedItem("instagram media " + entry.Name, bad));
            }
            else if (metrics is not null)
            {
                var into = values.TryGetValue(entry.Name, out var known) ? known : values[entry.Name] = new Dictionary<string, long>(StringComparer.Ordinal);
                foreach (var (name, value) in metrics)
                {
                    into[name] = value;
                }
            }
        }
    }

    /// <summary>Values of an insights answer with <c>metric_type=total_value</c>: one per metric for the Meta day asked.</summary>
    internal static IEnumerable<InsightValue> ParseTotalValues(JsonElement body, DateOnly metaDay, CaptureFindings? findings)
    {
        if (body.ValueKind != JsonValueKind.Object || !body.TryGetProperty("data", out var data) || data.ValueKind != JsonValueKind.Array)
        {
            yield break;
        }

        foreach (var metric in data.EnumerateArray())
        {
            if (metric.ValueKind != JsonValueKind.Object
                || !metric.TryGetProperty("name", out var n) || n.ValueKind != JsonValueKind.String || !MetricNames.IsValid(n.GetString()))
            {
                continue;
            }

            var name = n.GetString()!;
            if (!metric.TryGetProperty("total_value", out var total) || total.ValueKind != JsonValueKind.Object
                || !total.TryGetProperty("value", out var value))
            {
                continue;
            }

            if (!GraphPayload.TryCount(value, out var count))
            {
                findings?.Skip(new MalformedItem("instagram insight " + name, "total_value"));
                continue;
            }

            yield return new InsightValue { Metric = name, EndTime = MetaCalendar.EndOf(metaDay).ToUniversalTime(), Value = count };
        }
    }

    /// <summary>One media item of the <c>media</c> or <c>stories</c> edge; false with the field named when it is malformed.</summary>
    internal static bool TryParseMedia(
        JsonElement item, DateTimeOffset latest,
        [System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out InstagramMediaObservation? parsed,
        [System.Diagnostics.CodeAnalysis.NotNullWhen(false)] out MalformedItem? problem)
    {
        parsed = null;
        problem = null;
        if (item.ValueKind != JsonValueKind.Object)
        {
            problem = new MalformedItem("an instagram media item", "the item itself");
            return false;
        }

        var id = item.TryGetProperty("id", out var idValue) && idValue.ValueKind == JsonValueKind.String ? idValue.GetString() : null;
        var name = "instagram media " + GraphPayload.SafeId(id);
        if (string.IsNullOrEmpty(id) || GraphPayload.SafeId(id) != id)
        {
            problem = new MalformedItem(name, "id");
            return false;
        }

        if (!item.TryGetProperty("timestamp", out var ts) || ts.ValueKind != JsonValueKind.String || !GraphPayload.TryTime(ts.GetString(), latest, out var timestamp))
        {
            problem = new MalformedItem(name, "timestamp");
            return false;
        }

        string? bad = null;
        long? Count(string property)
        {
            if (!item.TryGetProperty(property, out var v) || v.ValueKind == JsonValueKind.Null)
            {
                return null;
            }

            if (GraphPayload.TryCount(v, out var c))
            {
                return c;
            }

            bad ??= property;
            return null;
        }

        string? Text(string property, int max) =>
            item.TryGetProperty(property, out var v) && v.ValueKind == JsonValueKind.String && v.GetString() is { } t
                ? (t.Length <= max ? t : null)
                : null;

        var metrics = InsightsOf(item, ref bad);
        var observation = new InstagramMediaObservation
        {
            Id = id,
            Timestamp = timestamp.ToUniversalTime(),
            Permalink = Text("permalink", MessageSchema.MaxPermalinkLength),
            Caption = MessageSchema.Cut(item.TryGetProperty("caption", out var cap) && cap.ValueKind == JsonValueKind.String ? cap.GetString() : null, MessageSchema.MaxMessageLength),
            MediaType = Text("media_type", 40),
            ProductType = Text("media_product_type", 40),
            Likes = Count("like_count"),
            Comments = Count("comments_count"),
            Metrics = metrics,
        };
        if (bad is not null)
        {
            // Counters are cumulative: a gap in place of a garbage value would read as a drop, so the item waits.
            problem = new MalformedItem(name, bad);
            return false;
        }

        parsed = observation;
        return true;
    }

    /// <summary>The lifetime values of an item's <c>insights</c> field expansion (<c>values[0].value</c>), by metric name; null without any.</summary>
    private static Dictionary<string, long>? InsightsOf(JsonElement item, ref string? bad)
    {
        Dictionary<string, long>? metrics = null;
        if (item.TryGetProperty("insights", out var insights) && insights.ValueKind == JsonValueKind.Object
            && insights.TryGetProperty("data", out var data) && data.ValueKind == JsonValueKind.Array)
        {
            foreach (var metric in data.EnumerateArray())
            {
                if (metric.ValueKind == JsonValueKind.Object
                    && metric.TryGetProperty("name", out var mn) && mn.ValueKind == JsonValueKind.String && MetricNames.IsValid(mn.GetString())
                    && metric.TryGetProperty("values", out var values) && values.ValueKind == JsonValueKind.Array && values.GetArrayLength() > 0
                    && values[0].ValueKind == JsonValueKind.Object && values[0].TryGetProperty("value", out var value) && value.ValueKind == JsonValueKind.Number)
                {
                    if (GraphPayload.TryCount(value, out var count))
                    {
                        metrics ??= new Dictionary<string, long>(StringComparer.Ordinal);
                        metrics[mn.GetString()!] = count;
                    }
                    else
                    {
                        bad ??= "insights " + mn.GetString();
                    }
                }
            }
        }

        return metrics;
    }

    private static void ThrowIfFatal(GraphApiException error)
    {
        if (error.IsTokenError || error.IsThrottling)
        {
            throw error;
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Instagram of page {PageId} not read ({Problem}); the Page's Facebook data flows on")]
    private static partial void LogNotRead(ILogger logger, string pageId, string problem);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Instagram {ProductType} media of page {PageId}: their insights by id failed ({Problem}); those metrics stay unknown this time")]
    private static partial void LogByTypeFailed(ILogger logger, string pageId, string productType, string problem);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Instagram {Scope} of page {PageId} failed with their insights although each metric works alone ({Problem}); reading them without insights this time")]
    private static partial void LogWithoutInsights(ILogger logger, string pageId, string scope, string problem);
}

/// <summary>What the Instagram part of a pull found: the account (null when none or unreadable) and a note for health.</summary>
internal sealed record InstagramRead(InstagramObservation? Account, string Note)
{
    /// <summary>The linked account's id, also when it could be read only in part.</summary>
    public string? AccountId { get; init; }
}
