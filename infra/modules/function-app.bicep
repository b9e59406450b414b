// The Flex Consumption plan and the function app: .NET 10 isolated, identity-based host storage, every
// setting the code reads (same names as local.settings.sample.json, ':' written '__'), secrets as Key Vault
// references, and App Service authentication with the Microsoft identity provider.
import { facebookAppSecretName, pageTokenSecretName, teamsWebhookSecretName, webhookVerifyTokenSecretName } from 'secret-names.bicep'

@description('Name of the function app; also its host name <name>.azurewebsites.net.')
param name string

@description('Name of the Flex Consumption plan.')
param planName string

@description('Azure region of the plan and the app.')
param location string

@description('Tags for the plan and the app.')
param tags { *: string }

@description('azd service name from azure.yaml; azd finds the app to deploy to by this tag.')
param serviceName string

@description('Resource id of the user-assigned identity.')
param identityId string

@description('Client id of the user-assigned identity.')
param identityClientId string

@description('Primary blob endpoint of the storage account, ending in a slash.')
param blobEndpoint string

@description('Primary queue endpoint of the storage account, ending in a slash.')
param queueEndpoint string

@description('Primary table endpoint of the storage account, ending in a slash.')
param tableEndpoint string

@description('Blob container that holds the deployment package.')
param deploymentContainerName string

@description('Connection string of Application Insights (carries no credential: local authentication is off).')
param applicationInsightsConnectionString string

@description('URI of the Key Vault, ending in a slash.')
param keyVaultUri string

@description('Memory of each instance in MB; billing is per GB-second of this size.')
@allowed([
  512
  2048
  4096
])
param instanceMemoryMB int

@description('Upper bound of instances the app scales out to.')
@minValue(40)
@maxValue(1000)
param maximumInstanceCount int

@description('IANA time zone whose calendar days the summaries use.')
param timeZone string

@description('Local hour (0-23) after which the morning digest goes out.')
@minValue(0)
@maxValue(23)
param digestHour int

@description('NCRONTAB schedules (UTC, six fields) of the timer functions.')
param schedules {
  pull: string
  digest: string
  retention: string
}

@description('Queue names the functions read and write.')
param queueNames {
  pulls: string
  snapshots: string
  notifications: string
  comments: string
}

@description('Prefix of every table name; empty for none.')
param tablePrefix string

@description('Base URL of the Meta Graph API.')
param graphBaseUrl string

@description('Meta Graph API version, e.g. v24.0.')
param graphApiVersion string

@description('The Pages to watch; hasToken says whether Key Vault holds its access token.')
param pages {
  id: string
  name: string
  hasToken: bool
}[]

@description('Whether Key Vault holds the Meta app secret.')
param hasFacebookAppSecret bool

@description('Whether Key Vault holds the Teams webhook URL.')
param hasTeamsWebhook bool

@description('Whether Key Vault holds the verify token of the comments webhook.')
param hasWebhookVerifyToken bool

@description('Application (client) id of the Entra app registration that signs users in.')
param authClientId string

@description('Object id of the Entra group whose members may sign in; empty lets every user of the tenant in.')
param allowedGroupId string

@description('What App Service authentication answers a request without a session or token.')
@allowed([
  'RedirectToLoginPage'
  'Return401'
])
param unauthenticatedClientAction string

var secretUriPrefix = '${keyVaultUri}secrets/'

// The infrastructure tests read this variable and pageSettings from the compiled template: keep every setting
// the code reads in one of the two.
var appSettings = {
  AzureWebJobsStorage__credential: 'managedidentity'
  AzureWebJobsStorage__clientId: identityClientId
  AzureWebJobsStorage__blobServiceUri: blobEndpoint
  AzureWebJobsStorage__queueServiceUri: queueEndpoint
  AzureWebJobsStorage__tableServiceUri: tableEndpoint
  APPLICATIONINSIGHTS_CONNECTION_STRING: applicationInsightsConnectionString
  APPLICATIONINSIGHTS_AUTHENTICATION_STRING: 'ClientId=${identityClientId};Authorization=AAD'
  // App Service authentication proves itself to Entra ID with this identity instead of a client secret.
  OVERRIDE_USE_MI_FIC_ASSERTION_CLIENTID: identityClientId
  WEBSITE_AUTH_AAD_ALLOWED_TENANTS: tenant().tenantId
  Listening__TimeZone: timeZone
  Listening__DigestHour: string(digestHour)
  Listening__PublicBaseUrl: 'https://${name}.azurewebsites.net'
  PullSchedule: schedules.pull
  DigestSchedule: schedules.digest
  RetentionSchedule: schedules.retention
  PullsQueue: queueNames.pulls
  SnapshotsQueue: queueNames.snapshots
  NotificationsQueue: queueNames.notifications
  CommentsQueue: queueNames.comments
  Listening__Tables__Prefix: tablePrefix
  Listening__Facebook__GraphBaseUrl: graphBaseUrl
  // The Page registry (listening pages add) reads its Pages' tokens from this vault with the app's identity.
  Listening__PageRegistry__KeyVaultUri: keyVaultUri
  Listening__Facebook__ApiVersion: graphApiVersion
  Listening__Facebook__AppSecret: hasFacebookAppSecret
    ? '@Microsoft.KeyVault(SecretUri=${secretUriPrefix}${facebookAppSecretName})'
    : ''
  Listening__Facebook__WebhookVerifyToken: hasWebhookVerifyToken
    ? '@Microsoft.KeyVault(SecretUri=${secretUriPrefix}${webhookVerifyTokenSecretName})'
    : ''
  Listening__Teams__WebhookUrl: hasTeamsWebhook
    ? '@Microsoft.KeyVault(SecretUri=${secretUriPrefix}${teamsWebhookSecretName})'
    : ''
  Listening__Access__RequireSignIn: 'true'
}

