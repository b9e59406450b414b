using System.ComponentModel.DataAnnotations;
using Microsoft.Extensions.Options;
using Listening.Core.Contracts;

namespace Listening.Core.Configuration;

/// <summary>
/// The options tree <c>Listening:...</c>. Every key is documented in README ("Configuration"); the Functions app,
/// the CLI and the tests bind the same tree and validate it at start-up: the attributes here are the single source of
/// each key's own limits (checked by the generated <see cref="ListeningOptionsAttributeValidator"/>; every message names
/// the full key and the fix, never the value), and
/// <see cref="ListeningOptionsValidator"/> checks what needs parsing or several keys.
/// </summary>
public sealed class ListeningOptions
{
    public const string SectionName = "Listening";

    /// <summary>IANA zone whose calendar days the summaries use.</summary>
    [Required(ErrorMessage = "Listening:TimeZone is empty: use an IANA time zone name like Europe/Berlin.")]
    public string TimeZone { get; set; } = "Europe/Berlin";

    /// <summary>Local hour (0-23) after which the morning digest for yesterday goes out.</summary>
    [KeyRange(0, 23, ErrorMessage = "Listening:DigestHour must be a whole hour from {1} to {2}.")]
    public int DigestHour { get; set; } = 8;

    /// <summary>Base URL of the deployed app, used for links in Teams cards (no key ever goes into it).</summary>
    public string? PublicBaseUrl { get; set; }

    [ValidateObjectMembers]
    public FacebookOptions Facebook { get; set; } = new();

    public List<PageOptions> Pages { get; set; } = [];

    /// <summary>Where the tokens of the Pages in the <c>pages</c> table live (<c>listening pages add</c>; docs/deploy.md).</summary>
    [ValidateObjectMembers]
    public PageRegistryOptions PageRegistry { get; set; } = new();

    [ValidateObjectMembers]
    public TeamsOptions Teams { get; set; } = new();

    [ValidateObjectMembers]
    public AlertOptions Alerts { get; set; } = new();

    /// <summary>Queue names: read from the flat settings PullsQueue, SnapshotsQueue, NotificationsQueue (see <see cref="FlatSettings"/>).</summary>
    [ValidateObjectMembers]
    public QueueNames Queues { get; set; } = new();

    /// <summary>Timer schedules: read from the flat settings PullSchedule, DigestSchedule, RetentionSchedule.</summary>
    public ScheduleOptions Schedules { get; set; } = new();

    [ValidateObjectMembers]
    public TableNames Tables { get; set; } = new();

    public AccessOptions Access { get; set; } = new();

    [ValidateObjectMembers]
    public DemoOptions Demo { get; set; } = new();

    /// <summary>Days an archived raw snapshot is kept (the reach of <c>listening replay</c>); default 90.</summary>
    [KeyRange(1, 3650, ErrorMessage = "Listening:RawRetentionDays must be from {1} to {2} days: how long raw snapshots stay replayable.")]
    public int RawRetentionDays { get; set; } = 90;

    /// <summary>Days observations and materialized summaries are kept; default 730 (two years, like Meta's insights).</summary>
    [KeyRange(AggregateRetentionMinimumDays, 3650, ErrorMessage = "Listening:AggregateRetentionDays must be from {1} to {2} days: summaries look back up to {1} days.")]
    public int AggregateRetentionDays { get; set; } = 730;

    /// <summary>Rules that tag posts with topics; docs/data-model.md ("Topics").</summary>
    public TopicOptions Topics { get; set; } = new();

    /// <summary>Comment triage, its retention and its alerts; docs/comments.md.</summary>
    [ValidateObjectMembers]
    public CommentOptions Comments { get; set; } = new();

    /// <summary>
    /// The press office's hours in the local zone, e.g. <c>Mon-Fri 08:00-16:00</c> (the default): questions count as
    /// overdue only within them, and comment alerts outside them go to the route <c>outside-office-hours</c>.
    /// </summary>
    public string OfficeHours { get; set; } = "Mon-Fri 08:00-16:00";

