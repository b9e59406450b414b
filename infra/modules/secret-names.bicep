// Names of the Key Vault secrets, shared by the module that writes them and the one that references them.

@export()
@description('Key Vault secret that holds the Meta app secret (appsecret_proof).')
var facebookAppSecretName = 'facebook-app-secret'

@export()
@description('Key Vault secret that holds the Teams Workflows webhook URL; its sig= parameter is the credential.')
var teamsWebhookSecretName = 'teams-webhook-url'

@export()
@description('Key Vault secret that holds the verify token Meta sends when the comments webhook api/webhooks/meta is registered.')
var webhookVerifyTokenSecretName = 'facebook-webhook-verify-token'

@export()
@description('Key Vault secret that holds the long-lived access token of one Facebook Page.')
func pageTokenSecretName(pageId string) string => 'page-${pageId}-access-token'
