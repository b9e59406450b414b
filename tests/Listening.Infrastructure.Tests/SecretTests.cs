using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace Listening.Infrastructure.Tests;

[Collection(CompiledInfrastructureGroup.Name)]
public sealed partial class SecretTests(CompiledInfrastructure infra)
{
    private static readonly string[] SecretParameters = ["pageTokens", "facebookAppSecret", "teamsWebhookUrl", "webhookVerifyToken"];

    [Fact]
    public void Key_Vault_authorizes_with_RBAC_only()
    {
        var vault = infra.KeyVault.SingleOfType("Microsoft.KeyVault/vaults")["properties"]!;

        Assert.True(vault["enableRbacAuthorization"]!.GetValue<bool>());
        Assert.Null(vault["accessPolicies"]);
        Assert.True(vault["enableSoftDelete"]!.GetValue<bool>());
    }

    [Theory]
    [InlineData("pageTokens", "secureObject")]
    [InlineData("facebookAppSecret", "securestring")]
    [InlineData("teamsWebhookUrl", "securestring")]
    [InlineData("webhookVerifyToken", "securestring")]
    public void Secrets_come_in_as_secure_parameters_without_a_default_value(string name, string type)
    {
        var parameter = infra.Main.Parameter(name);

        Assert.Equal(type, ArmTemplate.Text(parameter["type"]));
        Assert.True(parameter["defaultValue"] is null || parameter["defaultValue"]!.ToJsonString() is "\"\"" or "{}");
    }

    [Fact]
    public void Secret_values_flow_into_Key_Vault_and_nowhere_else()
    {
        foreach (var (name, _) in infra.Main.Modules.Where(m => m.Name != "keyvault"))
        {
            var parameters = infra.Main.ModuleDeployment(name)["properties"]!["parameters"]!.ToJsonString();
            foreach (var secret in SecretParameters)
            {
                var uses = Regex.Count(parameters, Regex.Escape($"parameters('{secret}')"));
                var onlyTested = Regex.Count(parameters, $@"empty\((coalesce\(tryGet\()?parameters\('{secret}'\)");
                Assert.True(uses == onlyTested, $"Module '{name}' receives the value of secure parameter '{secret}', not just whether it is set.");
            }
        }

        Assert.All(infra.FunctionApp.Parameters, p => Assert.DoesNotContain("secure", ArmTemplate.Text(p.Definition["type"]), StringComparison.OrdinalIgnoreCase));
        Assert.Equal(4, infra.KeyVault.ResourcesOfType("Microsoft.KeyVault/vaults/secrets").Count());
    }

    [Theory]
    [InlineData("Listening__Facebook__AppSecret", "hasFacebookAppSecret")]
    [InlineData("Listening__Teams__WebhookUrl", "hasTeamsWebhook")]
    [InlineData("Listening__Facebook__WebhookVerifyToken", "hasWebhookVerifyToken")]
    public void Secret_settings_are_Key_Vault_references_without_a_version(string setting, string flag)
    {
        var value = ArmTemplate.Text(infra.FunctionApp.Variable("appSettings")[setting]);

        Assert.StartsWith($"[if(parameters('{flag}'), format('@Microsoft.KeyVault(SecretUri={{0}}{{1}})', variables('secretUriPrefix'), ", value, StringComparison.Ordinal);
        Assert.EndsWith("), '')]", value, StringComparison.Ordinal);
        Assert.Equal("[format('{0}secrets/', parameters('keyVaultUri'))]", ArmTemplate.Text(infra.FunctionApp.Variable("secretUriPrefix")));
    }

    [Fact]
    public void Page_tokens_are_Key_Vault_references()
    {
        var pageSettings = ArmTemplate.Text(infra.FunctionApp.Variable("pageSettings"));

        Assert.Contains(
            "format('Listening__Pages__{0}__AccessToken', lambdaVariables('i')), 'value', if(parameters('pages')[lambdaVariables('i')].hasToken, format('@Microsoft.KeyVault(SecretUri={0}{1})', variables('secretUriPrefix'), __bicep.pageTokenSecretName(",
            pageSettings,
            StringComparison.Ordinal);
    }

    [Fact]
    public void No_app_setting_holds_a_literal_credential()
    {
        var settings = infra.FunctionApp.Variable("appSettings").AsObject();

        Assert.All(settings.Where(s => CredentialName().IsMatch(s.Key)), s =>
            Assert.Contains("@Microsoft.KeyVault(", ArmTemplate.Text(s.Value), StringComparison.Ordinal));
        Assert.DoesNotContain(settings, s => s.Key.Equals("AzureWebJobsStorage", StringComparison.OrdinalIgnoreCase));
        Assert.DoesNotContain(settings, s => ArmTemplate.Text(s.Value)?.Contains("AccountKey=", StringComparison.OrdinalIgnoreCase) == true);
    }

    [GeneratedRegex("(Secret|Token|Password|WebhookUrl)$")]
    private static partial Regex CredentialName();
}
