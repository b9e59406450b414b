using System.Globalization;
using Listening.Core.Configuration;
using Listening.Core.Contracts;
using Listening.Core.Meta;
using Listening.Core.Ingestion;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Listening.Cli;

/// <summary>
/// <c>listening check</c>: per configured Page, whether its token is valid, when it and its data access expire
/// (<c>debug_token</c>), its scopes, and which configured metrics Meta accepts; one batch request per Page.
/// Exit code 0 when every Page is usable, 1 when one is not, 2 when there is nothing to check, 3 when Meta was
/// unavailable or throttled for a Page (nothing concluded; try again later).
/// </summary>
internal static class CheckCommand
{
    public static async Task<int> RunAsync(IServiceProvider services, TextWriter writer, CancellationToken cancellationToken)
    {
        // Meta's texts (token problems, rejected metrics) are printed: masked, like everything that leaves the process.
        await using var output = services.GetRequiredService<SecretMasker>().Wrap(writer);
        var options = services.GetRequiredService<IOptions<ListeningOptions>>().Value;
        var directory = services.GetRequiredService<PageDirectory>();
        if (await directory.IsDemoAsync(cancellationToken))
        {
            await output.WriteLineAsync("No Page token is configured (Listening:Pages:N:Id and AccessToken): the demo Page is in use, there is nothing to check at Meta.");
            return 2;
        }

        var check = services.GetRequiredService<PageCheck>();
        var now = services.GetRequiredService<TimeProvider>().GetUtcNow();
        await output.WriteLineAsync($"Graph API {options.Facebook.ApiVersion} at {options.Facebook.GraphBaseUrl}"
            + (string.IsNullOrEmpty(options.Facebook.AppSecret) ? " (no app secret: calls go without appsecret_proof)" : " (with appsecret_proof)"));
        var unusable = 0;
        var notChecked = 0;
        IReadOnlyList<PageOptions> watched;
        try
        {
            watched = await directory.AllAsync(cancellationToken);
        }
        catch (Exception ex) when (ex is Azure.RequestFailedException or AggregateException)
        {
            // check needs no storage for the configured Pages: without it, they are checked alone.
            await output.WriteLineAsync("The Page registry could not be read (storage not reachable): checking the configured Pages only.");
            watched = [.. options.Pages.Where(p => !string.IsNullOrWhiteSpace(p.AccessToken))];
        }

        foreach (var listed in watched)
        {
            var page = await directory.FindAsync(listed.Id, cancellationToken) ?? listed;
            var result = await check.CheckAsync(page, cancellationToken);
            var problems = Problems(result, now);
            await WriteAsync(output, result, problems, now, options.Facebook.EffectiveAliases);
            if (problems.Count > 0)
            {
                unusable++;
            }
            else if (result.NotCheckedBecause is not null)
            {
                notChecked++;
            }
        }

        if (unusable > 0)
        {
            await output.WriteLineAsync($"{unusable} Page(s) unusable: fix the token or its permissions, then run listening check again.");
            return 1;
        }

        if (notChecked > 0)
        {
            await output.WriteLineAsync($"{notChecked} Page(s) could not be checked because Meta was unavailable or throttled: run listening check again later.");
            return 3;
        }

        await output.WriteLineAsync("All Pages are usable.");
        return 0;
    }

    /// <summary>Why a Page cannot be pulled; empty when it can (rejected metrics alone do not make it unusable).</summary>
    internal static IReadOnlyList<string> Problems(PageCheckResult result, DateTimeOffset now)
    {
        var problems = new List<string>();
        if (result.NotCheckedBecause is not null)
        {
            // Meta down or throttling: neither the token nor the Page is known to be wrong.
            return problems;
        }

        if (result.Token is null)
        {
            problems.Add("the token could not be inspected" + (result.TokenError is { } e ? ": " + e : ""));
        }
        else
        {
            if (!result.Token.IsValid)
            {
                problems.Add("the token is not valid" + (result.Token.Problem is { } p ? ": " + p : ""));
            }

            if (result.Token.ExpiresAt is { } expires && expires <= now)
            {
                problems.Add("the token has expired");
            }

            if (result.Token.DataAccessExpiresAt is { } access && access <= now)
            {
                problems.Add("its data access has lapsed (the granting user must log in to the app again)");
            }

            if (result.Token.IsValid && result.Token.MissingScopes.Count > 0)
            {
                problems.Add("the token lacks " + string.Join(" and ", result.Token.MissingScopes));
            }
        }

        if (result.FieldsError is { } fields)
        {
            problems.Add("the Page cannot be read: " + fields);
        }

        return problems;
    }

    /// <summary>The summary fields a post metric feeds: "views", "reach", or that it is read but not shown.</summary>
    internal static string PostField(string metric, IReadOnlyDictionary<string, string> aliases) =>
        MetricNames.SeriesOf(metric, aliases) switch
        {
            MetricNames.PostViews => metric == MetricNames.PostViews ? "views" : "views, as " + MetricNames.PostViews,
            MetricNames.PostReach => metric == MetricNames.PostReach ? "reach" : "reach, as " + MetricNames.PostReach,
            _ => "read, not shown in summaries",
        };

