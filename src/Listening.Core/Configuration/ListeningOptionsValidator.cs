using System.ComponentModel.DataAnnotations;
using System.Globalization;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Options;
using Listening.Core.Contracts;

namespace Listening.Core.Configuration;

/// <summary>
/// The start-up checks that need parsing (time zone, URLs, metric names, NCRONTAB) or compare several keys (Pages,
/// Teams routes; the topic rules are checked by Aggregation.TopicRulesValidator); each key's own limits are attributes
/// on the options, checked by the generated
/// <see cref="ListeningOptionsAttributeValidator"/>. Every message names the key and its fix; secret values
/// (tokens, webhook URLs) are never repeated in a message.
/// </summary>
public sealed class ListeningOptionsValidator(IConfiguration configuration) : IValidateOptions<ListeningOptions>
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

        Check(string.IsNullOrWhiteSpace(options.TimeZone) || LocalCalendar.IsValidZone(options.TimeZone),
            $"Listening:TimeZone '{options.TimeZone}' is not a known IANA time zone: use a name like Europe/Berlin.");
        Check(string.IsNullOrWhiteSpace(options.Facebook.GraphBaseUrl) || IsHttpUrl(options.Facebook.GraphBaseUrl, requireHttps: false),
            "Listening:Facebook:GraphBaseUrl must be an absolute http(s) URL, normally https://graph.facebook.com.");
        foreach (var (key, value) in new[] { ("PageMetrics", options.Facebook.PageMetrics), ("PostMetrics", options.Facebook.PostMetrics) })
        {
            var bad = MetricNames.Invalid(value);
            Check(bad is null,
                $"Listening:Facebook:{key} contains '{bad}': list metric names (lowercase letters, digits, underscores) separated by commas, e.g. page_media_view,page_follows.");
        }

        foreach (var (from, to) in options.Facebook.MetricAliases)
        {
            Check(MetricNames.IsValid(from) && MetricNames.IsValid(to) && from != to,
                $"Listening:Facebook:MetricAliases:{from} = '{to}' must map an old metric name to a different new one, e.g. Listening:Facebook:MetricAliases:page_impressions = page_media_view.");
        }

        Check(OfficeHours.TryParse(options.OfficeHours, out _, out var officeProblem),
            $"Listening:OfficeHours '{options.OfficeHours}' cannot be read ({officeProblem}): use days and hours in the local zone, e.g. Mon-Fri 08:00-16:00 or Mon-Thu 07:30-16:00; Fri 07:30-12:30.");
        Check(TopPostRanking.IsValid(options.Summaries.EffectiveTopPostsBy),
            $"Listening:Summaries:TopPostsBy '{options.Summaries.TopPostsBy}' is not known: use reach (rank top posts by people reached) or interactions (by reactions, comments and shares).");
        Check(options.PublicBaseUrl is null or "" || IsHttpUrl(options.PublicBaseUrl, requireHttps: false),
            "Listening:PublicBaseUrl must be an absolute http(s) URL such as https://listening-kreis.azurewebsites.net.");
        Check(options.Teams.WebhookUrl is null or "" || IsHttpUrl(options.Teams.WebhookUrl, requireHttps: true),
            "Listening:Teams:WebhookUrl must be the https URL of a Teams Workflows webhook (the value is not shown here because it is a secret).");

        errors.AddRange(TeamsOptionsCheck.Errors(options));

        var withToken = options.Pages.Count(p => !string.IsNullOrWhiteSpace(p.AccessToken));
        for (var i = 0; i < options.Pages.Count; i++)
        {
            var page = options.Pages[i];
            Check(!string.IsNullOrWhiteSpace(page.Id) && Contracts.StorageKey.IsValid(page.Id) && page.Id.All(char.IsAsciiDigit),
                $"Listening:Pages:{i}:Id must be the numeric id of a Facebook Page.");
            Check(withToken == 0 || !string.IsNullOrWhiteSpace(page.AccessToken),
                $"Listening:Pages:{i}:AccessToken is missing: every Page needs a Page access token once one Page has one.");
            Check(InstagramModes.IsValid(page.Instagram),
                $"Listening:Pages:{i}:Instagram '{page.Instagram}' is not known: use auto (read the Instagram account linked to the Page) or off (leave Instagram out).");
        }

        var duplicate = options.Pages.GroupBy(p => p.Id, StringComparer.Ordinal).FirstOrDefault(g => g.Count() > 1);
        Check(duplicate is null, $"Listening:Pages lists Page {duplicate?.Key} more than once.");

        foreach (var (key, value) in new[] { (FlatSettings.PullSchedule, options.Schedules.Pull), (FlatSettings.DigestSchedule, options.Schedules.Digest), (FlatSettings.RetentionSchedule, options.Schedules.Retention) })
        {
            Check((value ?? "").Split(' ', StringSplitOptions.RemoveEmptyEntries).Length == 6,
                $"{key} '{value}' must be an NCRONTAB expression with six fields (seconds first), e.g. 0 */15 * * * *.");
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
}

/// <summary>
/// The <c>[Range]</c> (as <see cref="KeyRangeAttribute"/>), <c>[Required]</c> and <c>[RegularExpression]</c>
/// attributes of the options tree, checked by code the options source generator writes (no reflection); nested
/// options are followed through <c>[ValidateObjectMembers]</c>. Each attribute's ErrorMessage names the full key and
/// the fix; the generator puts the property's own name in front ("DigestHour: Listening:DigestHour must ..."), which
/// is dropped here so that the CLI's sentence and the host's exception read as before.
/// </summary>
public sealed class ListeningOptionsAttributeValidator : IValidateOptions<ListeningOptions>
{
    private readonly GeneratedListeningOptionsValidator _generated = new();

    public ValidateOptionsResult Validate(string? name, ListeningOptions options)
    {
        var result = _generated.Validate(name, options);
        return result.Failed ? ValidateOptionsResult.Fail(result.Failures.Select(WithoutMemberName)) : result;
    }

    private static string WithoutMemberName(string failure)
    {
        var colon = failure.IndexOf(": ", StringComparison.Ordinal);
        return colon > 0 && failure.AsSpan(0, colon).IndexOfAny(' ', ':') < 0 ? failure[(colon + 2)..] : failure;
    }
}

[OptionsValidator]
internal sealed partial class GeneratedListeningOptionsValidator : IValidateOptions<ListeningOptions>;

/// <summary>
/// <see cref="RangeAttribute"/> whose ErrorMessage is honoured: the generator replaces a plain <c>[Range]</c> with a
/// copy that ignores ErrorMessage (dotnet/runtime#123137) and would print "The field ListeningOptions.DigestHour must
/// be between 0 and 23." without the configuration key. {1} and {2} in the message are the bounds.
/// </summary>
[AttributeUsage(AttributeTargets.Property)]
public sealed class KeyRangeAttribute : RangeAttribute
{
    public KeyRangeAttribute(int minimum, int maximum)
        : base(minimum, maximum)
    {
    }

    public KeyRangeAttribute(double minimum, double maximum)
        : base(minimum, maximum)
    {
    }

    public override string FormatErrorMessage(string name) =>
        string.Format(CultureInfo.InvariantCulture, ErrorMessageString, name, Minimum, Maximum);
}
