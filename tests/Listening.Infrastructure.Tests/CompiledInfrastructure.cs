using System.Text.Json.Nodes;

namespace Listening.Infrastructure.Tests;

/// <summary>
/// Runs `bicep build infra/main.bicep --stdout` and `bicep lint infra/main.bicep` once per test run (each takes
/// seconds) and keeps their output for the tests in <see cref="CompiledInfrastructureGroup"/>.
/// </summary>
public sealed class CompiledInfrastructure : IAsyncLifetime
{
    public const string MainFile = "infra/main.bicep";

    public BicepRun Build { get; private set; } = new(-1, "", "");

    public BicepRun Lint { get; private set; } = new(-1, "", "");

    /// <summary>The compiled main template (subscription scope) with its modules nested.</summary>
    public ArmTemplate Main { get; private set; } = new([]);

    public ArmTemplate FunctionApp => Main.Module("function-app");

    public ArmTemplate Storage => Main.Module("storage");

    public ArmTemplate KeyVault => Main.Module("keyvault");

    public ArmTemplate Rbac => Main.Module("rbac");

    public ArmTemplate Monitoring => Main.Module("monitoring");

    public async Task InitializeAsync()
    {
        Build = await BicepCli.RunAsync(Repository.Root, "build", MainFile, "--stdout");
        Lint = await BicepCli.RunAsync(Repository.Root, "lint", MainFile, "--diagnostics-format", "sarif");
        if (Build.ExitCode == 0 && JsonNode.Parse(Build.StandardOutput) is JsonObject template)
        {
            Main = new ArmTemplate(template);
        }
    }

    public Task DisposeAsync() => Task.CompletedTask;
}

[CollectionDefinition(Name)]
public sealed class CompiledInfrastructureGroup : ICollectionFixture<CompiledInfrastructure>
{
    public const string Name = "Compiled infrastructure";
}
