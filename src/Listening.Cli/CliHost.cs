using Listening.Core.Pipeline;
using Listening.Core.Configuration;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Listening.Core.Notifications.Teams;

namespace Listening.Cli;

/// <summary>The CLI's host: appsettings.json, environment variables, the same composition root as the Functions app.</summary>
internal static class CliHost
{
    public static IHost Build(IReadOnlyDictionary<string, string?>? overrides = null, TimeProvider? time = null, bool verbose = false)
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings
        {
            ContentRootPath = AppContext.BaseDirectory,
            Args = [],
        });
        Compose(builder, overrides, time, verbose);
        var host = builder.Build();
        host.Services.GetRequiredService<IStartupValidator>().Validate();
        return host;
    }

    /// <summary>The configuration a command's host reads (appsettings.json, environment variables, then the overrides).</summary>
    public static IConfiguration Configuration(IReadOnlyDictionary<string, string?>? overrides = null)
    {
        var configuration = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { ContentRootPath = AppContext.BaseDirectory, Args = [] }).Configuration;
        if (overrides is not null)
        {
            configuration.AddInMemoryCollection(overrides);
        }

        return configuration;
    }

    /// <summary>
    /// The CLI's part of any host it builds (a plain one here, the web host of <c>listening serve</c>): the overrides,
    /// logging only with --verbose, the clock, and the one composition root <c>AddListening</c>.
    /// </summary>
    public static void Compose(IHostApplicationBuilder builder, IReadOnlyDictionary<string, string?>? overrides, TimeProvider? time, bool verbose)
    {
        ArgumentNullException.ThrowIfNull(builder);
        if (overrides is not null)
        {
            builder.Configuration.AddInMemoryCollection(overrides);
        }

        builder.Logging.ClearProviders();
        if (verbose)
        {
            // Without --verbose the CLI speaks only through its own sentences (README, "CLI").
            builder.Logging.AddSimpleConsole(o => o.SingleLine = true);
            builder.Services.Configure<Microsoft.Extensions.Logging.Console.ConsoleLoggerOptions>(o => o.LogToStandardErrorThreshold = LogLevel.Trace);
            builder.Logging.SetMinimumLevel(LogLevel.Information);
            builder.Logging.AddFilter("Listening", LogLevel.Information);
        }

        if (time is not null)
        {
            builder.Services.AddSingleton(time);
        }

        builder.AddListening();
    }

    /// <summary>
    /// Masks every configured secret (<see cref="SecretMasker"/>) in what the process writes to standard output and
    /// standard error, whichever code writes it. Read from the configuration the commands' hosts read
    /// (appsettings.json, environment variables), before any command runs.
    /// </summary>
    public static void MaskConsole()
    {
        var configuration = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { ContentRootPath = AppContext.BaseDirectory, Args = [] }).Configuration;
        var masker = new SecretMasker(configuration);
        Console.SetOut(masker.Wrap(Console.Out));
        Console.SetError(masker.Wrap(Console.Error));
    }

    /// <summary>Runs a command body; configuration errors and failures become one plain sentence on stderr, never a stack trace.</summary>
    public static async Task<int> RunAsync(Func<Task<int>> body)
    {
        try
        {
            return await body();
        }
        catch (OperationCanceledException)
        {
            await Console.Error.WriteLineAsync("Cancelled.");
            return 130;
        }
        catch (Exception ex)
        {
            var (sentence, exit) = Describe(ex);
            await Console.Error.WriteLineAsync(sentence);
            return exit;
        }
    }

    /// <summary>One line for an operator, and the exit code: 2 for configuration, 1 for everything else.</summary>
    internal static (string Sentence, int Exit) Describe(Exception exception)
    {
        var all = Flatten(exception).ToList();
        var configuration = all.OfType<OptionsValidationException>().SelectMany(e => e.Failures).Distinct(StringComparer.Ordinal).ToList();
        if (configuration.Count > 0)
        {
            return ("Configuration error: " + OneLine(string.Join(" ", configuration)), 2);
        }

        // The storage SDK gives up after its retries with an AggregateException of RequestFailedExceptions.
        var storage = all.OfType<Azure.RequestFailedException>().FirstOrDefault();
        if (storage is not null)
        {
            return storage.Status == 0
                ? ($"Storage is not reachable ({OneLine(storage.Message)}): check AzureWebJobsStorage and that the storage account (or Azurite, npm run azurite) is running.", 1)
                : ($"Storage refused the request: HTTP {storage.Status} {storage.ErrorCode}: check AzureWebJobsStorage and the identity's storage roles.", 1);
        }

        var first = all.FirstOrDefault(e => e is not AggregateException) ?? exception;
        return first switch
        {
            Core.Notifications.Teams.TeamsDeliveryException or HttpRequestException or InvalidOperationException or IOException
                => ("Failed: " + OneLine(first.Message), 1),
            _ => ($"Failed unexpectedly ({first.GetType().Name}): {OneLine(first.Message)}", 1),
        };
    }

    private static IEnumerable<Exception> Flatten(Exception exception)
    {
        yield return exception;
        var inner = exception is AggregateException aggregate ? aggregate.InnerExceptions : exception.InnerException is { } one ? [one] : (IEnumerable<Exception>)[];
        foreach (var child in inner.SelectMany(Flatten))
        {
            yield return child;
        }
    }

    private static string OneLine(string text) => Core.Configuration.Redaction.Redact(text.Split('\n')[0].Trim());
}
