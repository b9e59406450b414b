using Listening.Core.Comments;
using Listening.Core.Notifications.Alerts;
using Listening.Core.Pipeline.Webhooks;
using Listening.Core.Storage;
using Microsoft.Extensions.DependencyInjection;

namespace Listening.Core.Pipeline;

/// <summary>The comment triage's services (issue 18): webhook endpoint, queue handler, triage, store, alerts.</summary>
internal static class CommentRegistration
{
    public static IServiceCollection AddListeningComments(this IServiceCollection services)
    {
        services.AddTransient<ICommentStore, CommentStore>();
        services.AddSingleton<CommentRules>();
        services.AddTransient<CommentIntake>();
        services.AddTransient<CommentAlerts>();
        services.AddTransient<CommentHandler>();
        services.AddTransient<MetaWebhookEndpoint>();
        services.AddTransient<RetentionRun>();
        services.AddTransient<PullCycle>();
        services.AddTransient<WebhookWatch>();
        services.AddTransient<Meta.WebhookSubscription>();
        return services;
    }
}
