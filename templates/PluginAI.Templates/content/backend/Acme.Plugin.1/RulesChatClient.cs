using System.Runtime.CompilerServices;
using System.Text.RegularExpressions;
using Microsoft.Extensions.AI;

namespace Acme.Plugin._1;

/// <summary>
/// Answers with the reply of the first rule whose keyword the last user message contains, one word per update. With a
/// temperature above 0 the reply is drawn from the rule's replies by the seed, so the same seed gives the same answer.
/// </summary>
internal sealed partial class RulesChatClient(RulesModelFile file, string modelId) : IChatClient
{
    private readonly ChatClientMetadata _metadata = new("pluginai-rules", providerUri: null, defaultModelId: modelId);

    public async Task<ChatResponse> GetResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default) =>
        await GetStreamingResponseAsync(messages, options, cancellationToken).ToChatResponseAsync(cancellationToken).ConfigureAwait(false);

    public async IAsyncEnumerable<ChatResponseUpdate> GetStreamingResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(messages);
        var prompt = messages.LastOrDefault(m => m.Role == ChatRole.User)?.Text ?? string.Empty;
        var words = Word().Matches(Reply(prompt, options)).Select(m => m.Value).ToArray();
        var limit = Math.Min(words.Length, Math.Max(options?.MaxOutputTokens ?? int.MaxValue, 1));
        var responseId = Guid.NewGuid().ToString("N");
        for (var i = 0; i < limit; i++)
        {
            cancellationToken.ThrowIfCancellationRequested();
            await Task.Yield();
            yield return new ChatResponseUpdate(ChatRole.Assistant, words[i]) { ResponseId = responseId, MessageId = responseId, ModelId = modelId };
        }

        cancellationToken.ThrowIfCancellationRequested();
        yield return new ChatResponseUpdate
        {
            Role = ChatRole.Assistant,
            ResponseId = responseId,
            MessageId = responseId,
            ModelId = modelId,
            FinishReason = limit < words.Length ? ChatFinishReason.Length : ChatFinishReason.Stop,
            Contents = [new UsageContent(new UsageDetails { InputTokenCount = Word().Count(prompt), OutputTokenCount = limit, TotalTokenCount = Word().Count(prompt) + limit })],
        };
    }

    public object? GetService(Type serviceType, object? serviceKey = null)
    {
        ArgumentNullException.ThrowIfNull(serviceType);
        return serviceKey is not null ? null
            : serviceType == typeof(ChatClientMetadata) ? _metadata
            : serviceType.IsInstanceOfType(this) ? this
            : null;
    }

    public void Dispose()
    {
    }

    private string Reply(string prompt, ChatOptions? options)
    {
        var rule = file.Rules.FirstOrDefault(r => r.Keyword != "*" && prompt.Contains(r.Keyword, StringComparison.OrdinalIgnoreCase))
            ?? file.Rules.FirstOrDefault(r => r.Keyword == "*");
        if (rule is null)
        {
            return "I have no rule for that.";
        }

        var pick = options?.Temperature is > 0f && rule.Replies.Count > 1
            ? (options.Seed is { } seed ? new Random(unchecked((int)seed)) : Random.Shared).Next(rule.Replies.Count)
            : 0;
        return rule.Replies[pick].Replace("{prompt}", prompt.Trim(), StringComparison.Ordinal);
    }

    [GeneratedRegex(@"\S+\s*")]
    private static partial Regex Word();
}
