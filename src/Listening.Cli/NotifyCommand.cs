using System.Globalization;
using System.Text.Json;
using Listening.Core.Notifications;
using Listening.Core.Notifications.Alerts;
using Microsoft.Extensions.DependencyInjection;
using Listening.Core.Contracts;
using Listening.Core.Notifications.Teams;

namespace Listening.Cli;

/// <summary>
/// <c>listening notify --date 2026-11-27 [--dry-run]</c> (days as <see cref="IsoDate"/>): sends the digest of a day to Teams now (once per channel:
/// a digest already sent is not sent again), or prints its Workflows payload with <c>--dry-run</c>.
/// </summary>
internal static class NotifyCommand
{
    public static async Task<int> RunAsync(
        string date, bool dryRun, bool verbose, TextWriter output, TextWriter error, CancellationToken cancellationToken,
        IReadOnlyDictionary<string, string?>? overrides = null, string? localRoot = null)
    {
        if (!IsoDate.TryParse(date, out var day))
        {
            await error.WriteLineAsync($"--date '{date}' is not a date: use {IsoDate.Pattern}, e.g. 2026-11-27.");
            return 2;
        }

        await using var storage = await CliStorage.ForAsync(localRoot, overrides, error, cancellationToken);
        using var host = CliHost.Build(storage.Overrides, verbose: verbose);
        var services = host.Services;
        var scheduler = services.GetRequiredService<DigestScheduler>();
        var content = await scheduler.ContentAsync(day, cancellationToken);
        var message = DigestScheduler.Message(day, services.GetRequiredService<DigestCardBuilder>().Build(content));
        if (content.Summary is null)
        {
            await error.WriteLineAsync($"No summary is stored for {date}: the digest says that no data is available.");
        }

        var problem = WorkflowsPayload.Validate(message.Payload);
        if (problem is not null)
        {
            await error.WriteLineAsync($"The digest payload is not valid: {problem}.");
            return 1;
        }

        var route = services.GetRequiredService<TeamsChannels>().RouteFor(AlertKinds.Digest, TeamsChannels.Default);
        if (dryRun)
        {
            await output.WriteLineAsync(message.Payload.ToJsonString(new JsonSerializerOptions
            {
                WriteIndented = true,
                Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping, // umlauts readable on a terminal
            }));
            await error.WriteLineAsync(string.Create(CultureInfo.InvariantCulture,
                $"Dry run: digest of {date} for channel(s) {string.Join(", ", route)}, {WorkflowsPayload.SizeOf(message.Payload)} bytes (Teams takes {WorkflowsPayload.MaxBytes}); nothing sent."));
            return 0;
        }

        var report = await services.GetRequiredService<NotificationDispatcher>().DeliverNowAsync(message, cancellationToken);
        foreach (var (channel, outcome) in report.Channels)
        {
            await output.WriteLineAsync(outcome switch
            {
                DeliveryOutcome.Sent => $"{channel}: sent the digest of {date}.",
                DeliveryOutcome.AlreadySent => $"{channel}: the digest of {date} was sent before; not sent again.",
                DeliveryOutcome.NoChannel => $"{channel}: no webhook configured (set Listening__Teams__WebhookUrl or Listening__Teams__Channels__{channel}__WebhookUrl).",
                _ => $"{channel}: failed.",
            });
        }

        foreach (var failure in report.Failures)
        {
            await error.WriteLineAsync("Failed: " + failure.Message);
        }

        return report.Outcome switch
        {
            DeliveryOutcome.Sent or DeliveryOutcome.AlreadySent => 0,
            DeliveryOutcome.NoChannel => 2,
            _ => 1,
        };
    }
}