    /// <summary>How the day page, the period report and the digest present posts.</summary>
    public SummaryOptions Summaries { get; set; } = new();

    /// <summary><c>Listening:WeeklyDigest</c>: on Mondays the morning digest run also sends the weekly digest (docs/teams.md). On by default.</summary>
    public bool WeeklyDigest { get; set; } = true;

    /// <summary>
    /// Whether every call to Table and Queue Storage is exported to Application Insights as a dependency (true), or
    /// only the failed ones (false, the default): about 16 of a pull cycle's 18 spans are storage calls, the largest
    /// item of a Page's telemetry cost (docs/deploy.md, "What it costs").
    /// </summary>
    public bool TraceStorageCalls { get; set; }

    /// <summary>The insights report (<c>/api/insights</c>, docs/insights.md).</summary>
    [ValidateObjectMembers]
    public InsightsOptions Insights { get; set; } = new();

    /// <summary>
    /// Aggregates must outlive the longest look-back of a summary: the 30-day giveaway follow-through plus the day
    /// before the post.
    /// </summary>
    public const int AggregateRetentionMinimumDays = 35;

    /// <summary>Pages with a token, or the demo Page when none is configured.</summary>
    public bool IsDemo => Pages.Count == 0 || Pages.All(p => string.IsNullOrWhiteSpace(p.AccessToken));
}

public sealed class FacebookOptions
{
    [Required(ErrorMessage = "Listening:Facebook:GraphBaseUrl is empty: use https://graph.facebook.com.")]
    public string GraphBaseUrl { get; set; } = "https://graph.facebook.com";

    [Required(ErrorMessage = "Listening:Facebook:ApiVersion is empty: use a Graph API version like v24.0.")]
    [RegularExpression(@"^v\d+\.\d+$", ErrorMessage = "Listening:Facebook:ApiVersion must look like v24.0.")]
    public string ApiVersion { get; set; } = "v24.0";

    /// <summary>When set, every Graph call carries <c>appsecret_proof</c>.</summary>
    public string? AppSecret { get; set; }

    /// <summary>
    /// The verify token Meta sends when the webhook <c>api/webhooks/meta</c> is registered (<c>hub.verify_token</c>).
    /// A secret: in Azure a Key Vault reference; never logged. Without it the webhook's verification answers 403.
    /// </summary>
    public string? WebhookVerifyToken { get; set; }

    /// <summary>
    /// The Meta app's id (not secret): the daily subscription check looks for this app among the Page's
    /// <c>subscribed_apps</c>; without it, any app that receives the Page's <c>feed</c> counts.
    /// </summary>
    public string? AppId { get; set; }

    /// <summary>Posts created this many days back are pulled again each cycle (their counters still move).</summary>
    [KeyRange(1, 90, ErrorMessage = "Listening:Facebook:PostLookbackDays must be from {1} to {2} days.")]
    public int PostLookbackDays { get; set; } = 7;

    [KeyRange(1, 300, ErrorMessage = "Listening:Facebook:TimeoutSeconds must be from {1} to {2} seconds.")]
    public int TimeoutSeconds { get; set; } = 30;

    /// <summary>
    /// Pages of posts (100 each) one pull follows through <c>paging.next</c> at most: 20 read 2,000 posts. Beyond it,
    /// or when a link repeats, the pull stops paging, logs it and notes it in health.
    /// </summary>
    [KeyRange(1, 1000, ErrorMessage = "Listening:Facebook:MaxPostPagesPerCycle must be from {1} to {2} pages of 100 posts (20 read 2,000 posts).")]
    public int MaxPostPagesPerCycle { get; set; } = 20;

    /// <summary>
    /// Page insights to pull, comma-separated (default: the metrics Meta still serves, see README "Graph API").
    /// A metric Meta rejects is dropped for later cycles and reported; the rest still flows.
    /// </summary>
    public string? PageMetrics { get; set; }

    /// <summary>Post insights pulled in the posts call's field expansion, comma-separated.</summary>
    public string? PostMetrics { get; set; }

