using System.CommandLine;
using Listening.Core.Configuration;
using Listening.Core.Contracts;
using Listening.Core.Meta;
using Listening.Core.Storage;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Listening.Cli;

/// <summary>
/// <c>listening pages add|list|pause|resume|remove</c>: the Page registry (docs/operations.md, "Page registry"). A
/// Page's token is checked with Meta before anything is saved, and kept in Key Vault or the local secret store; the
/// <c>pages</c> table holds only the secret's name.
/// </summary>
internal static class PagesCommand
{
    public static Command Build(Option<bool> verbose, string? localRoot = null)
    {
        var addId = IdOption();
        var name = new Option<string?>("--name") { Description = "The Page's name in reports (default: the name Meta gives)." };
        var tokenSecret = new Option<string?>("--token-secret") { Description = "The name of the secret that holds the Page token (Key Vault in Azure, else the local secret store)." };
        var tokenStdin = new Option<bool>("--token-stdin") { Description = "Read the Page token from standard input and keep it in the token store (never in a table, never in a log)." };
        var add = new Command("add", "Check a Page's token with Meta and add the Page to the registry; a wrong token is refused and nothing is saved.") { addId, name, tokenSecret, tokenStdin };
        add.Validators.Add(r =>
        {
            var bySecret = r.GetValue(tokenSecret) is not null;
            var byStdin = r.GetValue(tokenStdin);
            if (bySecret == byStdin)
            {
                r.AddError("Give either --token-secret NAME or --token-stdin.");
            }
        });
        add.SetAction((parse, ct) => CliHost.RunAsync(async () =>
        {
            // The same storage as every other command: AzureWebJobsStorage, else the demo's local Azurite.
            await using var storage = await CliStorage.ForAsync(localRoot, null, Console.Error, ct);
            using var host = CliHost.Build(storage.Overrides, verbose: parse.GetValue(verbose));
            return await AddAsync(host.Services, parse.GetValue(addId)!, parse.GetValue(name), parse.GetValue(tokenSecret),
                parse.GetValue(tokenStdin) ? Console.In : null, Console.Out, ct);
        }));

        var list = new Command("list", "List the watched Pages: the configured ones and the registry's, with their state.");
        list.SetAction((parse, ct) => CliHost.RunAsync(async () =>
        {
            // The same storage as every other command: AzureWebJobsStorage, else the demo's local Azurite.
            await using var storage = await CliStorage.ForAsync(localRoot, null, Console.Error, ct);
            using var host = CliHost.Build(storage.Overrides, verbose: parse.GetValue(verbose));
            return await ListAsync(host.Services, Console.Out, ct);
        }));

        var pages = new Command("pages", "The Page registry: Pages watched beside the ones configured in Listening:Pages.") { add, list };
        foreach (var (verb, description) in new[]
        {
            ("pause", "Stop pulling a registered Page (its data stays); resume starts again."),
            ("resume", "Pull a paused Page again from the next cycle."),
            ("remove", "Remove a Page from the registry; its history stays until retention deletes it."),
        })
        {
            var id = IdOption();
            var command = new Command(verb, description) { id };
            command.SetAction((parse, ct) => CliHost.RunAsync(async () =>
            {
                // The same storage as every other command: AzureWebJobsStorage, else the demo's local Azurite.
                await using var storage = await CliStorage.ForAsync(localRoot, null, Console.Error, ct);
                using var host = CliHost.Build(storage.Overrides, verbose: parse.GetValue(verbose));
                return await ChangeAsync(host.Services, verb, parse.GetValue(id)!, Console.Out, ct);
            }));
            pages.Add(command);
        }

        return pages;
    }

    private static Option<string> IdOption()
    {
        var id = new Option<string>("--id") { Description = "The Page's numeric id.", Required = true };
        id.Validators.Add(r =>
        {
            if (!IsPageId(r.GetValueOrDefault<string>()))
            {
                r.AddError("--id must be a Page's numeric id (digits only).");
            }
        });
        return id;
    }

    internal static bool IsPageId(string? id) =>
        !string.IsNullOrWhiteSpace(id) && id.Length <= 64 && StorageKey.IsValid(id) && id.All(char.IsAsciiDigit);

