using System.CommandLine;
using Listening.Core.Configuration;
using Listening.Core.Ingestion;
using Listening.Core.Meta;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Listening.Cli;

/// <summary>
/// <c>listening webhook status</c>: per configured Page, whether it sends its <c>feed</c> (comments) to this app's
/// webhook (<c>GET /{page-id}/subscribed_apps</c>). <c>listening webhook subscribe</c>: subscribes it
/// (<c>POST /{page-id}/subscribed_apps?subscribed_fields=feed</c>; the Page token needs <c>pages_manage_metadata</c>).
/// Exit code 0 when every Page is subscribed, 1 when one is not (or subscribing failed), 2 for the demo Page,
/// 3 when Meta could not be asked.
/// </summary>
internal static class WebhookCommand
{
    public static Command Build(Option<bool> verbose)
    {
        var status = new Command("status", "Per configured Page: does it send its feed (comments) to this app's webhook?");
        status.SetAction((parse, ct) => CliHost.RunAsync(() => RunAsync(subscribe: false, parse.GetValue(verbose), ct)));
        var subscribe = new Command("subscribe", "Subscribe this app to each configured Page's feed (needs pages_manage_metadata), then show the status.");
        subscribe.SetAction((parse, ct) => CliHost.RunAsync(() => RunAsync(subscribe: true, parse.GetValue(verbose), ct)));
        return new Command("webhook", "The comments webhook's Page subscriptions (see docs/comments.md).") { status, subscribe };
    }

    private static async Task<int> RunAsync(bool subscribe, bool verbose, CancellationToken cancellationToken)
    {
        // Reads nothing from storage: a placeholder keeps the start-up validation happy where none is configured.
        var storage = Environment.GetEnvironmentVariable("AzureWebJobsStorage");
        using var host = CliHost.Build(
            string.IsNullOrWhiteSpace(storage) ? new Dictionary<string, string?> { ["AzureWebJobsStorage"] = "UseDevelopmentStorage=true" } : null,
            verbose: verbose);
        return await RunAsync(host.Services, subscribe, Console.Out, cancellationToken);
    }

    public static async Task<int> RunAsync(IServiceProvider services, bool subscribe, TextWriter writer, CancellationToken cancellationToken)
    {
        await using var output = services.GetRequiredService<SecretMasker>().Wrap(writer);
        var directory = services.GetRequiredService<PageDirectory>();
        if (await directory.IsDemoAsync(cancellationToken))
        {
            await output.WriteLineAsync("No Page token is configured: the demo Page is in use, it has no webhook at Meta.");
            return 2;
        }

        var subscription = services.GetRequiredService<WebhookSubscription>();
        var code = 0;
        foreach (var listed in await directory.AllAsync(cancellationToken))
        {
            // A registered Page's token comes from the token store (Key Vault or the local secret store).
            var page = await directory.FindAsync(listed.Id, cancellationToken) ?? listed;
            var result = subscribe
                ? await subscription.SubscribeAsync(page, cancellationToken)
                : await subscription.CheckAsync(page, cancellationToken);
            var who = $"Page {page.Id}" + (page.Name is { } name ? " – " + name : "");
            if (result.Problem is { } problem)
            {
                await output.WriteLineAsync($"{who}: {(subscribe ? "NOT subscribed" : "not checked")}: {problem}");
                code = Math.Max(code, subscribe ? 1 : 3);
            }
            else if (result.Subscribed == true)
            {
                await output.WriteLineAsync($"{who}: subscribed (feed reaches this app's webhook)");
            }
            else
            {
                await output.WriteLineAsync($"{who}: NOT subscribed: comments come by the pull only (every cycle); run listening webhook subscribe");
                code = Math.Max(code, 1);
            }
        }

        return code == 3 ? 3 : code;
    }
}
