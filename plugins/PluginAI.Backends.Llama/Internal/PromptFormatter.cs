using System.Text;
using LLama;
using LLama.Transformers;
using Microsoft.Extensions.AI;

namespace PluginAI.Backends.Llama.Internal;

/// <summary>Turns chat messages into the model's prompt text.</summary>
/// <remarks>
/// llama.cpp applies the template in the model's <c>tokenizer.chat_template</c> when it recognises it (it matches known
/// templates rather than running Jinja). A model with no template, or one llama.cpp does not recognise, gets a plain
/// transcript ("User: ...", "Assistant:"), which any base model can continue.
/// </remarks>
internal sealed class PromptFormatter
{
    private readonly LLamaWeights _weights;

    public PromptFormatter(LLamaWeights weights, string? modelTemplate)
    {
        _weights = weights;
        UsesModelTemplate = modelTemplate is not null && TryApplyModelTemplate([new ChatMessage(ChatRole.User, "probe")], out _);
    }

    /// <summary>Gets a value indicating whether the model's own template is used, rather than the plain transcript.</summary>
    public bool UsesModelTemplate { get; }

    public string Format(IEnumerable<ChatMessage> messages)
    {
        var list = messages as IReadOnlyList<ChatMessage> ?? [.. messages];
        if (UsesModelTemplate && TryApplyModelTemplate(list, out var prompt))
        {
            return prompt;
        }

        var builder = new StringBuilder();
        foreach (var message in list)
        {
            builder.Append(RoleLabel(message.Role)).Append(": ").Append(message.Text).Append('\n');
        }

        return builder.Append("Assistant:").ToString();
    }

    private bool TryApplyModelTemplate(IReadOnlyList<ChatMessage> messages, out string prompt)
    {
        try
        {
            var template = new LLamaTemplate(_weights.NativeHandle, name: null, strict: true) { AddAssistant = true };
            foreach (var message in messages)
            {
                template.Add(message.Role.Value, message.Text);
            }

            prompt = PromptTemplateTransformer.ToModelPrompt(template);
            return true;
        }
        catch (Exception ex) when (ex is LLama.Exceptions.RuntimeError or InvalidOperationException or ArgumentException)
        {
            prompt = string.Empty;
            return false;
        }
    }

    private static string RoleLabel(ChatRole role) =>
        role == ChatRole.System ? "System"
        : role == ChatRole.Assistant ? "Assistant"
        : role == ChatRole.Tool ? "Tool"
        : "User";
}
