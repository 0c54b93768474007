using System.Text;
using System.Text.Json;
using LLama.Native;
using Microsoft.Extensions.AI;

namespace PluginAI.Backends.Llama.Internal.Grammar;

/// <summary>
/// What one request's output must look like: a GBNF grammar for llama.cpp's sampler, the tool instructions for the prompt,
/// and how to read the output back (<see cref="CreateInterpreter"/>).
/// </summary>
/// <remarks>
/// Built from <see cref="ChatOptions.ResponseFormat"/>, <see cref="ChatOptions.Tools"/> and <see cref="ChatOptions.ToolMode"/>.
/// A tool call is written as <c>&lt;tool_call&gt;{"name":"NAME","arguments":{...}}&lt;/tool_call&gt;</c> (the Hermes/Qwen
/// convention, which instruct models are most likely to have seen). Immutable and independent of any context or generation
/// loop, so any loop can apply <see cref="Gbnf"/> and drive the interpreter.
/// </remarks>
internal sealed class OutputConstraint
{
    /// <summary>The error code for tools that cannot be offered as given (an unknown required tool, a tool that is not a function).</summary>
    public const string InvalidToolsErrorCode = "request.invalid-tools";

    /// <summary>The text that opens a tool call in the output.</summary>
    public const string CallStart = "<tool_call>";

    /// <summary>The text that closes a tool call in the output.</summary>
    public const string CallEnd = "</tool_call>";

    private OutputConstraint(string gbnf, string? toolInstructions, bool allowsToolCalls)
    {
        Gbnf = gbnf;
        ToolInstructions = toolInstructions;
        AllowsToolCalls = allowsToolCalls;
    }

    /// <summary>Gets the grammar in llama.cpp's GBNF.</summary>
    public string Gbnf { get; }

    /// <summary>Gets the name of the grammar's root rule.</summary>
    public string RootRule => "root";

    /// <summary>Gets the text that tells the model which tools it has and how to call them; null when no tools are offered.</summary>
    public string? ToolInstructions { get; }

    /// <summary>Gets a value indicating whether the output may contain a tool call.</summary>
    public bool AllowsToolCalls { get; }

    /// <summary>Reads the constraint from a request's options.</summary>
    /// <returns>Null when the output is unconstrained (plain text, no tools or tool mode none).</returns>
    /// <exception cref="PluginException">A schema uses a construct the grammar cannot enforce, or the tools are invalid.</exception>
    public static OutputConstraint? From(ChatOptions? options)
    {
        if (options is null)
        {
            return null;
        }

        var tools = ToolsOf(options);
        var rules = new GbnfBuilder();
        var root = rules.Reserve("root");
        var response = ResponseFormat(rules, options.ResponseFormat);

        if (tools.Count == 0)
        {
            if (response is null)
            {
                return null;
            }

            rules.Define(root, response);
            return new OutputConstraint(rules.ToString(), toolInstructions: null, allowsToolCalls: false);
        }

        var required = options.ToolMode is RequiredChatToolMode { RequiredFunctionName: { } name } ? name : null;
        if (required is not null)
        {
            tools = tools.Where(t => t.Name == required).ToList();
            if (tools.Count == 0)
            {
                throw new PluginException($"The tool choice requires the tool '{required}', which is not among the request's tools; name one of them or choose 'auto'.")
                {
                    ErrorCode = InvalidToolsErrorCode,
                };
            }
        }

        var call = ToolCall(rules, tools);
        if (options.ToolMode is RequiredChatToolMode)
        {
            rules.Define(root, call);
        }
        else
        {
            // Text is told apart from a call by its first character, which the grammar keeps from being '<'.
            var text = response ?? rules.Shared("text", "[^<] .*");
            rules.Define(root, $"{call} | {text}");
        }

        return new OutputConstraint(rules.ToString(), Instructions(tools, options.ToolMode, required), allowsToolCalls: true);
    }

    /// <summary>Gets the grammar for LLamaSharp's sampling pipeline, after checking that llama.cpp parses it for this model.</summary>
    /// <exception cref="PluginException">llama.cpp rejected the grammar (its reason is in the native log).</exception>
    public LLama.Sampling.Grammar ToGrammar(SafeLlamaModelHandle model)
    {
        // A grammar llama.cpp cannot parse would crash the process at the first token; refuse the request instead.
        if (!GbnfValidator.TryParse(model, Gbnf, RootRule))
        {
            throw new PluginException("llama.cpp could not parse the grammar built for this request's response format or tools; the reason is in the native log. This is a defect in the backend; please report it with the request's schema.")
            {
                ErrorCode = "request.grammar-rejected",
            };
        }

        return new LLama.Sampling.Grammar(Gbnf, RootRule);
    }

