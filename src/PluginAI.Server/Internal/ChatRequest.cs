using System.Text.Json;
using Microsoft.Extensions.AI;

namespace PluginAI.Server.Internal;

/// <summary>A chat or text completion request, read from OpenAI's JSON into Microsoft.Extensions.AI types.</summary>
internal sealed class ChatRequest
{
    /// <summary>The option key that asks a backend to use the user text as the literal prompt, without a chat template.</summary>
    public const string RawPromptKey = "pluginai.raw_prompt";

    private const int MaxStopSequences = 4;
    private const int MaxTools = 128;

    public required string Model { get; init; }

    public required IReadOnlyList<ChatMessage> Messages { get; init; }

    public required ChatOptions Options { get; init; }

    public bool Stream { get; init; }

    public bool IncludeUsage { get; init; }

    public static ChatRequest ParseChat(JsonElement body, PluginAIServerOptions server)
    {
        var model = RequestJson.RequiredString(body, "model", "model");
        var messages = ParseMessages(body);
        var options = ParseOptions(body, server);
        ParseResponseFormat(body, options);
        ParseTools(body, options);
        var (stream, includeUsage) = ParseStream(body);
        return new ChatRequest { Model = model, Messages = messages, Options = options, Stream = stream, IncludeUsage = includeUsage };
    }

    public static ChatRequest ParseCompletion(JsonElement body, PluginAIServerOptions server)
    {
        var model = RequestJson.RequiredString(body, "model", "model");
        if (!RequestJson.TryGet(body, "prompt", out var prompt))
        {
            throw ApiException.BadRequest("prompt", "'prompt' is required.", "missing_required_parameter");
        }

        var text = prompt.ValueKind switch
        {
            JsonValueKind.String => prompt.GetString()!,
            JsonValueKind.Array when prompt.GetArrayLength() == 1 && prompt[0].ValueKind == JsonValueKind.String => prompt[0].GetString()!,
            JsonValueKind.Array => throw ApiException.BadRequest("prompt", "'prompt' must be one string (or an array of one); batches of prompts and token arrays are not supported."),
            _ => throw ApiException.BadRequest("prompt", $"'prompt' must be a string; got {RequestJson.Describe(prompt.ValueKind)}."),
        };

        RequestJson.OptionalInteger(body, "best_of", 1, 1, " (one completion per request)");
        if (RequestJson.OptionalBool(body, "echo", "echo") == true)
        {
            throw ApiException.BadRequest("echo", "'echo' is not supported.");
        }

        var options = ParseOptions(body, server);
        options.AdditionalProperties ??= [];
        options.AdditionalProperties[RawPromptKey] = true;
        var (stream, includeUsage) = ParseStream(body);
        return new ChatRequest { Model = model, Messages = [new ChatMessage(ChatRole.User, text)], Options = options, Stream = stream, IncludeUsage = includeUsage };
    }

    private static (bool Stream, bool IncludeUsage) ParseStream(JsonElement body)
    {
        var stream = RequestJson.OptionalBool(body, "stream", "stream") ?? false;
        var includeUsage = false;
        if (RequestJson.TryGet(body, "stream_options", out var streamOptions))
        {
            if (streamOptions.ValueKind != JsonValueKind.Object)
            {
                throw ApiException.BadRequest("stream_options", "'stream_options' must be an object such as {\"include_usage\": true}.");
            }

            includeUsage = RequestJson.OptionalBool(streamOptions, "include_usage", "stream_options.include_usage") ?? false;
        }

        return (stream, includeUsage);
    }

