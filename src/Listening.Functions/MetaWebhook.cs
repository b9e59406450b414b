using Listening.Core.Meta;
using Listening.Core.Pipeline.Api;
using Listening.Core.Pipeline.Webhooks;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;

namespace Listening.Functions;

/// <summary>
/// GET/POST /api/webhooks/meta: Meta's webhook for the Pages' <c>feed</c> (comments). Anonymous at the host and
/// excluded from the built-in sign-in, because Meta calls it: a GET must carry the verify token, a POST Meta's
/// signature over the raw body (<see cref="MetaWebhookEndpoint"/>). Not in <see cref="ApiRoutes.All"/>: that list is
/// what <c>listening serve</c> maps, GET routes people read; Meta cannot reach a local serve, and the webhook is POST.
/// </summary>
public sealed class MetaWebhook(MetaWebhookEndpoint endpoint)
{
    [Function(nameof(MetaWebhook))]
    public async Task<IActionResult> Run(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", "post", Route = "webhooks/meta")] HttpRequest request,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        var answer = HttpMethods.IsPost(request.Method)
            ? await endpoint.ReceiveAsync(request.Body, request.ContentLength, request.Headers[WebhookSignature.Header].FirstOrDefault(), cancellationToken)
            : endpoint.Verify(request.Query["hub.mode"].FirstOrDefault(), request.Query["hub.verify_token"].FirstOrDefault(), request.Query["hub.challenge"].FirstOrDefault());
        return HttpAnswers.ToResult(ListeningApi.Summary(answer), request);
    }
}
