// Listening on Azure: one resource group with a Flex Consumption function app (.NET 10 isolated), its storage,
// identity, Key Vault and monitoring. Deploy with `azd up` (docs/deploy.md); plain resources only, so
// `bicep build` works offline.
targetScope = 'subscription'

@minLength(1)
@maxLength(64)
@description('Name of the azd environment; names the resource group and seeds the unique resource names.')
param environmentName string

@minLength(1)
@description('Azure region of every resource. Germany West Central keeps the data in Germany.')
@metadata({
  azd: {
    type: 'location'
  }
})
param location string = 'germanywestcentral'

@description('Resource group to create or reuse; empty for rg-<environmentName>.')
param resourceGroupName string = ''

@description('Object id of the person or pipeline that deploys: may rotate secrets and read queues and tables. Empty for none.')
param principalId string = ''

@description('Kind of principalId.')
@allowed([
  'User'
  'ServicePrincipal'
  'Group'
])
param principalType string = 'User'

@description('Application (client) id of the Entra app registration for sign-in; infra/scripts/entra-app.sh creates it.')
@minLength(36)
@maxLength(36)
param authClientId string

@description('Object id of the Entra group whose members may use the app; empty lets every user of the tenant in.')
param allowedGroupId string = ''

@description('Answer to requests without sign-in: RedirectToLoginPage (browsers get the sign-in page) or Return401 (for API-only use).')
@allowed([
  'RedirectToLoginPage'
  'Return401'
])
param unauthenticatedClientAction string = 'RedirectToLoginPage'

@description('The Facebook Pages to watch: numeric Page id and display name. Empty runs the demo Page.')
param pages page[] = []

@description('Long-lived Page access tokens by Page id, e.g. {"123456789012345": "EAAB..."}. Written to Key Vault.')
@secure()
param pageTokens { *: string } = {}

@description('Meta app secret for appsecret_proof. Written to Key Vault; empty to leave it unset.')
@secure()
param facebookAppSecret string = ''

@description('Teams Workflows webhook URL ("When a Teams webhook request is received"). Written to Key Vault; empty for no Teams messages.')
@secure()
param teamsWebhookUrl string = ''

@description('Verify token of the comments webhook (api/webhooks/meta), the same text as in the Meta app\'s webhook settings. Written to Key Vault; empty to leave it unset.')
@secure()
param webhookVerifyToken string = ''

@description('IANA time zone of the summaries\' calendar days.')
param timeZone string = 'Europe/Berlin'

@description('Local hour (0-23) after which the morning digest for yesterday goes out.')
@minValue(0)
@maxValue(23)
param digestHour int = 8

@description('NCRONTAB (UTC, seconds first) of the pull timer: Pages in crisis mode are pulled every run, the others on quarter hours.')
param pullSchedule string = '0 */5 * * * *'

@description('NCRONTAB (UTC) of the digest check; the digest itself goes out once local time passes digestHour.')
param digestSchedule string = '0 5 * * * *'

@description('NCRONTAB (UTC) of the daily retention run.')
param retentionSchedule string = '0 30 3 * * *'

@description('Meta Graph API version.')
param graphApiVersion string = 'v24.0'

@description('Base URL of the Meta Graph API.')
param graphBaseUrl string = 'https://graph.facebook.com'

@description('Prefix of every table name (letters and digits, starting with a letter); empty for none.')
@maxLength(21)
param tablePrefix string = ''

@description('Memory per instance in MB. 512 costs a quarter of 2048 per second of execution.')
@allowed([
  512
  2048
  4096
])
param instanceMemoryMB int = 2048

@description('Upper bound of instances the app scales out to (Flex Consumption accepts 40 to 1000).')
@minValue(40)
@maxValue(1000)
param maximumInstanceCount int = 40

@description('Days Log Analytics keeps logs and telemetry.')
@minValue(30)
@maxValue(730)
param logRetentionInDays int = 30

@description('A Facebook Page the app watches.')
type page = {
  @description('Numeric Page id.')
  id: string

  @description('Display name used in reports.')
  name: string
}

var resourceToken = toLower(uniqueString(subscription().id, environmentName, location))
var tags = {
  'azd-env-name': environmentName
}
var functionAppName = 'func-listening-${resourceToken}'
var deploymentContainerName = 'app-package-${take(functionAppName, 32)}-${take(toLower(uniqueString(functionAppName, resourceToken)), 7)}'
var queueNames = {
  pulls: 'pulls'
  snapshots: 'snapshots'
  notifications: 'notifications'
  comments: 'comments'
}
// 'pagedays' holds what 'rawsnapshots', 'observations', 'summaries' and 'metainsights' held before issue 16; an
// upgrade leaves those tables in place (incremental deployment) for `listening replay` to migrate (docs/deploy.md).
var tableNames = map(
  [
    'pagedays'
    'pagestate'
    'notificationlog'
    'alertstate'
    'poisonlog'
    'pages'
    'instagram'
    'comments'
  ],
  table => '${tablePrefix}${table}'
)

