using System.Collections;
using System.Diagnostics;
using System.Globalization;
using Listening.Core.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using OpenTelemetry;

namespace Listening.Core.Telemetry;

/// <summary>
/// The logger factory every <see cref="ILogger"/> of the app comes from, wrapped so that each log record is masked
/// once, before any provider sees it (console, OpenTelemetry/Application Insights, the Functions host, tests'
/// collectors): its formatted message, every value of its state and scopes, and its exception's text.
/// </summary>
internal sealed class MaskingLoggerFactory(ILoggerFactory inner, SecretMasker masker) : ILoggerFactory
{
    /// <summary>Replaces the registered <see cref="ILoggerFactory"/> with one that masks; the providers and filters stay as they are.</summary>
    public static void Register(IServiceCollection services)
    {
        if (services.Any(d => d.ServiceType == typeof(Registered)))
        {
            return;
        }

        var registered = services.LastOrDefault(d => d.ServiceType == typeof(ILoggerFactory) && !d.IsKeyedService);
        services.AddSingleton<Registered>();
        services.RemoveAll<ILoggerFactory>();
        services.AddSingleton<ILoggerFactory>(sp => new MaskingLoggerFactory(Create(sp, registered), sp.GetRequiredService<SecretMasker>()));
    }

    public ILogger CreateLogger(string categoryName) => new MaskingLogger(inner.CreateLogger(categoryName), masker);

    public void AddProvider(ILoggerProvider provider) => inner.AddProvider(provider);

    public void Dispose() => inner.Dispose();

    /// <summary>Marks the collection as wrapped, so a second composition does not wrap twice.</summary>
    private sealed class Registered;

    private static ILoggerFactory Create(IServiceProvider sp, ServiceDescriptor? registered) => registered switch
    {
        { ImplementationInstance: ILoggerFactory instance } => instance,
        { ImplementationFactory: { } factory } => (ILoggerFactory)factory(sp),
        { ImplementationType: { } type } when type != typeof(LoggerFactory) => (ILoggerFactory)ActivatorUtilities.CreateInstance(sp, type),
        _ => new LoggerFactory(
            sp.GetServices<ILoggerProvider>(),
            sp.GetRequiredService<IOptionsMonitor<LoggerFilterOptions>>(),
            sp.GetService<IOptions<LoggerFactoryOptions>>(),
            sp.GetService<IExternalScopeProvider>()),
    };
}

internal sealed class MaskingLogger(ILogger inner, SecretMasker masker) : ILogger
{
    public IDisposable? BeginScope<TState>(TState state)
        where TState : notnull =>
        state is IEnumerable<KeyValuePair<string, object?>> values
            ? inner.BeginScope(new MaskedLogState(values, masker, null))
            : inner.BeginScope(masker.Mask(Convert.ToString(state, CultureInfo.InvariantCulture)));

    public bool IsEnabled(LogLevel logLevel) => inner.IsEnabled(logLevel);

    public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
    {
        ArgumentNullException.ThrowIfNull(formatter);
        if (!inner.IsEnabled(logLevel))
        {
            return;
        }

        var message = masker.Mask(formatter(state, exception));
        var masked = new MaskedLogState(state as IEnumerable<KeyValuePair<string, object?>> ?? [], masker, message);
        inner.Log(logLevel, eventId, masked, masker.Mask(exception), static (s, _) => s.Message ?? "");
    }
}

/// <summary>A log record's state with every value masked; strings stay strings, numbers and dates stay as they are.</summary>
internal sealed class MaskedLogState : IReadOnlyList<KeyValuePair<string, object?>>
{
    private readonly List<KeyValuePair<string, object?>> _values;

    public MaskedLogState(IEnumerable<KeyValuePair<string, object?>> values, SecretMasker masker, string? message)
    {
        _values = [.. values.Select(v => new KeyValuePair<string, object?>(v.Key, MaskValue(v.Value, masker)))];
        Message = message;
    }

    public string? Message { get; }

    public int Count => _values.Count;

    public KeyValuePair<string, object?> this[int index] => _values[index];

    public IEnumerator<KeyValuePair<string, object?>> GetEnumerator() => _values.GetEnumerator();

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();

    public override string ToString() => Message ?? "";

    private static object? MaskValue(object? value, SecretMasker masker) => value switch
    {
        null or bool or char or Enum => value,
        string text => masker.Mask(text),
        ValueType and IFormattable => value,
        IEnumerable items => masker.Mask(string.Join(", ", items.Cast<object?>().Select(i => Convert.ToString(i, CultureInfo.InvariantCulture)))),
        _ => masker.Mask(Convert.ToString(value, CultureInfo.InvariantCulture)),
    };
}

/// <summary>
/// Masks finished spans before any exporter sees them: every string tag and the display name lose configured
/// secrets, and a request to a Teams webhook host (a connector URL carries its secret in the path, a Workflows URL
/// in its <c>sig=</c>) keeps only scheme and host in <c>url.full</c>.
/// </summary>
internal sealed class MaskingActivityProcessor(SecretMasker masker) : BaseProcessor<Activity>
{
    private static readonly string[] UrlTags = ["url.full", "http.url"];

    public override void OnEnd(Activity data)
    {
        ArgumentNullException.ThrowIfNull(data);
        foreach (var tag in UrlTags)
        {
            if (data.GetTagItem(tag) is string url && Uri.TryCreate(url, UriKind.Absolute, out var uri) && masker.IsWebhookUrl(uri))
            {
                data.SetTag(tag, uri.GetLeftPart(UriPartial.Authority) + "/" + Redaction.Mask);
                if (data.GetTagItem("url.path") is not null)
                {
                    data.SetTag("url.path", "/" + Redaction.Mask);
                }

                if (data.GetTagItem("url.query") is not null)
                {
                    data.SetTag("url.query", Redaction.Mask);
                }
            }
        }

        foreach (var (key, value) in data.Tags.ToList())
        {
            if (masker.Reveals(value))
            {
                data.SetTag(key, masker.Mask(value));
            }
        }

        if (masker.Reveals(data.DisplayName))
        {
            data.DisplayName = masker.Mask(data.DisplayName);
        }

        if (masker.Reveals(data.StatusDescription))
        {
            data.SetStatus(data.Status, masker.Mask(data.StatusDescription));
        }
    }
}