    /// <summary>
    /// Old metric name -> new name: values reported under the old name continue the new name's series. Configured
    /// entries add to (or override) the defaults in <see cref="MetricNames.DefaultAliases"/>.
    /// </summary>
    public Dictionary<string, string> MetricAliases { get; init; } = new(StringComparer.Ordinal);

    /// <summary>Meta's days (Pacific time) pulled again each cycle because Meta may still revise them.</summary>
    [KeyRange(1, 30, ErrorMessage = "Listening:Facebook:InsightsLookbackDays must be from {1} to {2} days.")]
    public int InsightsLookbackDays { get; set; } = 3;

    /// <summary>When a usage header (X-App-Usage, X-Page-Usage, X-Business-Use-Case-Usage) reaches this percentage, the Page is pulled less often.</summary>
    [KeyRange(10, 100, ErrorMessage = "Listening:Facebook:SlowDownAtUsagePercent must be from {1} to {2} percent.")]
    public int SlowDownAtUsagePercent { get; set; } = 75;

    /// <summary>How long a Page pauses after its usage reached <see cref="SlowDownAtUsagePercent"/>.</summary>
    [KeyRange(1, 1440, ErrorMessage = "Listening:Facebook:SlowDownMinutes must be from {1} to {2} minutes.")]
    public int SlowDownMinutes { get; set; } = 60;

    /// <summary>The metrics to request, in configured order: <see cref="PageMetrics"/> or the defaults.</summary>
    public IReadOnlyList<string> EffectivePageMetrics => MetricNames.Parse(PageMetrics, MetricNames.DefaultPageMetrics);

    public IReadOnlyList<string> EffectivePostMetrics => MetricNames.Parse(PostMetrics, MetricNames.DefaultPostMetrics);

    /// <summary>The defaults with the configured aliases on top.</summary>
    public IReadOnlyDictionary<string, string> EffectiveAliases => MetricNames.Aliases(MetricAliases);
}

public sealed class PageOptions
{
    /// <summary>Checked by <see cref="ListeningOptionsValidator"/>: a message names the index (Listening:Pages:0:Id).</summary>
    public string Id { get; set; } = "";

    public string? Name { get; set; }

    /// <summary>A long-lived Page access token. Never logged; in Azure a Key Vault reference.</summary>
    public string? AccessToken { get; set; }

    /// <summary>
    /// The Instagram professional account linked to the Page: <c>auto</c> (default: found and read by the pull) or
    /// <c>off</c> (not read, and no <c>instagram</c> in any output, stored data or not).
    /// </summary>
    public string? Instagram { get; set; }

    /// <summary>Whether the Page's linked Instagram account is read and shown (<see cref="Instagram"/> is not <c>off</c>).</summary>
    public bool InstagramEnabled => !string.Equals(Instagram?.Trim(), InstagramModes.Off, StringComparison.OrdinalIgnoreCase);
}

/// <summary>The values of <c>Listening:Pages:N:Instagram</c>.</summary>
public static class InstagramModes
{
    public const string Auto = "auto";

    public const string Off = "off";

    public static bool IsValid(string? value) =>
        string.IsNullOrWhiteSpace(value)
        || string.Equals(value.Trim(), Auto, StringComparison.OrdinalIgnoreCase)
        || string.Equals(value.Trim(), Off, StringComparison.OrdinalIgnoreCase);
}

/// <summary>Teams channels and routing; documented in docs/teams.md.</summary>
/// <summary>
/// The Page registry's token store: Key Vault in Azure (<c>Listening:PageRegistry:KeyVaultUri</c>, read with the
/// app's managed identity), else a local folder of one file per secret (<c>Listening:PageRegistry:LocalSecretsPath</c>,
/// default <c>~/.listening/secrets</c>, readable by the user only).
/// </summary>
public sealed class PageRegistryOptions
{
    public Uri? KeyVaultUri { get; set; }

    public string? LocalSecretsPath { get; set; }