    /// <summary>Creates the reader of one request's output.</summary>
    public OutputInterpreter CreateInterpreter() => new(AllowsToolCalls);

    private static List<AIFunctionDeclaration> ToolsOf(ChatOptions options)
    {
        if (options.ToolMode is NoneChatToolMode || options.Tools is not { Count: > 0 } tools)
        {
            return [];
        }

        var result = new List<AIFunctionDeclaration>();
        var names = new HashSet<string>(StringComparer.Ordinal);
        foreach (var tool in tools)
        {
            if (tool is not AIFunctionDeclaration function)
            {
                throw new PluginException($"The tool '{tool.Name}' is a {tool.GetType().Name}, which this backend cannot call; offer functions only.")
                {
                    ErrorCode = InvalidToolsErrorCode,
                };
            }

            if (string.IsNullOrEmpty(function.Name) || !names.Add(function.Name))
            {
                throw new PluginException($"The tool name '{function.Name}' is empty or offered twice; give each tool a distinct name.")
                {
                    ErrorCode = InvalidToolsErrorCode,
                };
            }

            result.Add(function);
        }

        return result;
    }

    private static string? ResponseFormat(GbnfBuilder rules, ChatResponseFormat? format)
    {
        if (format is not ChatResponseFormatJson json)
        {
            return null;
        }

        if (json.Schema is not { } schema)
        {
            return rules.Add("response", JsonSchemaConverter.AnyObject(rules));
        }

        var converter = new JsonSchemaConverter(rules, schema, "The JSON schema", JsonSchemaConverter.ResponseFormatErrorCode);
        return rules.Add("response", converter.Convert(schema, "$", "response"));
    }

    private static string ToolCall(GbnfBuilder rules, List<AIFunctionDeclaration> tools)
    {
        var ws = rules.Ws();
        var alternatives = new List<string>();
        foreach (var tool in tools)
        {
            var schema = tool.JsonSchema;
            var converter = new JsonSchemaConverter(rules, schema, $"The parameter schema of tool '{tool.Name}'", JsonSchemaConverter.ToolSchemaErrorCode);
            var arguments = schema.ValueKind == JsonValueKind.Undefined || IsAnyObject(schema)
                ? JsonSchemaConverter.AnyObject(rules)
                : converter.Convert(schema, "$", $"args-{tool.Name}");
            var name = GbnfBuilder.Literal(JsonSerializer.Serialize(tool.Name));
            alternatives.Add(rules.Add(
                $"call-{tool.Name}",
                $"\"{{\" {ws} \"\\\"name\\\"\" {ws} \":\" {ws} {name} {ws} \",\" {ws} \"\\\"arguments\\\"\" {ws} \":\" {ws} {arguments} {ws} \"}}\""));
        }

        return rules.Add("tool-call", $"{GbnfBuilder.Literal(CallStart)} ({string.Join(" | ", alternatives)}) {GbnfBuilder.Literal(CallEnd)}");
    }

    private static bool IsAnyObject(JsonElement schema) =>
        schema.ValueKind == JsonValueKind.Object
        && schema.EnumerateObject().All(p => p.Name is "type" or "description" or "title" or "$schema" or "additionalProperties")
        && (!schema.TryGetProperty("type", out var type) || type is { ValueKind: JsonValueKind.String } && type.GetString() == "object")
        && (!schema.TryGetProperty("additionalProperties", out var additional) || additional.ValueKind != JsonValueKind.False);

    private static string Instructions(List<AIFunctionDeclaration> tools, ChatToolMode? mode, string? required)
    {
        // Kept short: small models have small contexts, and every tool's schema is already spelled out below.
        var text = new StringBuilder("# Tools\n");
        text.Append(mode is RequiredChatToolMode
            ? required is not null ? $"Reply with a call of the tool \"{required}\" and nothing else.\n" : "Reply with one tool call and nothing else.\n"
            : "To use a tool, reply with the call alone; otherwise answer in plain text.\n");
        text.Append("A call is written ").Append(CallStart).Append("{\"name\": \"TOOL_NAME\", \"arguments\": {...}}").Append(CallEnd)
            .Append(", its arguments a JSON object matching the tool's parameter schema. Tools:\n");
        foreach (var tool in tools)
        {
            text.Append("- ").Append(tool.Name);
            if (!string.IsNullOrWhiteSpace(tool.Description))
            {
                text.Append(": ").Append(tool.Description.Trim());
            }

            text.Append(" Parameters: ")
                .Append(tool.JsonSchema.ValueKind == JsonValueKind.Undefined ? "{}" : JsonSerializer.Serialize(tool.JsonSchema))
                .Append('\n');
        }

        return text.ToString();
    }
}
