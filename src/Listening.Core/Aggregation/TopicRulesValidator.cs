using Listening.Core.Configuration;
using Microsoft.Extensions.Options;

namespace Listening.Core.Aggregation;

/// <summary>
/// The start-up check of the configured topic rules (<c>Listening:Topics:Rules</c>): names given and unique, keywords
/// that can match. It lives beside <see cref="TopicRules"/>, whose normalization decides what can match.
/// </summary>
public sealed class TopicRulesValidator : IValidateOptions<ListeningOptions>
{
    public ValidateOptionsResult Validate(string? name, ListeningOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var problems = TopicRules.Problems(options.Topics).ToList();
        return problems.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(problems);
    }
}