    /// <summary>How long a token read from the store is kept in memory before it is read again.</summary>
    [KeyRange(0, 1440, ErrorMessage = "Listening:PageRegistry:TokenCacheMinutes must be from {1} to {2} minutes.")]
    public int TokenCacheMinutes { get; set; } = 60;

    /// <summary>The local store's folder: <see cref="LocalSecretsPath"/> or <c>.listening/secrets</c> in the user's profile.</summary>
    public string EffectiveLocalSecretsPath => string.IsNullOrWhiteSpace(LocalSecretsPath)
        ? Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".listening", "secrets")
        : LocalSecretsPath;
}

public sealed class TeamsOptions
{
    /// <summary>The default channel: the Workflows webhook URL ("When a Teams webhook request is received"). Its sig= is a secret.</summary>
    public string? WebhookUrl { get; set; }

    /// <summary>Payload format of the default channel: <c>adaptivecard</c> (Workflows) or <c>messagecard</c> (legacy connector URLs).</summary>
    public string Format { get; set; } = TeamsFormats.AdaptiveCard;

    /// <summary>Further channels by name (<c>Listening:Teams:Channels:{name}:WebhookUrl</c>), e.g. a crisis team.</summary>
    public Dictionary<string, TeamsChannelOptions> Channels { get; set; } = new(StringComparer.OrdinalIgnoreCase);

    /// <summary>Notification kind to channel names, comma-separated (<c>Listening:Teams:Routes:crisis = krisenstab,default</c>).</summary>
    public Dictionary<string, string> Routes { get; set; } = new(StringComparer.OrdinalIgnoreCase);

    /// <summary>Tries per notification and channel before it goes to the poison queue (429 and 5xx are retried through the queue).</summary>
    [KeyRange(1, 20, ErrorMessage = "Listening:Teams:MaxAttempts must be from {1} to {2} tries.")]
    public int MaxAttempts { get; set; } = 6;

    /// <summary>First wait before a retry; it doubles with each attempt (Retry-After wins when longer).</summary>
    [KeyRange(1, 600, ErrorMessage = "Listening:Teams:RetryBaseSeconds must be from {1} to {2} seconds.")]
    public int RetryBaseSeconds { get; set; } = 30;

    /// <summary>How long one POST to a webhook may take.</summary>
    [KeyRange(1, 120, ErrorMessage = "Listening:Teams:TimeoutSeconds must be from {1} to {2} seconds.")]
    public int TimeoutSeconds { get; set; } = 30;
}

public sealed class TeamsChannelOptions
{
    public string? WebhookUrl { get; set; }

    public string Format { get; set; } = TeamsFormats.AdaptiveCard;
}

public static class TeamsFormats
{
    public const string AdaptiveCard = "adaptivecard";

    public const string MessageCard = "messagecard";
}

public sealed class QueueNames
{
    /// <summary>3-56 characters: room for the host's <c>-poison</c> suffix within Azure's 63.</summary>
    private const string Pattern = "^(?=.{3,56}$)[a-z0-9]+(-[a-z0-9]+)*$";

    private const string Rule = "use 3-56 lowercase letters, digits and single hyphens (room for the -poison suffix).";

    [Required(ErrorMessage = "PullsQueue is empty: " + Rule)]
    [RegularExpression(Pattern, ErrorMessage = "PullsQueue is not a valid queue name: " + Rule)]
    public string Pulls { get; set; } = "pulls";

    [Required(ErrorMessage = "SnapshotsQueue is empty: " + Rule)]
    [RegularExpression(Pattern, ErrorMessage = "SnapshotsQueue is not a valid queue name: " + Rule)]
    public string Snapshots { get; set; } = "snapshots";

    [Required(ErrorMessage = "NotificationsQueue is empty: " + Rule)]
    [RegularExpression(Pattern, ErrorMessage = "NotificationsQueue is not a valid queue name: " + Rule)]
    public string Notifications { get; set; } = "notifications";

    [Required(ErrorMessage = "CommentsQueue is empty: " + Rule)]
    [RegularExpression(Pattern, ErrorMessage = "CommentsQueue is not a valid queue name: " + Rule)]
    public string Comments { get; set; } = "comments";
}

