using Listening.Core;
using Listening.Core.Configuration;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

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
        if (overrides is not null)
        {
            builder.Configuration.AddInMemoryCollection(overrides);
        }

        builder.Logging.ClearProviders();
        builder.Logging.AddSimpleConsole(o => o.SingleLine = true);
        builder.Services.Configure<Microsoft.Extensions.Logging.Console.ConsoleLoggerOptions>(o => o.LogToStandardErrorThreshold = LogLevel.Trace);
        if (verbose)
        {
            builder.Logging.SetMinimumLevel(LogLevel.Information);
            builder.Logging.AddFilter("Listening", LogLevel.Information);
        }

        if (time is not null)
        {
            builder.Services.AddSingleton(time);
        }

        builder.AddListening();
        var host = builder.Build();
        host.Services.GetRequiredService<IStartupValidator>().Validate();
        return host;
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

    /// <summary>Runs a command body; configuration errors and failures become one plain sentence on stderr.</summary>
    public static async Task<int> RunAsync(Func<Task<int>> body)
    {
        try
        {
            return await body();
        }
        catch (OptionsValidationException ex)
        {
            await Console.Error.WriteLineAsync("Configuration error: " + string.Join(" ", ex.Failures));
            return 2;
        }
        catch (OperationCanceledException)
        {
            await Console.Error.WriteLineAsync("Cancelled.");
            return 130;
        }
        catch (Exception ex) when (ex is Azure.RequestFailedException or HttpRequestException or InvalidOperationException or IOException
            or Core.Facebook.GraphApiException or Core.Notifications.TeamsDeliveryException)
        {
            await Console.Error.WriteLineAsync("Failed: " + Core.Facebook.Redaction.Redact(ex.Message.Split('\n')[0]));
            return 1;
        }
    }
}
