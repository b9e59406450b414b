using System.Text.RegularExpressions;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Options;

namespace Listening.Core.Configuration;

/// <summary>
/// Checks the whole options tree at start-up and names every bad key with its fix. Secret values (tokens,
/// webhook URLs) are never repeated in a message.
/// </summary>
public sealed partial class ListeningOptionsValidator(IConfiguration configuration) : IValidateOptions<ListeningOptions>
{
    public ValidateOptionsResult Validate(string? name, ListeningOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var errors = new List<string>();
        void Check(bool ok, string message)
        {
            if (!ok)
            {
                errors.Add(message);
            }
        }

        Check(LocalCalendar.IsValidZone(options.TimeZone),
            $"Listening:TimeZone '{options.TimeZone}' is not a known IANA time zone: use a name like Europe/Berlin.");
        Check(options.DigestHour is >= 0 and <= 23, "Listening:DigestHour must be a whole hour from 0 to 23 (default 8).");
        Check(IsHttpUrl(options.Facebook.GraphBaseUrl, requireHttps: false),
            "Listening:Facebook:GraphBaseUrl must be an absolute http(s) URL, normally https://graph.facebook.com.");
        Check(ApiVersion().IsMatch(options.Facebook.ApiVersion ?? ""),
            $"Listening:Facebook:ApiVersion '{options.Facebook.ApiVersion}' must look like v24.0.");
        Check(options.Facebook.PostLookbackDays is >= 1 and <= 90, "Listening:Facebook:PostLookbackDays must be from 1 to 90 (default 7).");
        Check(options.Facebook.TimeoutSeconds is >= 1 and <= 300, "Listening:Facebook:TimeoutSeconds must be from 1 to 300 (default 30).");
        Check(options.Facebook.MaxPostPagesPerCycle is >= 1 and <= 1000,
            "Listening:Facebook:MaxPostPagesPerCycle must be from 1 to 1000 (default 20: 2,000 posts of 100 per page).");
        Check(options.Facebook.InsightsLookbackDays is >= 1 and <= 30, "Listening:Facebook:InsightsLookbackDays must be from 1 to 30 (default 3).");
        Check(options.Facebook.SlowDownAtUsagePercent is >= 10 and <= 100, "Listening:Facebook:SlowDownAtUsagePercent must be from 10 to 100 (default 75).");
        Check(options.Facebook.SlowDownMinutes is >= 1 and <= 1440, "Listening:Facebook:SlowDownMinutes must be from 1 to 1440 (default 60).");
        foreach (var (key, value) in new[] { ("PageMetrics", options.Facebook.PageMetrics), ("PostMetrics", options.Facebook.PostMetrics) })
        {
            var bad = Facebook.MetricNames.Invalid(value);
            Check(bad is null,
                $"Listening:Facebook:{key} contains '{bad}': list metric names (lowercase letters, digits, underscores) separated by commas, e.g. page_media_view,page_follows.");
        }

        foreach (var (from, to) in options.Facebook.MetricAliases)
        {
            Check(Facebook.MetricNames.IsValid(from) && Facebook.MetricNames.IsValid(to) && from != to,
                $"Listening:Facebook:MetricAliases:{from} = '{to}' must map an old metric name to a different new one, e.g. Listening:Facebook:MetricAliases:page_impressions = page_media_view.");
        }

        Check(options.PublicBaseUrl is null or "" || IsHttpUrl(options.PublicBaseUrl, requireHttps: false),
            "Listening:PublicBaseUrl must be an absolute http(s) URL such as https://listening-kreis.azurewebsites.net.");
        Check(options.Teams.WebhookUrl is null or "" || IsHttpUrl(options.Teams.WebhookUrl, requireHttps: true),
            "Listening:Teams:WebhookUrl must be the https URL of a Teams Workflows webhook (the value is not shown here because it is a secret).");

        errors.AddRange(TeamsOptionsCheck.Errors(options));

        var withToken = options.Pages.Count(p => !string.IsNullOrWhiteSpace(p.AccessToken));
        for (var i = 0; i < options.Pages.Count; i++)
        {
            var page = options.Pages[i];
            Check(!string.IsNullOrWhiteSpace(page.Id) && Snapshots.StorageKey.IsValid(page.Id) && page.Id.All(char.IsAsciiDigit),
                $"Listening:Pages:{i}:Id must be the numeric id of a Facebook Page.");
            Check(withToken == 0 || !string.IsNullOrWhiteSpace(page.AccessToken),
                $"Listening:Pages:{i}:AccessToken is missing: every Page needs a Page access token once one Page has one.");
        }

        var duplicate = options.Pages.GroupBy(p => p.Id, StringComparer.Ordinal).FirstOrDefault(g => g.Count() > 1);
        Check(duplicate is null, $"Listening:Pages lists Page {duplicate?.Key} more than once.");

        foreach (var (key, value) in new[] { (FlatSettings.PullsQueue, options.Queues.Pulls), (FlatSettings.SnapshotsQueue, options.Queues.Snapshots), (FlatSettings.NotificationsQueue, options.Queues.Notifications) })
        {
            Check(QueueName().IsMatch(value ?? "") && value!.Length <= 56,
                $"{key} '{value}' is not a valid queue name: 3-56 lowercase letters, digits and single hyphens (room for the -poison suffix).");
        }

        foreach (var (key, value) in new[] { (FlatSettings.PullSchedule, options.Schedules.Pull), (FlatSettings.DigestSchedule, options.Schedules.Digest), (FlatSettings.RetentionSchedule, options.Schedules.Retention) })
        {
            Check((value ?? "").Split(' ', StringSplitOptions.RemoveEmptyEntries).Length == 6,
                $"{key} '{value}' must be an NCRONTAB expression with six fields (seconds first), e.g. 0 */15 * * * *.");
        }

        Check(TablePrefix().IsMatch(options.Tables.Prefix ?? ""),
            "Listening:Tables:Prefix must be letters and digits, starting with a letter, at most 21 characters (or empty).");

        Check(options.RawRetentionDays is >= 1 and <= 3650,
            "Listening:RawRetentionDays must be from 1 to 3650 days (default 90): how long raw snapshots stay replayable.");
        Check(options.AggregateRetentionDays is >= ListeningOptions.AggregateRetentionMinimumDays and <= 3650,
            $"Listening:AggregateRetentionDays must be from {ListeningOptions.AggregateRetentionMinimumDays} to 3650 days (default 730): summaries look back up to {ListeningOptions.AggregateRetentionMinimumDays} days.");
        foreach (var problem in Topics.TopicRules.Problems(options.Topics))
        {
            Check(false, problem);
        }

        var storage = configuration.GetSection("AzureWebJobsStorage");
        Check(!string.IsNullOrWhiteSpace(storage.Value)
                || (!string.IsNullOrWhiteSpace(storage["tableServiceUri"]) && !string.IsNullOrWhiteSpace(storage["queueServiceUri"])),
            "AzureWebJobsStorage is not set: use UseDevelopmentStorage=true with Azurite (npm run azurite), a connection string, or AzureWebJobsStorage__tableServiceUri and __queueServiceUri with a managed identity.");

        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }

    private static bool IsHttpUrl(string? value, bool requireHttps) =>
        Uri.TryCreate(value, UriKind.Absolute, out var uri)
        && (uri.Scheme == Uri.UriSchemeHttps || (uri.Scheme == Uri.UriSchemeHttp && (!requireHttps || uri.IsLoopback)));

    [GeneratedRegex(@"^v\d+\.\d+$")]
    private static partial Regex ApiVersion();

    [GeneratedRegex("^(?=.{3,63}$)[a-z0-9]+(-[a-z0-9]+)*$")]
    private static partial Regex QueueName();

    [GeneratedRegex("^$|^[A-Za-z][A-Za-z0-9]{0,20}$")]
    private static partial Regex TablePrefix();
}