var pageSettings = toObject(
  flatten(map(range(0, length(pages)), i => [
    {
      key: 'Listening__Pages__${i}__Id'
      value: pages[i].id
    }
    {
      key: 'Listening__Pages__${i}__Name'
      value: pages[i].name
    }
    {
      key: 'Listening__Pages__${i}__AccessToken'
      value: pages[i].hasToken
        ? '@Microsoft.KeyVault(SecretUri=${secretUriPrefix}${pageTokenSecretName(pages[i].id)})'
        : ''
    }
  ])),
  entry => entry.key,
  entry => entry.value
)

resource plan 'Microsoft.Web/serverfarms@2025-03-01' = {
  name: planName
  location: location
  tags: tags
  kind: 'functionapp'
  sku: {
    tier: 'FlexConsumption'
    name: 'FC1'
  }
  properties: {
    reserved: true
  }
}

resource site 'Microsoft.Web/sites@2025-03-01' = {
  name: name
  location: location
  tags: union(tags, { 'azd-service-name': serviceName })
  kind: 'functionapp,linux'
  identity: {
    type: 'UserAssigned'
    userAssignedIdentities: {
      '${identityId}': {}
    }
  }
  properties: {
    serverFarmId: plan.id
    httpsOnly: true
    keyVaultReferenceIdentity: identityId
    // Only app settings here: Flex Consumption takes runtime, scale and deployment from functionAppConfig and
    // deprecates most siteConfig properties (see "Flex Consumption plan deprecations").
    siteConfig: {
      appSettings: map(items(union(appSettings, pageSettings)), setting => {
        name: setting.key
        value: setting.value
      })
    }
    functionAppConfig: {
      deployment: {
        storage: {
          type: 'blobContainer'
          value: '${blobEndpoint}${deploymentContainerName}'
          authentication: {
            type: 'UserAssignedIdentity'
            userAssignedIdentityResourceId: identityId
          }
        }
      }
      scaleAndConcurrency: {
        instanceMemoryMB: instanceMemoryMB
        maximumInstanceCount: maximumInstanceCount
      }
      runtime: {
        name: 'dotnet-isolated'
        version: '10.0'
      }
    }
  }
}

resource authentication 'Microsoft.Web/sites/config@2025-03-01' = {
  parent: site
  name: 'authsettingsV2'
  properties: {
    platform: {
      enabled: true
    }
    globalValidation: {
      requireAuthentication: true
      unauthenticatedClientAction: unauthenticatedClientAction
      redirectToProvider: 'azureactivedirectory'
      // Probes and uptime checks reach /api/health without a token; it reports nothing secret. Meta calls the
      // webhook without a sign-in: it checks Meta's verify token (GET) and signature (POST) itself.
      excludedPaths: [
        '/api/health'
        '/api/webhooks/meta'
      ]
    }
    httpSettings: {
      requireHttps: true
      routes: {
        apiPrefix: '/.auth'
      }
      forwardProxy: {
        convention: 'NoProxy'
      }
    }
    login: {
      tokenStore: {
        enabled: false
      }
    }
    identityProviders: {
      azureActiveDirectory: {
        enabled: true
        registration: {
          clientId: authClientId
          clientSecretSettingName: 'OVERRIDE_USE_MI_FIC_ASSERTION_CLIENTID'
          openIdIssuer: '${environment().authentication.loginEndpoint}${tenant().tenantId}/v2.0'
        }
        validation: {
          allowedAudiences: [
            'api://${authClientId}'
            authClientId
          ]
          jwtClaimChecks: empty(allowedGroupId)
            ? {}
            : {
                allowedGroups: [
                  allowedGroupId
                ]
              }
        }
        login: {
          disableWWWAuthenticate: false
        }
      }
    }
  }
}

output name string = site.name
output url string = 'https://${site.properties.defaultHostName}'
