namespace Listening.Core.Notifications.Alerts;

/// <summary>
/// Something the press office should know now, in plain German. <see cref="Key"/> names the event, not the
/// moment it was seen (<c>milestone:{page}:followers:1000</c>), so seeing it again raises nothing new.
/// </summary>
public sealed record Alert
{
    public required string Kind { get; init; }

    public required string Key { get; init; }

    public required string PageId { get; init; }

    public required string PageName { get; init; }

    /// <summary>One line: "Meilenstein: 1.000 Follower".</summary>
    public required string Title { get; init; }

    /// <summary>Plain sentences; may quote post text (rendered as text, never as markdown).</summary>
    public required string Text { get; init; }

    public IReadOnlyList<AlertFact> Facts { get; init; } = [];

    /// <summary>Where to look: a post's permalink or the day's summary.</summary>
    public string? Link { get; init; }

    public string? LinkTitle { get; init; }

    /// <summary>The capture time of what raised it (not the wall clock), so a replayed snapshot gives the same card.</summary>
    public required DateTimeOffset RaisedAt { get; init; }

    public AlertSeverity Severity { get; init; } = AlertSeverity.Info;

    public bool Demo { get; init; }

    /// <summary>A route that replaces the kind's route when configured (<c>outside-office-hours</c>); null for most alerts.</summary>
    public string? Route { get; init; }
}

public sealed record AlertFact(string Title, string Value);

public enum AlertSeverity
{
    /// <summary>Good news (a milestone, a post taking off).</summary>
    Good,

    Info,

    /// <summary>Needs a look (negative surge, token lapsing, pipeline stalled).</summary>
    Warning,

    /// <summary>Act now (crisis mode, token invalid).</summary>
    Attention,
}

/// <summary>Notification kinds: the names <c>Listening:Teams:Routes:{kind}</c> takes (docs/teams.md).</summary>
public static class AlertKinds
{
    public const string Digest = "digest";
    public const string Milestone = "milestone";
    public const string TakeOff = "takeoff";
    public const string NegativeSurge = "negative-surge";
    public const string Crisis = "crisis";
    public const string TokenInvalid = "token-invalid";
    public const string TokenLapsing = "token-lapsing";
    public const string MetricRejected = "metric-rejected";
    public const string Stalled = "stalled";
    public const string CommentUrgent = "comment-urgent";
    public const string CommentAbusive = "comment-abusive";
    public const string QuestionsUnanswered = "questions-unanswered";
    public const string WebhookLapsed = "webhook-lapsed";

    /// <summary>German names for the digest's list of open alerts.</summary>
    public static string GermanName(string kind) => kind switch
    {
        Milestone => "Meilenstein",
        TakeOff => "Beitrag hebt ab",
        NegativeSurge => "Negative Reaktionen",
        Crisis => "Krisenmodus",
        TokenInvalid => "Zugang ungültig",
        TokenLapsing => "Zugang läuft ab",
        MetricRejected => "Kennzahl abgelehnt",
        Stalled => "Abruf gestört",
        CommentUrgent => "Dringender Kommentar",
        CommentAbusive => "Beleidigender Kommentar",
        QuestionsUnanswered => "Unbeantwortete Fragen",
        WebhookLapsed => "Webhook abgemeldet",
        _ => "Warnung",
    };
}
