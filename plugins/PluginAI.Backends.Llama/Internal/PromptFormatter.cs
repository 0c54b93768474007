using System.Text;
using System.Text.Json;
using LLama;
using LLama.Transformers;
using Microsoft.Extensions.AI;

namespace PluginAI.Backends.Llama.Internal;

/// <summary>Turns chat messages into the model's prompt text.</summary>
/// <remarks>
/// llama.cpp applies the template in the model's <c>tokenizer.chat_template</c> when it recognises it (it matches known
/// templates rather than running Jinja). A model with no template, or one llama.cpp does not recognise, gets a plain
/// transcript ("User: ...", "Assistant:"), which any base model can continue.
/// Tool calls in assistant messages are written as the model is asked to write them
/// (<c>&lt;tool_call&gt;{...}&lt;/tool_call&gt;</c>); tool results become user messages ("Tool result (name): ..."), since
/// not every template llama.cpp knows has a tool role.
/// </remarks>
internal sealed class PromptFormatter
{
    // The library's defaults, on one line: a call in the prompt looks like the calls the model is asked to write.
    private static readonly JsonSerializerOptions s_compact = new(AIJsonUtilities.DefaultOptions) { WriteIndented = false };

    private readonly LLamaWeights _weights;

    public PromptFormatter(LLamaWeights weights, string? modelTemplate)
    {
        _weights = weights;
        UsesModelTemplate = modelTemplate is not null && TryApplyModelTemplate([(ChatRole.User, "probe")], out _);
    }

    /// <summary>Gets a value indicating whether the model's own template is used, rather than the plain transcript.</summary>
    public bool UsesModelTemplate { get; }

    /// <summary>The option that makes the user text the literal prompt, without a template (set by <c>/v1/completions</c>).</summary>
    public const string RawPromptKey = "pluginai.raw_prompt";

    /// <summary>Formats the prompt of a request, honouring the raw-prompt option.</summary>
    /// <param name="messages">The conversation.</param>
    /// <param name="options">The request's options; with <see cref="RawPromptKey"/> set to true the messages' text is the prompt as-is.</param>
    /// <param name="toolInstructions">Text describing the tools offered, added to the system message; ignored for a raw prompt.</param>
    public string Format(IEnumerable<ChatMessage> messages, ChatOptions? options, string? toolInstructions = null) =>
        IsRawPrompt(options) ? string.Concat(messages.Select(m => m.Text)) : Format(messages, toolInstructions);

    /// <summary>Formats the conversation with the model's template or the plain transcript.</summary>
    /// <param name="messages">The conversation.</param>
    /// <param name="toolInstructions">Text describing the tools offered, added to the system message (one is added when there is none).</param>
    public string Format(IEnumerable<ChatMessage> messages, string? toolInstructions = null)
    {
        var turns = Turns(messages, toolInstructions);
        if (UsesModelTemplate && TryApplyModelTemplate(turns, out var prompt))
        {
            return prompt;
        }

        var builder = new StringBuilder();
        foreach (var (role, text) in turns)
        {
            builder.Append(RoleLabel(role)).Append(": ").Append(text).Append('\n');
        }

        return builder.Append("Assistant:").ToString();
    }

    /// <summary>Gets a value indicating whether the options ask for the user text as the literal prompt.</summary>
    public static bool IsRawPrompt(ChatOptions? options)
    {
        object? value = null;
        return options?.AdditionalProperties is { } properties
            && properties.TryGetValue(RawPromptKey, out value)
            && value is true or JsonElement { ValueKind: JsonValueKind.True } or "true";
    }

    private static List<(ChatRole Role, string Text)> Turns(IEnumerable<ChatMessage> messages, string? toolInstructions)
    {
        var turns = new List<(ChatRole Role, string Text)>();
        var callNames = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var message in messages)
        {
            var text = new StringBuilder(message.Text);
            var role = message.Role;
            foreach (var content in message.Contents)
            {
                if (content is FunctionCallContent call)
                {
                    callNames[call.CallId] = call.Name;
                    var json = JsonSerializer.Serialize(new Dictionary<string, object?> { ["name"] = call.Name, ["arguments"] = call.Arguments ?? new Dictionary<string, object?>() }, s_compact);
                    text.Append(text.Length > 0 ? "\n" : string.Empty).Append("<tool_call>").Append(json).Append("</tool_call>");
                }
                else if (content is FunctionResultContent result)
                {
                    role = ChatRole.User;
                    var name = callNames.GetValueOrDefault(result.CallId, result.CallId);
                    text.Append(text.Length > 0 ? "\n" : string.Empty).Append("Tool result (").Append(name).Append("): ").Append(ResultText(result.Result));
                }
            }

            if (role == ChatRole.Tool)
            {
                // A tool message without a structured result: still a result, in the user turn every template knows.
                role = ChatRole.User;
                text.Insert(0, "Tool result: ");
            }

            turns.Add((role, text.ToString()));
        }

        if (!string.IsNullOrEmpty(toolInstructions))
        {
            var system = turns.FindIndex(t => t.Role == ChatRole.System);
            if (system >= 0)
            {
                turns[system] = (ChatRole.System, turns[system].Text.Length > 0 ? turns[system].Text + "\n\n" + toolInstructions : toolInstructions);
            }
            else
            {
                turns.Insert(0, (ChatRole.System, toolInstructions));
            }
        }

        return turns;
    }

    private static string ResultText(object? result) => result switch
    {
        null => "null",
        string text => text,
        JsonElement element => element.GetRawText(),
        _ => JsonSerializer.Serialize(result, s_compact.GetTypeInfo(result.GetType())),
    };

    private bool TryApplyModelTemplate(IReadOnlyList<(ChatRole Role, string Text)> messages, out string prompt)
    {
        try
        {
            var template = new LLamaTemplate(_weights.NativeHandle, name: null, strict: true) { AddAssistant = true };
            foreach (var (role, text) in messages)
            {
                template.Add(role.Value, text);
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
        : "User";
}
