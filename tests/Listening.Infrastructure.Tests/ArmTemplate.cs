using System.Text.Json.Nodes;

namespace Listening.Infrastructure.Tests;

/// <summary>
/// A compiled ARM template. Bicep writes language version 2.0 (resources by symbolic name) when a file uses
/// user-defined types and 1.0 (a resource array) otherwise; both read the same here.
/// </summary>
public sealed class ArmTemplate(JsonObject root)
{
    public JsonObject Root { get; } = root;

    public IEnumerable<JsonObject> Resources => Root["resources"] switch
    {
        JsonArray list => list.OfType<JsonObject>(),
        JsonObject bySymbol => bySymbol.Select(p => p.Value).OfType<JsonObject>(),
        _ => [],
    };

    public IEnumerable<JsonObject> ResourcesOfType(string type) =>
        Resources.Where(r => string.Equals(Text(r["type"]), type, StringComparison.OrdinalIgnoreCase));

    public JsonObject SingleOfType(string type) => Assert.Single(ResourcesOfType(type));

    /// <summary>The module deployed under <paramref name="deploymentName"/> (its `name:` in Bicep).</summary>
    public JsonObject ModuleDeployment(string deploymentName) =>
        Assert.Single(ResourcesOfType("Microsoft.Resources/deployments"), r => Text(r["name"]) == deploymentName);

    public ArmTemplate Module(string deploymentName) =>
        new(ModuleDeployment(deploymentName)["properties"]!["template"]!.AsObject());

    public IEnumerable<(string Name, ArmTemplate Template)> Modules =>
        ResourcesOfType("Microsoft.Resources/deployments")
            .Select(d => (Text(d["name"]) ?? "", new ArmTemplate(d["properties"]!["template"]!.AsObject())));

    public JsonObject Parameter(string name) =>
        Root["parameters"]?[name]?.AsObject() ?? throw new KeyNotFoundException($"Template has no parameter '{name}'.");

    public IEnumerable<(string Name, JsonObject Definition)> Parameters =>
        (Root["parameters"]?.AsObject() ?? []).Select(p => (p.Key, p.Value!.AsObject()));

    public JsonNode Variable(string name) =>
        Root["variables"]?[name] ?? throw new KeyNotFoundException($"Template has no variable '{name}'.");

    public static string? Text(JsonNode? node) => node is JsonValue value && value.TryGetValue<string>(out var text) ? text : null;
}