    private static async Task WriteAsync(TextWriter output, PageCheckResult result, IReadOnlyList<string> problems, DateTimeOffset now, IReadOnlyDictionary<string, string> aliases)
    {
        await output.WriteLineAsync();
        await output.WriteLineAsync($"Page {result.PageId} – {result.Name}" + (result.Followers is { } f ? string.Create(CultureInfo.InvariantCulture, $" ({f} followers)") : ""));
        var token = result.Token;
        await output.WriteLineAsync("  Token:        " + (token is null ? "unknown" : (token.IsValid ? "valid" : "NOT valid") + (token.Type is { } t ? $" ({t} token)" : "")));
        if (token is not null)
        {
            await output.WriteLineAsync("  Expires:      " + (token.ExpiresAt is { } e ? When(e, now) : "never"));
            await output.WriteLineAsync("  Data access:  " + (token.DataAccessExpiresAt is { } d ? "until " + When(d, now) : "no limit reported"));
            await output.WriteLineAsync("  Scopes:       " + (token.Scopes.Count == 0 ? "none reported" : string.Join(", ", token.Scopes)));
            await output.WriteLineAsync("  Comments:     " + string.Join(", ", TokenStatus.CommentScopes.Select(s => s + (token.Scopes.Contains(s, StringComparer.Ordinal) ? " granted" : " MISSING")))
                + (token.MissingCommentScopes.Count == 0 ? "" : " (comments: " + string.Join("; ", token.MissingCommentScopes.Select(CommentScopeEffect)) + ")"));
        }

        if (result.Instagram is { } instagram)
        {
            // Linked, or refused ("not readable": Meta's code 10 when instagram_basic is missing): name what the token lacks.
            var lacks = token is { IsValid: true } && (instagram.StartsWith("linked", StringComparison.Ordinal) || instagram.StartsWith("not readable", StringComparison.Ordinal))
                && token.MissingInstagramScopes.Count > 0
                ? "; the token lacks " + string.Join(" and ", token.MissingInstagramScopes) + " (Instagram is not read without them; Facebook is)"
                : "";
            await output.WriteLineAsync("  Instagram:    " + instagram + lacks);
        }

        foreach (var kind in new[] { "page", "post", "instagram-account", "instagram-media", "instagram-story" })
        {
            var metrics = result.Metrics.Where(m => m.Kind == kind).ToList();
            if (metrics.Count == 0 && kind.StartsWith("instagram", StringComparison.Ordinal))
            {
                continue;
            }

            // A media metric one product type rejects has an entry per such type: count metrics, not entries.
            var names = metrics.Select(m => m.Metric).Distinct(StringComparer.Ordinal).ToList();
            var accepted = names.Count(n => metrics.Where(m => m.Metric == n).All(m => m.Problem is null && !m.NotChecked));
            var open = metrics.Count(m => m.NotChecked);
            await output.WriteLineAsync($"  {kind switch { "page" => "Page", "post" => "Post", "instagram-account" => "Instagram account", "instagram-media" => "Instagram media", _ => "Instagram story" }} metrics: {accepted} of {names.Count} accepted" + (open > 0 ? $", {open} not checked (Meta did not answer them)" : ""));
            if (kind == "post")
            {
                // Which accepted post metric feeds which summary field (through the alias map, so a renamed metric
                // continues the series), and a warning when none delivers reach.
                var acceptedNames = metrics.Where(m => m.Problem is null && !m.NotChecked).Select(m => m.Metric).ToList();
                if (acceptedNames.Count > 0)
                {
                    await output.WriteLineAsync("    accepted: " + string.Join(", ", acceptedNames.Select(m => m + " (" + PostField(m, aliases) + ")")));
                }

                if (open == 0 && !acceptedNames.Any(m => MetricNames.SeriesOf(m, aliases) == MetricNames.PostReach))
                {
                    await output.WriteLineAsync("    no accepted post metric delivers reach: summaries show each post's reach as unknown (null); "
                        + "set Listening:Facebook:PostMetrics, or map the new name with Listening:Facebook:MetricAliases:<name> = " + MetricNames.PostReach);
                }
            }

            foreach (var rejected in metrics.Where(m => m.Problem is not null))
            {
                await output.WriteLineAsync(rejected.ProductType is { } type
                    ? $"    rejected for {type} only: {rejected.Metric} ({rejected.Problem}); still read for the other media types"
                    : $"    rejected: {rejected.Metric} ({rejected.Problem})");
            }
        }

        await output.WriteLineAsync(result.NotCheckedBecause is { } because && problems.Count == 0
            ? "  Result:       not checked: " + because
            : problems.Count == 0
            ? "  Result:       usable"
            : "  Result:       UNUSABLE: " + string.Join("; ", problems));
        await output.WriteLineAsync(string.Create(CultureInfo.InvariantCulture, $"  ({result.HttpRequests} HTTP request, {result.GraphCalls} Graph calls)"));
    }

    private static string CommentScopeEffect(string scope) => scope == "pages_read_user_content"
        ? "without pages_read_user_content neither the pull nor the webhook reads comments"
        : "without pages_manage_metadata listening webhook subscribe cannot subscribe the Page";

    private static string When(DateTimeOffset at, DateTimeOffset now)
    {
        var days = (int)Math.Floor((at - now).TotalDays);
        return IsoDate.UtcMinute(at)
            + (at <= now ? " (passed)" : string.Create(CultureInfo.InvariantCulture, $" (in {days} days)"));
    }
}