    private static ChatOptions ParseOptions(JsonElement body, PluginAIServerOptions server)
    {
        var maxTokens = RequestJson.OptionalInteger(body, "max_completion_tokens", 1, server.MaxTokens, $" (this server's cap)")
            ?? RequestJson.OptionalInteger(body, "max_tokens", 1, server.MaxTokens, $" (this server's cap)")
            ?? server.MaxTokens;
        RequestJson.OptionalInteger(body, "n", 1, 1, " (one choice per request)");

        if (RequestJson.OptionalBool(body, "logprobs", "logprobs") == true || RequestJson.TryGet(body, "top_logprobs", out _))
        {
            throw ApiException.BadRequest("logprobs", "'logprobs' is not supported by this server.");
        }

        var options = new ChatOptions
        {
            MaxOutputTokens = (int)maxTokens,
            Temperature = (float?)RequestJson.OptionalNumber(body, "temperature", 0, 2),
            TopP = (float?)RequestJson.OptionalNumber(body, "top_p", 0, 1),
            TopK = (int?)RequestJson.OptionalInteger(body, "top_k", 0, 100_000),
            PresencePenalty = (float?)RequestJson.OptionalNumber(body, "presence_penalty", -2, 2),
            FrequencyPenalty = (float?)RequestJson.OptionalNumber(body, "frequency_penalty", -2, 2),
            Seed = RequestJson.OptionalInteger(body, "seed", long.MinValue, long.MaxValue),
        };

        if (RequestJson.TryGet(body, "stop", out var stop))
        {
            var stops = stop.ValueKind switch
            {
                JsonValueKind.String => [stop.GetString()!],
                JsonValueKind.Array => stop.EnumerateArray().Select((s, i) => s.ValueKind == JsonValueKind.String ? s.GetString()! : throw ApiException.BadRequest("stop", $"'stop[{i}]' must be a string.")).ToList(),
                _ => throw ApiException.BadRequest("stop", "'stop' must be a string or an array of up to 4 strings."),
            };
            if (stops.Count > MaxStopSequences || stops.Any(s => s.Length == 0))
            {
                throw ApiException.BadRequest("stop", $"'stop' must hold 1 to {MaxStopSequences} non-empty strings; got {stops.Count}.");
            }

            options.StopSequences = stops;
        }

        return options;
    }

    private static List<ChatMessage> ParseMessages(JsonElement body)
    {
        if (!RequestJson.TryGet(body, "messages", out var array))
        {
            throw ApiException.BadRequest("messages", "'messages' is required.", "missing_required_parameter");
        }

        if (array.ValueKind != JsonValueKind.Array || array.GetArrayLength() == 0)
        {
            throw ApiException.BadRequest("messages", "'messages' must be a non-empty array of {role, content} objects.");
        }

        var messages = new List<ChatMessage>(array.GetArrayLength());
        var index = 0;
        foreach (var item in array.EnumerateArray())
        {
            var param = $"messages[{index}]";
            if (item.ValueKind != JsonValueKind.Object)
            {
                throw ApiException.BadRequest(param, $"'{param}' must be an object with 'role' and 'content'.");
            }

            var role = RequestJson.RequiredString(item, "role", $"{param}.role");
            messages.Add(role switch
            {
                "system" or "developer" => new ChatMessage(ChatRole.System, Content(item, param, required: true)),
                "user" => new ChatMessage(ChatRole.User, Content(item, param, required: true)),
                "assistant" => Assistant(item, param),
                "tool" => new ChatMessage(ChatRole.Tool, [new FunctionResultContent(RequestJson.RequiredString(item, "tool_call_id", $"{param}.tool_call_id"), Content(item, param, required: true))]),
                _ => throw ApiException.BadRequest($"{param}.role", $"'{param}.role' must be system, developer, user, assistant or tool; got '{role}'."),
            });
            index++;
        }

        return messages;
    }

