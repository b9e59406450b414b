using Azure;
using Azure.Data.Tables;
using Listening.Core.Configuration;

namespace Listening.Core.Storage;

/// <summary>What the pulls record about a Page and read back before the next one (<see cref="PageStateStore"/>).</summary>
public interface IPageStateStore
{
    Task<PageStateEntity?> GetAsync(string pageId, CancellationToken cancellationToken);

    /// <summary>A pull that read the Page: what it learned (see <see cref="PullRecord"/>).</summary>
    Task RecordPullAsync(string pageId, PullRecord pull, CancellationToken cancellationToken);

    /// <summary>Meta refused the token: the Page is marked, its pulls stop until the token with another fingerprint is configured.</summary>
    Task RecordTokenInvalidAsync(string pageId, string pageName, string problem, string? fingerprint, string failure, DateTimeOffset at, CancellationToken cancellationToken);

    /// <summary>
    /// Meta throttled the Page: its pulls pause for <paramref name="wait"/> (given the throttled pulls in a row before
    /// this one). Returns when they resume.
    /// </summary>
    Task<DateTimeOffset> RecordThrottledAsync(string pageId, Func<int, TimeSpan> wait, string reason, int? usagePercent, string? usageHeader, DateTimeOffset at, CancellationToken cancellationToken);

    /// <summary>A pull failed (our words, no text of Meta's): recorded for health, the next cycle catches up.</summary>
    Task RecordFailureAsync(string pageId, string pageName, string failure, DateTimeOffset at, CancellationToken cancellationToken);

    /// <summary>Teams was told on <paramref name="localDate"/> that the token is invalid (once a day).</summary>
    Task RecordTokenAlertedAsync(string pageId, DateOnly localDate, CancellationToken cancellationToken);
}

/// <summary>
/// Per Page: last successful pull, token state, rejected metrics, throttling and usage. Written by the pulls,
/// read by the next pull and by health. Updates are conditional on the ETag and merged again on conflict, so two
/// pulls of the same Page at once lose nothing. Its free-text columns are masked (<see cref="SecretMasker"/>) as
/// they are written, whoever wrote them.
/// </summary>
public sealed class PageStateStore(ListeningStorage storage, SecretMasker masker) : IPageStateStore
{
    public const string Partition = "page";

    private const int MaxAttempts = 10;

    public async Task RecordPullAsync(string pageId, string pageName, DateTimeOffset capturedAt, CancellationToken cancellationToken) =>
        await UpdateAsync(pageId, state =>
        {
            if (state.LastSuccessfulPull >= capturedAt)
            {
                return false;
            }

            state.PageName = pageName;
            state.LastSuccessfulPull = capturedAt.ToUniversalTime();
            return true;
        }, cancellationToken);

    public Task RecordPullAsync(string pageId, PullRecord pull, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(pull);
        return UpdateAsync(pageId, s =>
        {
            s.PageName = pull.PageName;
            if (pull.CountsAsSuccessfulPull && (s.LastSuccessfulPull is null || s.LastSuccessfulPull < pull.CapturedAt))
            {
                s.LastSuccessfulPull = pull.CapturedAt.ToUniversalTime();
            }

            if (pull.TokenFingerprint is { } fingerprint)
            {
                s.TokenState = "valid";
                s.TokenProblem = null;
                s.TokenFingerprint = fingerprint;
                s.TokenAlertedOn = null;
            }

            if (pull.Token is { } token)
            {
                s.TokenCheckedAt = pull.At;
                s.TokenExpiresAt = token.ExpiresAt;
                s.DataAccessExpiresAt = token.DataAccessExpiresAt;
                s.TokenScopes = string.Join(',', token.Scopes);
            }

            var rejected = s.RejectedMetricList.Union(pull.RejectedMetrics, StringComparer.Ordinal).ToList();
            if (rejected.Count != s.RejectedMetricList.Count)
            {
                s.RejectedMetrics = string.Join(',', rejected);
                s.RejectedMetricsAt = pull.At;
            }

            if (pull.InsightsThrough is { } through
                && (s.InsightsThrough is null || string.CompareOrdinal(s.InsightsThrough, Day(through)) < 0))
            {
                s.InsightsThrough = Day(through);
            }

            if (pull.Skipped is { } skipped)
            {
                s.LastFailureAt = pull.At;
                s.LastFailure = skipped;
            }

            if (pull.ReadPosts)
            {
                s.PagingStopped = pull.PagingStopped;
            }

            s.ThrottledInARow = 0;
            s.UsagePercent = pull.UsagePercent;
            s.UsageHeader = pull.UsageHeader;
            s.ResumeAfter = pull.ResumeAfter;
            s.ResumeReason = pull.ResumeReason;
            return true;
        }, cancellationToken);
    }

    public Task RecordTokenInvalidAsync(string pageId, string pageName, string problem, string? fingerprint, string failure, DateTimeOffset at, CancellationToken cancellationToken) =>
        UpdateAsync(pageId, s =>
        {
            s.PageName = string.IsNullOrEmpty(s.PageName) ? pageName : s.PageName;
            s.TokenState = "invalid";
            s.TokenProblem = problem;
            s.TokenFingerprint = fingerprint;
            s.LastFailureAt = at;
            s.LastFailure = failure;
            return true;
        }, cancellationToken);

