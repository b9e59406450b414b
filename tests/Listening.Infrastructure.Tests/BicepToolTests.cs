using System.Text.Json.Nodes;

namespace Listening.Infrastructure.Tests;

[Collection(CompiledInfrastructureGroup.Name)]
public sealed class BicepToolTests(CompiledInfrastructure infra)
{
    [Fact]
    public void Bicep_build_succeeds_without_warnings()
    {
        Assert.True(infra.Build.ExitCode == 0, $"bicep build failed:\n{infra.Build.StandardError}");
        Assert.True(string.IsNullOrWhiteSpace(infra.Build.StandardError), $"bicep build reported:\n{infra.Build.StandardError}");
        Assert.NotEmpty(infra.Main.Resources);
    }

    [Fact]
    public void Bicep_lint_reports_nothing()
    {
        Assert.True(infra.Lint.ExitCode == 0, $"bicep lint failed:\n{infra.Lint.StandardError}{infra.Lint.StandardOutput}");
        var sarif = JsonNode.Parse(infra.Lint.StandardOutput)!;
        var findings = sarif["runs"]!.AsArray()
            .SelectMany(run => run!["results"]?.AsArray() ?? [])
            .Select(result => $"{result!["ruleId"]}: {result["message"]?["text"]} ({result["locations"]?[0]?["physicalLocation"]?["artifactLocation"]?["uri"]})")
            .ToList();

        Assert.True(findings.Count == 0, "bicep lint:\n" + string.Join('\n', findings));
    }

    [Fact]
    public void Bicep_config_only_tightens_the_default_rules()
    {
        var config = JsonNode.Parse(File.ReadAllText(Repository.PathOf("infra", "bicepconfig.json")))!;
        var core = config["analyzers"]!["core"]!;
        var rules = core["rules"]!.AsObject();

        Assert.NotEqual(false, core["enabled"]?.GetValue<bool>());
        Assert.All(rules, rule => Assert.Contains(ArmTemplate.Text(rule.Value!["level"]), new[] { "warning", "error" }));
    }

    [Fact]
    public void Infrastructure_uses_no_registry_modules()
    {
        var sources = Directory.EnumerateFiles(Repository.PathOf("infra"), "*.bicep", SearchOption.AllDirectories).ToList();

        Assert.NotEmpty(sources);
        Assert.All(sources, file => Assert.DoesNotContain("'br/", File.ReadAllText(file), StringComparison.Ordinal));
        Assert.All(sources, file => Assert.DoesNotContain("'br:", File.ReadAllText(file), StringComparison.Ordinal));
    }
}