/// <summary>
/// Settings the Functions host resolves in trigger bindings (<c>%PullsQueue%</c>, <c>%PullSchedule%</c>, ...).
/// They are flat names, not part of the <c>Listening:</c> tree: the platform's scale controller reads app
/// settings by their literal name and does not map <c>__</c> to <c>:</c>, so a nested name would leave an idle
/// Flex Consumption app unable to wake for its queues and timers. The app reads the same names.
/// </summary>
public static class FlatSettings
{
    public const string PullsQueue = nameof(PullsQueue);
    public const string SnapshotsQueue = nameof(SnapshotsQueue);
    public const string NotificationsQueue = nameof(NotificationsQueue);
    public const string CommentsQueue = nameof(CommentsQueue);
    public const string PullSchedule = nameof(PullSchedule);
    public const string DigestSchedule = nameof(DigestSchedule);
    public const string RetentionSchedule = nameof(RetentionSchedule);

    public static void Apply(Microsoft.Extensions.Configuration.IConfiguration configuration, ListeningOptions options)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        ArgumentNullException.ThrowIfNull(options);
        options.Queues.Pulls = configuration[PullsQueue] ?? options.Queues.Pulls;
        options.Queues.Snapshots = configuration[SnapshotsQueue] ?? options.Queues.Snapshots;
        options.Queues.Notifications = configuration[NotificationsQueue] ?? options.Queues.Notifications;
        options.Queues.Comments = configuration[CommentsQueue] ?? options.Queues.Comments;
        options.Schedules.Pull = configuration[PullSchedule] ?? options.Schedules.Pull;
        options.Schedules.Digest = configuration[DigestSchedule] ?? options.Schedules.Digest;
        options.Schedules.Retention = configuration[RetentionSchedule] ?? options.Schedules.Retention;
    }
}

/// <summary>NCRONTAB schedules (UTC) the Functions host reads as %PullSchedule%, %DigestSchedule%, %RetentionSchedule%.</summary>
public sealed class ScheduleOptions
{
    /// <summary>
    /// Pull cycle: every 5 minutes. Pages in crisis mode are pulled on every run, the others only on the runs that
    /// fall on a quarter hour (so every 15 minutes).
    /// </summary>
    public string Pull { get; set; } = "0 */5 * * * *";

    /// <summary>Digest check: hourly; the digest goes out once local time passes <see cref="ListeningOptions.DigestHour"/>.</summary>
    public string Digest { get; set; } = "0 5 * * * *";

    /// <summary>Retention of raw snapshots and old aggregates: daily.</summary>
    public string Retention { get; set; } = "0 30 3 * * *";
}

public sealed class TableNames
{
    /// <summary>Prepended to every table name; lets tests and several installations share one account.</summary>
    [RegularExpression("^[A-Za-z][A-Za-z0-9]{0,20}$|^$", ErrorMessage = "Listening:Tables:Prefix must be letters and digits, starting with a letter, at most 21 characters (or empty).")]
    public string Prefix { get; set; } = "";
}

public sealed class AccessOptions
{
    /// <summary>Summaries answer only signed-in users (App Service authentication). False only for local demos.</summary>
    public bool RequireSignIn { get; set; } = true;
}

/// <summary>
/// Topic rules (<c>Listening:Topics:Rules:N:Name</c>, <c>...:Keywords</c>) and the topic whose posts get the giveaway
/// follow-through. No rule configured means the built-in defaults (Aggregation.TopicRules.Defaults);
/// configuring one rule replaces all defaults.
/// </summary>
public sealed class SummaryOptions
{
    /// <summary>
    /// <c>Listening:Summaries:TopPostsBy</c>: <c>reach</c> (default) ranks the top posts by people reached,
    /// <c>interactions</c> by reactions + comments + shares. Checked at start-up.
    /// </summary>
    public string TopPostsBy { get; set; } = TopPostRanking.Reach;