    public async Task<DateTimeOffset> RecordThrottledAsync(
        string pageId, Func<int, TimeSpan> wait, string reason, int? usagePercent, string? usageHeader, DateTimeOffset at, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(wait);
        var updated = await UpdateAsync(pageId, s =>
        {
            var pause = wait(s.ThrottledInARow);
            s.ThrottledInARow++;
            s.ResumeAfter = at + pause;
            s.ResumeReason = reason;
            s.UsagePercent = usagePercent ?? s.UsagePercent;
            s.UsageHeader = usageHeader ?? s.UsageHeader;
            s.LastFailureAt = at;
            s.LastFailure = reason;
            return true;
        }, cancellationToken);
        return updated.ResumeAfter!.Value;
    }

    public Task RecordFailureAsync(string pageId, string pageName, string failure, DateTimeOffset at, CancellationToken cancellationToken) =>
        UpdateAsync(pageId, s =>
        {
            s.PageName = string.IsNullOrEmpty(s.PageName) ? pageName : s.PageName;
            s.LastFailureAt = at;
            s.LastFailure = failure;
            return true;
        }, cancellationToken);

    public Task RecordTokenAlertedAsync(string pageId, DateOnly localDate, CancellationToken cancellationToken) =>
        UpdateAsync(pageId, s =>
        {
            s.TokenAlertedOn = Day(localDate);
            return true;
        }, cancellationToken);

    public async Task<PageStateEntity?> GetAsync(string pageId, CancellationToken cancellationToken)
    {
        await storage.EnsureCreatedAsync(cancellationToken);
        var existing = await storage.Tables.PageState.GetEntityIfExistsAsync<PageStateEntity>(Partition, pageId, cancellationToken: cancellationToken);
        return existing.HasValue ? existing.Value : null;
    }

    /// <summary>
    /// Reads the Page's state, lets <paramref name="change"/> edit it (return false to leave it as it is) and writes
    /// it back if nobody wrote in between; else reads and edits again. Returns the state as stored.
    /// </summary>
    public async Task<PageStateEntity> UpdateAsync(string pageId, Func<PageStateEntity, bool> change, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(change);
        await storage.EnsureCreatedAsync(cancellationToken);
        for (var attempt = 1; ; attempt++)
        {
            var existing = await GetAsync(pageId, cancellationToken);
            var entity = existing ?? new PageStateEntity { PartitionKey = Partition, RowKey = pageId };
            if (!change(entity))
            {
                return entity;
            }

            entity.PageName = masker.Mask(entity.PageName);
            entity.LastFailure = entity.LastFailure is null ? null : masker.Mask(entity.LastFailure);
            entity.ResumeReason = entity.ResumeReason is null ? null : masker.Mask(entity.ResumeReason);
            entity.TokenProblem = entity.TokenProblem is null ? null : masker.Mask(entity.TokenProblem);
            entity.UsageHeader = entity.UsageHeader is null ? null : masker.Mask(entity.UsageHeader);

            try
            {
                if (existing is not null)
                {
                    await storage.Tables.PageState.UpdateEntityAsync(entity, entity.ETag, TableUpdateMode.Replace, cancellationToken);
                }
                else
                {
                    await storage.Tables.PageState.AddEntityAsync(entity, cancellationToken);
                }

                return entity;
            }
            catch (RequestFailedException ex) when (ex.Status is 409 or 412 && attempt < MaxAttempts)
            {
                // Another instance wrote the state at the same time: read again and apply the change to its version.
            }
        }
    }

    public async Task<IReadOnlyList<PageStateEntity>> AllAsync(CancellationToken cancellationToken)
    {
        await storage.EnsureCreatedAsync(cancellationToken);
        var result = new List<PageStateEntity>();
        var filter = TableClient.CreateQueryFilter($"PartitionKey eq {Partition}");
        await foreach (var row in storage.Tables.PageState.QueryAsync<PageStateEntity>(filter, cancellationToken: cancellationToken))
        {
            result.Add(row);
        }

        return result;
    }

    private static string Day(DateOnly date) => DayKey.Of(date);
}

/// <summary>
/// What a pull that read the Page learned, for <see cref="IPageStateStore.RecordPullAsync(string, PullRecord, CancellationToken)"/>:
/// each field null (or false) leaves its column as it is, unless its remark says otherwise.
/// </summary>
public sealed record PullRecord
{
    public required string PageName { get; init; }

    public required DateTimeOffset CapturedAt { get; init; }

    /// <summary>When the pull ran (token check, rejected metrics and failure times).</summary>
    public required DateTimeOffset At { get; init; }

    /// <summary>A regular pull moves <c>LastSuccessfulPull</c> forward; a backfill does not.</summary>
    public bool CountsAsSuccessfulPull { get; init; }

    /// <summary>The fingerprint of the token that worked: the token is marked valid.</summary>
    public string? TokenFingerprint { get; init; }