resource rg 'Microsoft.Resources/resourceGroups@2025-04-01' = {
  name: !empty(resourceGroupName) ? resourceGroupName : 'rg-${environmentName}'
  location: location
  tags: tags
}

module identity 'modules/identity.bicep' = {
  name: 'identity'
  scope: rg
  params: {
    name: 'id-listening-${resourceToken}'
    location: location
    tags: tags
  }
}

module storage 'modules/storage.bicep' = {
  name: 'storage'
  scope: rg
  params: {
    name: 'st${resourceToken}'
    location: location
    tags: tags
    deploymentContainerName: deploymentContainerName
    queueNames: [
      queueNames.pulls
      queueNames.snapshots
      queueNames.notifications
      queueNames.comments
    ]
    tableNames: tableNames
  }
}

module monitoring 'modules/monitoring.bicep' = {
  name: 'monitoring'
  scope: rg
  params: {
    logAnalyticsName: 'log-${resourceToken}'
    applicationInsightsName: 'appi-${resourceToken}'
    location: location
    tags: tags
    retentionInDays: logRetentionInDays
  }
}

module keyVault 'modules/keyvault.bicep' = {
  name: 'keyvault'
  scope: rg
  params: {
    name: 'kv-${resourceToken}'
    location: location
    tags: tags
    pageIds: map(pages, p => p.id)
    pageTokens: pageTokens
    facebookAppSecret: facebookAppSecret
    teamsWebhookUrl: teamsWebhookUrl
    webhookVerifyToken: webhookVerifyToken
  }
}

module rbac 'modules/rbac.bicep' = {
  name: 'rbac'
  scope: rg
  params: {
    storageAccountName: storage.outputs.name
    applicationInsightsName: monitoring.outputs.applicationInsightsName
    keyVaultName: keyVault.outputs.name
    appPrincipalId: identity.outputs.principalId
    operatorPrincipalId: principalId
    operatorPrincipalType: principalType
  }
}

module functionApp 'modules/function-app.bicep' = {
  name: 'function-app'
  scope: rg
  params: {
    name: functionAppName
    planName: 'plan-${resourceToken}'
    location: location
    tags: tags
    serviceName: 'functions'
    identityId: identity.outputs.id
    identityClientId: identity.outputs.clientId
    blobEndpoint: storage.outputs.blobEndpoint
    queueEndpoint: storage.outputs.queueEndpoint
    tableEndpoint: storage.outputs.tableEndpoint
    deploymentContainerName: deploymentContainerName
    applicationInsightsConnectionString: monitoring.outputs.applicationInsightsConnectionString
    keyVaultUri: keyVault.outputs.uri
    instanceMemoryMB: instanceMemoryMB
    maximumInstanceCount: maximumInstanceCount
    timeZone: timeZone
    digestHour: digestHour
    schedules: {
      pull: pullSchedule
      digest: digestSchedule
      retention: retentionSchedule
    }
    queueNames: queueNames
    tablePrefix: tablePrefix
    graphBaseUrl: graphBaseUrl
    graphApiVersion: graphApiVersion
    pages: map(pages, p => {
      id: p.id
      name: p.name
      hasToken: !empty(pageTokens[?p.id] ?? '')
    })
    hasFacebookAppSecret: !empty(facebookAppSecret)
    hasTeamsWebhook: !empty(teamsWebhookUrl)
    hasWebhookVerifyToken: !empty(webhookVerifyToken)
    authClientId: authClientId
    allowedGroupId: allowedGroupId
    unauthenticatedClientAction: unauthenticatedClientAction
  }
  // The host needs its storage roles, and Key Vault references their role, from the first start.
  dependsOn: [
    rbac
  ]
}

output AZURE_LOCATION string = location
output AZURE_TENANT_ID string = tenant().tenantId
output AZURE_RESOURCE_GROUP string = rg.name
output AZURE_FUNCTION_APP_NAME string = functionApp.outputs.name
output AZURE_FUNCTION_APP_URL string = functionApp.outputs.url
output AZURE_STORAGE_ACCOUNT_NAME string = storage.outputs.name
output AZURE_KEY_VAULT_NAME string = keyVault.outputs.name
output AZURE_IDENTITY_CLIENT_ID string = identity.outputs.clientId
output AZURE_IDENTITY_PRINCIPAL_ID string = identity.outputs.principalId
output APPLICATIONINSIGHTS_NAME string = monitoring.outputs.applicationInsightsName