    private static ChatMessage Assistant(JsonElement item, string param)
    {
        var contents = new List<AIContent>();
        var text = Content(item, param, required: false);
        if (text.Length > 0)
        {
            contents.Add(new TextContent(text));
        }

        if (RequestJson.TryGet(item, "tool_calls", out var calls))
        {
            if (calls.ValueKind != JsonValueKind.Array)
            {
                throw ApiException.BadRequest($"{param}.tool_calls", $"'{param}.tool_calls' must be an array.");
            }

            var i = 0;
            foreach (var call in calls.EnumerateArray())
            {
                var callParam = $"{param}.tool_calls[{i++}]";
                var id = RequestJson.RequiredString(call, "id", $"{callParam}.id");
                if (!RequestJson.TryGet(call, "function", out var function) || function.ValueKind != JsonValueKind.Object)
                {
                    throw ApiException.BadRequest($"{callParam}.function", $"'{callParam}.function' must be an object with 'name' and 'arguments'.");
                }

                var name = RequestJson.RequiredString(function, "name", $"{callParam}.function.name");
                var arguments = RequestJson.OptionalString(function, "arguments", $"{callParam}.function.arguments") ?? "{}";
                contents.Add(new FunctionCallContent(id, name, ParseArguments(arguments, $"{callParam}.function.arguments")));
            }
        }

        return new ChatMessage(ChatRole.Assistant, contents);
    }

    private static Dictionary<string, object?> ParseArguments(string json, string param)
    {
        try
        {
            using var document = JsonDocument.Parse(json);
            if (document.RootElement.ValueKind != JsonValueKind.Object)
            {
                throw ApiException.BadRequest(param, $"'{param}' must be a JSON object in a string.");
            }

            return document.RootElement.EnumerateObject().ToDictionary(p => p.Name, p => (object?)p.Value.Clone());
        }
        catch (JsonException ex)
        {
            throw ApiException.BadRequest(param, $"'{param}' is not valid JSON: {ex.Message}");
        }
    }

    private static string Content(JsonElement item, string param, bool required)
    {
        if (!RequestJson.TryGet(item, "content", out var content))
        {
            return required ? throw ApiException.BadRequest($"{param}.content", $"'{param}.content' is required.", "missing_required_parameter") : string.Empty;
        }

        if (content.ValueKind == JsonValueKind.String)
        {
            return content.GetString()!;
        }

        if (content.ValueKind != JsonValueKind.Array)
        {
            throw ApiException.BadRequest($"{param}.content", $"'{param}.content' must be a string or an array of text parts.");
        }

        var text = new System.Text.StringBuilder();
        var i = 0;
        foreach (var part in content.EnumerateArray())
        {
            var partParam = $"{param}.content[{i++}]";
            var type = part.ValueKind == JsonValueKind.Object ? RequestJson.RequiredString(part, "type", $"{partParam}.type") : null;
            if (type != "text")
            {
                throw ApiException.BadRequest(partParam, $"'{partParam}' must be a text part ({{\"type\": \"text\", \"text\": ...}}); this server's models read text only{(type is null ? string.Empty : $", not '{type}'")}.");
            }

            text.Append(RequestJson.RequiredString(part, "text", $"{partParam}.text"));
        }

        return text.ToString();
    }

    private static void ParseResponseFormat(JsonElement body, ChatOptions options)
    {
        if (!RequestJson.TryGet(body, "response_format", out var format))
        {
            return;
        }

        if (format.ValueKind != JsonValueKind.Object)
        {
            throw ApiException.BadRequest("response_format", "'response_format' must be an object such as {\"type\": \"json_object\"}.");
        }

        var type = RequestJson.RequiredString(format, "type", "response_format.type");
        switch (type)
        {
            case "text":
                return;
            case "json_object":
                options.ResponseFormat = ChatResponseFormat.Json;
                return;
            case "json_schema":
                if (!RequestJson.TryGet(format, "json_schema", out var jsonSchema) || jsonSchema.ValueKind != JsonValueKind.Object)
                {
                    throw ApiException.BadRequest("response_format.json_schema", "'response_format.json_schema' is required: an object with 'name' and 'schema'.", "missing_required_parameter");
                }

                var name = RequestJson.RequiredString(jsonSchema, "name", "response_format.json_schema.name");
                if (!RequestJson.TryGet(jsonSchema, "schema", out var schema) || schema.ValueKind != JsonValueKind.Object)
                {
                    throw ApiException.BadRequest("response_format.json_schema.schema", "'response_format.json_schema.schema' must be a JSON Schema object.");
                }

                options.ResponseFormat = ChatResponseFormat.ForJsonSchema(schema.Clone(), name, RequestJson.OptionalString(jsonSchema, "description", "response_format.json_schema.description"));
                return;
            default:
                throw ApiException.BadRequest("response_format.type", $"'response_format.type' must be text, json_object or json_schema; got '{type}'.");
        }
    }