    /// <summary>
    /// <c>pages add</c>: reads the token (from the named secret or <paramref name="tokenInput"/>), checks it with Meta
    /// (the check of <c>listening check</c>), and only then keeps it and registers the Page. Exit 0 added, 1 refused,
    /// 2 bad input, 3 Meta unavailable (nothing saved).
    /// </summary>
    internal static async Task<int> AddAsync(
        IServiceProvider services, string id, string? name, string? tokenSecret, TextReader? tokenInput, TextWriter writer, CancellationToken cancellationToken)
    {
        var masker = services.GetRequiredService<SecretMasker>();
        await using var output = masker.Wrap(writer);
        var options = services.GetRequiredService<IOptions<ListeningOptions>>().Value;
        var tokens = services.GetRequiredService<PageTokens>();
        if (!IsPageId(id))
        {
            await output.WriteLineAsync("--id must be a Page's numeric id (digits only).");
            return 2;
        }

        if (options.Pages.Any(p => p.Id == id))
        {
            await output.WriteLineAsync($"Page {id} is configured in the settings (Listening:Pages); change it there, or remove it there before adding it to the registry.");
            return 2;
        }

        string? token;
        string secretName;
        if (tokenInput is not null)
        {
            token = (await tokenInput.ReadToEndAsync(cancellationToken)).Trim();
            secretName = PageSecretName.For(id);
        }
        else
        {
            secretName = tokenSecret ?? "";
            if (!PageSecretName.IsValid(secretName))
            {
                await output.WriteLineAsync("--token-secret must be a secret name of 1 to 127 letters, digits and dashes (Key Vault's rule).");
                return 2;
            }

            token = await tokens.GetAsync(secretName, cancellationToken);
            if (token is null)
            {
                await output.WriteLineAsync($"There is no secret {secretName} in {tokens.Where}: store the Page token there first, or use --token-stdin.");
                return 2;
            }
        }

        if (string.IsNullOrWhiteSpace(token) || token.Any(char.IsWhiteSpace))
        {
            await output.WriteLineAsync("The token is empty or contains spaces: give the Page access token alone.");
            return 2;
        }

        masker.AddSecret(token);
        var result = await services.GetRequiredService<PageCheck>().CheckAsync(new PageOptions { Id = id, Name = name, AccessToken = token }, cancellationToken);
        var problems = CheckCommand.Problems(result, services.GetRequiredService<TimeProvider>().GetUtcNow());
        if (problems.Count > 0)
        {
            await output.WriteLineAsync($"Page {id} was not added: " + string.Join("; ", problems) + ". Nothing was saved.");
            return 1;
        }

        if (result.NotCheckedBecause is { } because)
        {
            await output.WriteLineAsync($"Page {id} was not added: the token could not be checked ({because}). Nothing was saved; try again later.");
            return 3;
        }

        if (tokenInput is not null)
        {
            await tokens.SetAsync(secretName, token, cancellationToken);
        }

        var registry = services.GetRequiredService<PageRegistry>();
        var pageName = string.IsNullOrWhiteSpace(name) ? result.Name : name.Trim();
        await registry.SaveAsync(new RegisteredPage(id, pageName, secretName, false, services.GetRequiredService<TimeProvider>().GetUtcNow()), cancellationToken);
        await output.WriteLineAsync($"Added Page {id} ({pageName}): the token is valid and kept in {tokens.Where} as {secretName}; the next pull cycle includes the Page.");
        return 0;
    }

    internal static async Task<int> ListAsync(IServiceProvider services, TextWriter writer, CancellationToken cancellationToken)
    {
        await using var output = services.GetRequiredService<SecretMasker>().Wrap(writer);
        var options = services.GetRequiredService<IOptions<ListeningOptions>>().Value;
        var registered = await services.GetRequiredService<PageRegistry>().AllAsync(cancellationToken);
        var configured = options.Pages.Where(p => !string.IsNullOrWhiteSpace(p.AccessToken)).ToList();
        if (configured.Count == 0 && registered.Count == 0)
        {
            await output.WriteLineAsync("No Pages: neither configured (Listening:Pages) nor registered (listening pages add). The demo Page is in use.");
            return 0;
        }

        foreach (var page in configured)
        {
            await output.WriteLineAsync($"{page.Id}  {page.Name ?? page.Id}  active  (configured in Listening:Pages)");
        }

        foreach (var page in registered)
        {
            await output.WriteLineAsync($"{page.Id}  {page.Name ?? page.Id}  {(page.Paused ? "paused" : "active")}  (registry, token secret {page.TokenSecret})");
        }

        return 0;
    }

    internal static async Task<int> ChangeAsync(IServiceProvider services, string verb, string id, TextWriter writer, CancellationToken cancellationToken)
    {
        await using var output = services.GetRequiredService<SecretMasker>().Wrap(writer);
        var registry = services.GetRequiredService<PageRegistry>();
        var removed = verb == "remove" ? await registry.FindAsync(id, cancellationToken) : null;
        var found = verb switch
        {
            "pause" => await registry.SetPausedAsync(id, true, cancellationToken),
            "resume" => await registry.SetPausedAsync(id, false, cancellationToken),
            "remove" => await registry.RemoveAsync(id, cancellationToken),
            _ => throw new ArgumentOutOfRangeException(nameof(verb), verb, "pause, resume or remove"),
        };
        if (!found)
        {
            var configured = services.GetRequiredService<IOptions<ListeningOptions>>().Value.Pages.Any(p => p.Id == id);
            await output.WriteLineAsync(configured
                ? $"Page {id} is configured in the settings (Listening:Pages), not in the registry: change it there."
                : $"Page {id} is not in the registry (listening pages list shows the Pages).");
            return 1;
        }

        // The token goes with the Page where the app keeps it (the local store), unless another Page uses the same secret.
        var tokenNote = "";
        if (removed is not null)
        {
            var tokens = services.GetRequiredService<PageTokens>();
            var shared = (await registry.AllAsync(cancellationToken)).Any(p => p.TokenSecret == removed.TokenSecret);
            tokenNote = shared
                ? $" The token secret {removed.TokenSecret} stays: another Page uses it."
                : await tokens.DeleteAsync(removed.TokenSecret, cancellationToken)
                    ? $" Its token was deleted from {tokens.Where}."
                    : $" The token secret {removed.TokenSecret} in {tokens.Where} was left as it is (delete it there when no longer needed).";
        }

        await output.WriteLineAsync(verb switch
        {
            "pause" => $"Paused Page {id}: it is not pulled until listening pages resume --id {id}.",
            "resume" => $"Resumed Page {id}: the next pull cycle includes it.",
            _ => $"Removed Page {id} from the registry: it is no longer pulled; its summaries, observations and archive stay until retention deletes them." + tokenNote,
        });
        return 0;
    }
}
