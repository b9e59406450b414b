using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;

namespace Listening.Core.Tests.Comments;

/// <summary>Page webhook deliveries shaped like Meta's (FACTS.md, "Comments and Page webhooks").</summary>
internal static class WebhookPayloads
{
    public const string PageId = "104857600000001";

    public const string PostId = PageId + "_900000000000001";

    public const string AuthorName = "Erika Mustermann";

    public const string AuthorId = "7000000000000042";

    public static JsonObject Change(string verb, string commentId, string? message = null, string? parentId = null, string? fromId = AuthorId, long created = 1796205600, string item = "comment", string postId = PostId)
    {
        var value = new JsonObject
        {
            ["item"] = item,
            ["verb"] = verb,
            ["comment_id"] = commentId,
            ["post_id"] = postId,
            ["parent_id"] = parentId ?? postId,
            ["created_time"] = created,
        };
        if (message is not null)
        {
            value["message"] = message;
        }

        if (fromId is not null)
        {
            value["from"] = new JsonObject { ["id"] = fromId, ["name"] = fromId == PageId ? "Kreis Musterland" : AuthorName };
        }

        return new JsonObject { ["field"] = "feed", ["value"] = value };
    }

    public static byte[] Delivery(IEnumerable<JsonObject> changes, string pageId = PageId, long time = 1796205660) =>
        Encoding.UTF8.GetBytes(new JsonObject
        {
            ["object"] = "page",
            ["entry"] = new JsonArray(new JsonObject
            {
                ["id"] = pageId,
                ["time"] = time,
                ["changes"] = new JsonArray([.. changes]),
            }),
        }.ToJsonString());

    public static string CommentId(int n) => PostId.Split('_')[1] + "_" + (5000000 + n).ToString(CultureInfo.InvariantCulture);
}
