using System.Net;
using System.Net.Http.Headers;
using System.Text;

namespace PluginAI.Registry.Server.Tests;

/// <summary>Pushes whose multipart bodies are broken get a 400 with a reason, never a 500, and the registry keeps serving.</summary>
public sealed class MalformedPushTests
{
    public static TheoryData<string, string, string> Bodies => new()
    {
        // Name, the boundary announced in Content-Type, the body sent.
        { "wrong boundary", "expected-boundary", "--other-boundary\r\nContent-Disposition: form-data; name=\"package\"; filename=\"p.nupkg\"\r\n\r\nPK\u0003\u0004data\r\n--other-boundary--\r\n" },
        { "body cut mid-part", "b0undary", "--b0undary\r\nContent-Disposition: form-data; name=\"package\"; filename=\"p.nupkg\"\r\n\r\nPK\u0003\u0004the package stops here" },
        { "part header over 16 KB", "b0undary", "--b0undary\r\nX-Padding: " + new string('a', 20_000) + "\r\n\r\nPK\r\n--b0undary--\r\n" },
        { "boundary of 10,000 characters", new string('b', 10_000), "--" + new string('b', 10_000) + "\r\n\r\nPK\r\n--" + new string('b', 10_000) + "--\r\n" },
        { "no part at all", "b0undary", "--b0undary--\r\n" },
    };

    [Theory]
    [MemberData(nameof(Bodies))]
    public async Task MalformedMultipartPush_Is400WithAReason(string name, string boundary, string body)
    {
        await using var registry = await TestRegistry.StartAsync();
        var content = new ByteArrayContent(Encoding.Latin1.GetBytes(body));
        content.Headers.ContentType = MediaTypeHeaderValue.Parse($"multipart/form-data; boundary=\"{boundary}\"");

        using var response = await registry.SendAsync(HttpMethod.Put, "api/v2/package", content: content);
        var reason = await response.Content.ReadAsStringAsync();

        Assert.True(response.StatusCode == HttpStatusCode.BadRequest, $"{name}: {(int)response.StatusCode} {reason}");
        Assert.False(string.IsNullOrWhiteSpace(reason), $"{name}: no reason given");
        using var index = await registry.SendAsync(HttpMethod.Get, "v3/index.json");
        Assert.Equal(HttpStatusCode.OK, index.StatusCode);
    }
}