    /// <summary>The configured ranking, lower-cased and trimmed; the default when empty.</summary>
    public string EffectiveTopPostsBy => string.IsNullOrWhiteSpace(TopPostsBy) ? TopPostRanking.Reach : TopPostsBy.Trim().ToLowerInvariant();
}

public sealed class InsightsOptions
{
    /// <summary>
    /// <c>Listening:Insights:MinPostsPerCell</c>: a weekday-and-hour cell of the posting-time map shows figures only
    /// from this many posts on, and only such cells can be named best slots. Default 3.
    /// </summary>
    [KeyRange(1, 100, ErrorMessage = "Listening:Insights:MinPostsPerCell must be from {1} to {2} posts: below it a posting-time cell shows no figure.")]
    public int MinPostsPerCell { get; set; } = 3;
}

public sealed class TopicOptions
{
    public List<TopicRuleOptions> Rules { get; set; } = [];

    /// <summary>Posts with this topic get the giveaway follow-through (followers gained and kept); default Gewinnspiel.</summary>
    public string GiveawayTopic { get; set; } = "Gewinnspiel";
}

/// <summary>One topic: its name as shown in summaries and the words that tag a post with it.</summary>
public sealed class TopicRuleOptions
{
    public string Name { get; set; } = "";

    /// <summary>
    /// Comma-separated terms, case- and umlaut-insensitive (ae = ä). A word matches where a word of the post starts
    /// with it (Ausbildung finds Ausbildungsplatz); a term starting with # matches that hashtag exactly; a term starting
    /// with - names words that do not count (-Ausbildungsförderung).
    /// </summary>
    public string Keywords { get; set; } = "";
}

/// <summary>Comment triage (<c>Listening:Comments:...</c>); docs/comments.md.</summary>
public sealed class CommentOptions
{
    /// <summary>Days a tracked comment (ids, time, category, answered) is kept; the hourly counts live as long as the aggregates.</summary>
    [KeyRange(1, 90, ErrorMessage = "Listening:Comments:RetentionDays must be from {1} to {2} days: how long comment ids and their triage are kept.")]
    public int RetentionDays { get; set; } = 14;

    /// <summary>A question not answered by the Page within this many minutes (of office hours) raises <c>questions-unanswered</c>.</summary>
    [KeyRange(5, 10080, ErrorMessage = "Listening:Comments:AnswerWithinMinutes must be from {1} to {2} minutes.")]
    public int AnswerWithinMinutes { get; set; } = 120;

    /// <summary>This many <c>dringend</c> comments on one Page within <see cref="UrgentBurstMinutes"/> switch it to crisis mode.</summary>
    [KeyRange(2, 1000, ErrorMessage = "Listening:Comments:UrgentBurst must be from {1} to {2} comments.")]
    public int UrgentBurst { get; set; } = 5;

    [KeyRange(1, 1440, ErrorMessage = "Listening:Comments:UrgentBurstMinutes must be from {1} to {2} minutes.")]
    public int UrgentBurstMinutes { get; set; } = 30;

    /// <summary>
    /// Extra terms per category (<c>Listening:Comments:Keywords:dringend</c> = "Deich, Damm"), added to the defaults;
    /// a term starting with - takes a default out. Same matching as the topic rules (case- and umlaut-insensitive,
    /// a word starting with the term).
    /// </summary>
    public Dictionary<string, string> Keywords { get; set; } = new(StringComparer.OrdinalIgnoreCase);
}

public sealed class DemoOptions
{
    /// <summary>First day of the demo Page's 30-day story; default: 29 days before the day the app starts.</summary>
    public DateOnly? StartDate { get; set; }

    /// <summary>
    /// Days of the demo Page's history before its story (posts by a weekly plan, followers growing to the story's);
    /// <c>listening demo</c> sets it to the history it pulls (none for a run of up to 30 days).
    /// </summary>
    [KeyRange(0, 60, ErrorMessage = "Listening:Demo:HistoryDays must be from {1} to {2} days.")]
    public int HistoryDays { get; set; } = 60;
}
