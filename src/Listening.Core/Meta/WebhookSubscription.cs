using System.Text.Json;
using Listening.Core.Configuration;
using Microsoft.Extensions.Options;

namespace Listening.Core.Meta;

/// <summary>
/// Whether the Page sends its <c>feed</c> (comments) to this app's webhook: <c>GET /{page-id}/subscribed_apps</c>
/// (<c>{"data":[{"id","name","subscribed_fields":["feed",...]}]}</c>), and subscribing it:
/// <c>POST /{page-id}/subscribed_apps?subscribed_fields=feed</c> (needs <c>pages_manage_metadata</c>). With
/// <c>Listening:Facebook:AppId</c> only that app counts, else any app that receives <c>feed</c>.
/// </summary>
public sealed class WebhookSubscription(GraphClient graph, GraphRequests requests, IOptions<ListeningOptions> options)
{
    public async Task<SubscriptionStatus> CheckAsync(PageOptions page, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(page);
        if (page.AccessToken is not { Length: > 0 } token)
        {
            return new SubscriptionStatus(null, "the Page has no access token (Listening:Pages:N:AccessToken)");
        }

        var result = await graph.CallAsync(new GraphSession(token), requests.SubscribedApps(page.Id), cancellationToken);
        return result.Error is { } error ? new SubscriptionStatus(null, error.Describe()) : new SubscriptionStatus(Receives(result.Body), null);
    }

    public async Task<SubscriptionStatus> SubscribeAsync(PageOptions page, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(page);
        if (page.AccessToken is not { Length: > 0 } token)
        {
            return new SubscriptionStatus(null, "the Page has no access token (Listening:Pages:N:AccessToken)");
        }

        var result = await graph.PostAsync(new GraphSession(token), requests.SubscribeFeed(page.Id), cancellationToken);
        if (result.Error is { } error)
        {
            return new SubscriptionStatus(null, error.IsPermissionError ? error.Describe() + " (the token needs pages_manage_metadata)" : error.Describe());
        }

        return result.Body.ValueKind == JsonValueKind.Object && result.Body.TryGetProperty("success", out var success) && success.ValueKind == JsonValueKind.True
            ? await CheckAsync(page, cancellationToken)
            : new SubscriptionStatus(null, "Meta did not confirm the subscription");
    }

    /// <summary>Whether the answer lists this app (or, without an app id, any app) with <c>feed</c>.</summary>
    internal bool Receives(JsonElement body)
    {
        var appId = options.Value.Facebook.AppId;
        if (body.ValueKind != JsonValueKind.Object || !body.TryGetProperty("data", out var data) || data.ValueKind != JsonValueKind.Array)
        {
            return false;
        }

        foreach (var app in data.EnumerateArray())
        {
            if (app.ValueKind != JsonValueKind.Object
                || (!string.IsNullOrEmpty(appId) && !(app.TryGetProperty("id", out var id) && id.ToString() == appId)))
            {
                continue;
            }

            if (app.TryGetProperty("subscribed_fields", out var fields) && fields.ValueKind == JsonValueKind.Array
                && fields.EnumerateArray().Any(f => f.ValueKind == JsonValueKind.String && f.GetString() == "feed"))
            {
                return true;
            }
        }

        return false;
    }
}

/// <summary>Whether the Page's feed reaches this app (null: not known), or why it could not be checked (our words with Meta's code, masked).</summary>
public sealed record SubscriptionStatus(bool? Subscribed, string? Problem);