    private static void ParseTools(JsonElement body, ChatOptions options)
    {
        var tools = new List<AITool>();
        if (RequestJson.TryGet(body, "tools", out var array))
        {
            if (array.ValueKind != JsonValueKind.Array || array.GetArrayLength() > MaxTools)
            {
                throw ApiException.BadRequest("tools", $"'tools' must be an array of up to {MaxTools} function tools.");
            }

            var i = 0;
            foreach (var tool in array.EnumerateArray())
            {
                var param = $"tools[{i++}]";
                var type = tool.ValueKind == JsonValueKind.Object ? RequestJson.RequiredString(tool, "type", $"{param}.type") : null;
                if (type != "function" || !RequestJson.TryGet(tool, "function", out var function) || function.ValueKind != JsonValueKind.Object)
                {
                    throw ApiException.BadRequest(param, $"'{param}' must be {{\"type\": \"function\", \"function\": {{\"name\", \"description\", \"parameters\"}}}}.");
                }

                var name = RequestJson.RequiredString(function, "name", $"{param}.function.name");
                if (name.Length is 0 or > 64 || !name.All(c => char.IsAsciiLetterOrDigit(c) || c is '_' or '-'))
                {
                    throw ApiException.BadRequest($"{param}.function.name", $"'{param}.function.name' must be 1 to 64 letters, digits, '_' or '-'; got '{name}'.");
                }

                if (tools.Any(t => t.Name == name))
                {
                    throw ApiException.BadRequest($"{param}.function.name", $"Two tools are named '{name}'; tool names must be unique.");
                }

                JsonElement parameters;
                if (RequestJson.TryGet(function, "parameters", out var given))
                {
                    if (given.ValueKind != JsonValueKind.Object)
                    {
                        throw ApiException.BadRequest($"{param}.function.parameters", $"'{param}.function.parameters' must be a JSON Schema object.");
                    }

                    parameters = given.Clone();
                }
                else
                {
                    using var empty = JsonDocument.Parse("""{"type":"object","properties":{}}""");
                    parameters = empty.RootElement.Clone();
                }

                tools.Add(AIFunctionFactory.CreateDeclaration(name, RequestJson.OptionalString(function, "description", $"{param}.function.description"), parameters));
            }
        }

        if (tools.Count > 0)
        {
            options.Tools = tools;
        }

        if (!RequestJson.TryGet(body, "tool_choice", out var choice))
        {
            options.ToolMode = tools.Count > 0 ? ChatToolMode.Auto : null;
            return;
        }

        if (choice.ValueKind == JsonValueKind.String)
        {
            options.ToolMode = choice.GetString() switch
            {
                "none" => ChatToolMode.None,
                "auto" => ChatToolMode.Auto,
                "required" when tools.Count > 0 => ChatToolMode.RequireAny,
                "required" => throw ApiException.BadRequest("tool_choice", "'tool_choice' is 'required' but no 'tools' are given."),
                var other => throw ApiException.BadRequest("tool_choice", $"'tool_choice' must be none, auto, required or {{\"type\": \"function\", \"function\": {{\"name\": ...}}}}; got '{other}'."),
            };
            return;
        }

        if (choice.ValueKind == JsonValueKind.Object && RequestJson.TryGet(choice, "function", out var named) && named.ValueKind == JsonValueKind.Object)
        {
            var name = RequestJson.RequiredString(named, "name", "tool_choice.function.name");
            options.ToolMode = tools.Any(t => t.Name == name)
                ? ChatToolMode.RequireSpecific(name)
                : throw ApiException.BadRequest("tool_choice.function.name", $"'tool_choice' names the function '{name}', which is not among 'tools'.");
            return;
        }

        throw ApiException.BadRequest("tool_choice", "'tool_choice' must be none, auto, required or {\"type\": \"function\", \"function\": {\"name\": ...}}.");
    }
}