    /// <summary><c>debug_token</c>'s answer, when the pull asked it.</summary>
    public PulledToken? Token { get; init; }

    /// <summary>Metrics Meta rejected during the pull: joined to the known ones.</summary>
    public IReadOnlyList<string> RejectedMetrics { get; init; } = [];

    /// <summary>The last of Meta's days read by a regular pull: <c>InsightsThrough</c> moves forward to it.</summary>
    public DateOnly? InsightsThrough { get; init; }

    /// <summary>One sentence about malformed items skipped, as the last failure.</summary>
    public string? Skipped { get; init; }

    /// <summary>The pull read posts: <see cref="PagingStopped"/> replaces the stored value (null clears it).</summary>
    public bool ReadPosts { get; init; }

    public string? PagingStopped { get; init; }

    /// <summary>The usage of the pull; replaces the stored one (and resets the throttled pulls in a row).</summary>
    public int UsagePercent { get; init; }

    public string? UsageHeader { get; init; }

    /// <summary>When the Page's pulls resume and why; both replace the stored ones (null: no pause).</summary>
    public DateTimeOffset? ResumeAfter { get; init; }

    public string? ResumeReason { get; init; }
}

/// <summary>The token as <c>debug_token</c> described it.</summary>
public sealed record PulledToken(DateTimeOffset? ExpiresAt, DateTimeOffset? DataAccessExpiresAt, IReadOnlyList<string> Scopes);

public sealed class PageStateEntity : ITableEntity
{
    public string PartitionKey { get; set; } = "";

    public string RowKey { get; set; } = "";

    public DateTimeOffset? Timestamp { get; set; }

    public ETag ETag { get; set; }

    public string PageName { get; set; } = "";

    public DateTimeOffset? LastSuccessfulPull { get; set; }

    /// <summary>"valid", "invalid" (code 190 or debug_token) or empty when unknown.</summary>
    public string TokenState { get; set; } = "";

    /// <summary>What is wrong with the token ("expired", "invalidated by a password change", ...), when invalid.</summary>
    public string? TokenProblem { get; set; }

    /// <summary>
    /// <see cref="TokenStatus.Fingerprint"/> of the token the state was learned with: an invalid token is not
    /// tried again until the configured token changes. The token itself is never stored.
    /// </summary>
    public string? TokenFingerprint { get; set; }

    /// <summary>When <c>debug_token</c> was last asked (once a day).</summary>
    public DateTimeOffset? TokenCheckedAt { get; set; }

    /// <summary>Token expiry from <c>debug_token</c>; null when it never expires (or is unknown).</summary>
    public DateTimeOffset? TokenExpiresAt { get; set; }

    /// <summary>When the token's data access lapses (90 days after the granting user was last active).</summary>
    public DateTimeOffset? DataAccessExpiresAt { get; set; }

    /// <summary>The token's scopes, comma-separated.</summary>
    public string? TokenScopes { get; set; }

    /// <summary>Local date (<see cref="DayKey"/>) Teams was last told the token is invalid: once a day.</summary>
    public string? TokenAlertedOn { get; set; }

    /// <summary>Metrics Meta rejected, comma-separated: not asked for again.</summary>
    public string? RejectedMetrics { get; set; }

    /// <summary>When the last metric joined <see cref="RejectedMetrics"/>.</summary>
    public DateTimeOffset? RejectedMetricsAt { get; set; }

    /// <summary>The Page's pulls are skipped until then (throttling, or slowing down before Meta throttles).</summary>
    public DateTimeOffset? ResumeAfter { get; set; }

    /// <summary>Why <see cref="ResumeAfter"/> is set.</summary>
    public string? ResumeReason { get; set; }

    /// <summary>Throttled pulls in a row: the exponent of the back-off when Meta gives no time.</summary>
    public int ThrottledInARow { get; set; }

    /// <summary>The highest usage percentage of the last pull, and the header that reported it.</summary>
    public int UsagePercent { get; set; }

    public string? UsageHeader { get; set; }

    /// <summary>The last of Meta's days whose insights a pull read (<see cref="DayKey"/>): the next cycle catches up from there.</summary>
    public string? InsightsThrough { get; set; }

    /// <summary>A Page never pulled: when <c>/api/health</c> first saw it, the start of its first-start grace period.</summary>
    public DateTimeOffset? FirstPullExpectedAt { get; set; }

    /// <summary>The last failed pull: when and why (our words with Meta's code and subcode; masked).</summary>
    public DateTimeOffset? LastFailureAt { get; set; }

    public string? LastFailure { get; set; }

    /// <summary>Why the last pull stopped paging the posts early (a repeated link, the page limit); null when it read to the end.</summary>
    public string? PagingStopped { get; set; }

    /// <summary>Whether Teams was told on <paramref name="localDate"/> that the token is invalid.</summary>
    public bool TokenAlertedOnDay(DateOnly localDate) =>
        TokenAlertedOn == DayKey.Of(localDate);

    [System.Runtime.Serialization.IgnoreDataMember]
    public IReadOnlyList<string> RejectedMetricList =>
        (RejectedMetrics ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
}
