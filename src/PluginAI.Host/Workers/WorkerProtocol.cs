using System.Runtime.InteropServices;
using System.Text.Json;
using System.Text.Json.Serialization;
using System.Text.Json.Serialization.Metadata;
using Microsoft.Extensions.AI;
using PluginAI.Backends;
using PluginAI.Hardware;
using PluginAI.Licensing;
using PluginAI.Processing;
using PluginAI.Retrieval;
using StreamJsonRpc;
using StreamJsonRpc.Protocol;

namespace PluginAI.Host.Workers;

/// <summary>
/// The wire between a host and a plugin worker: JSON-RPC 2.0 (StreamJsonRpc) over a Unix domain socket, one connection
/// per worker, with the contract data as JSON. Streams are JSON-RPC enumerables read ahead by the worker; cancelling a
/// call or disposing a stream cancels the worker's work.
/// </summary>
internal static class WorkerProtocol
{
    /// <summary>The protocol version; a worker of another version is refused at the handshake.</summary>
    public const int Version = 1;

    /// <summary>The JSON-RPC error code of a failure raised by the plugin (or the worker) on the worker's side.</summary>
    public const int RemoteErrorCode = -32050;

    /// <summary>How many stream items the worker reads ahead of the host, so that one round trip carries many.</summary>
    public const int ReadAhead = 64;

    public static JsonSerializerOptions Json { get; } = CreateJson();

    public static JsonRpc Connect(Stream stream, object? target)
    {
        var formatter = new SystemTextJsonFormatter { JsonSerializerOptions = Json };
        var handler = new LengthHeaderMessageHandler(stream, stream, formatter);
        var rpc = new WorkerJsonRpc(handler);
        if (target is not null)
        {
            rpc.AddLocalRpcTarget(target, new JsonRpcTargetOptions { DisposeOnDisconnect = false });
        }

        return rpc;
    }

    public static byte[] ToBytes(ReadOnlyMemory<float> vector) => MemoryMarshal.AsBytes(vector.Span).ToArray();

    public static float[] ToFloats(byte[] bytes) => MemoryMarshal.Cast<byte, float>(bytes).ToArray();

    private static JsonSerializerOptions CreateJson()
    {
        var options = new JsonSerializerOptions(JsonSerializerDefaults.Web)
        {
            TypeInfoResolver = JsonTypeInfoResolver.Combine(PluginAIJson.Options.TypeInfoResolver, AIJsonUtilities.DefaultOptions.TypeInfoResolver, new DefaultJsonTypeInfoResolver()),
            DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
        };
        options.Converters.Add(new JsonStringEnumConverter());
        options.AddAIContentType<PostprocessorFindingContent>("pluginai.finding");
        options.MakeReadOnly();
        return options;
    }

    /// <summary>Reads the error data of <see cref="RemoteErrorCode"/> as a <see cref="WireError"/>.</summary>
    private sealed class WorkerJsonRpc(IJsonRpcMessageHandler handler) : JsonRpc(handler)
    {
        protected override Type? GetErrorDetailsDataType(JsonRpcError error) =>
            error.Error?.Code == (JsonRpcErrorCode)RemoteErrorCode ? typeof(WireError) : base.GetErrorDetailsDataType(error);
    }
}

/// <summary>What the host tells a worker to load, written to a file the worker reads at start.</summary>
internal sealed record WorkerStartInfo
{
    public required int ProtocolVersion { get; init; }

    public required string PluginId { get; init; }

    public required string ManifestPath { get; init; }

    public required string EntryFolder { get; init; }

    public required string EntryAssembly { get; init; }

    public required string EntryType { get; init; }

    public required string DataDirectory { get; init; }

    public string? Variant { get; init; }

    public required HardwareProfile Hardware { get; init; }

    public required PluginLicense License { get; init; }

    public required string SocketPath { get; init; }

    public required int ParentProcessId { get; init; }
}

/// <summary>The worker's answer to the handshake: who it is and what the plugin registered, or why it could not load it.</summary>
internal sealed record WorkerHello
{
    public required int ProtocolVersion { get; init; }

    public required string PluginId { get; init; }

    public required int ProcessId { get; init; }

    public string? Error { get; init; }

    public BackendMetadata[] Backends { get; init; } = [];

    public PreprocessorMetadata[] Preprocessors { get; init; } = [];

    public PostprocessorMetadata[] Postprocessors { get; init; } = [];

    public RetrieverMetadata[] Retrievers { get; init; } = [];
}

/// <summary>A model loaded in a worker: its handle there and what the host's proxy offers.</summary>
internal sealed record WireModel
{
    public required int Handle { get; init; }

    public required ModelMetadata Metadata { get; init; }

    public bool Chat { get; init; }

    public string? ChatProvider { get; init; }

    public bool Embeddings { get; init; }

    public string? EmbeddingProvider { get; init; }

    public int? EmbeddingDimensions { get; init; }

    public bool TokenCounter { get; init; }
}

/// <summary>A failure on the worker's side, carried back so that the host rethrows what the plugin threw.</summary>
internal sealed record WireError
{
    public required string Type { get; init; }

    public required string Message { get; init; }

    public string? ErrorCode { get; init; }

    public string? FilePath { get; init; }
}

/// <summary>
/// <see cref="ChatOptions"/> as data: tools travel as declarations (name, description, parameter schema), since a
/// function's code stays with the caller; the caller invokes what the model asks for, as with any remote model.
/// </summary>
internal sealed record WireChatOptions
{
    public string? ModelId { get; init; }

    public float? Temperature { get; init; }

    public float? TopP { get; init; }

    public int? TopK { get; init; }

    public int? MaxOutputTokens { get; init; }

    public long? Seed { get; init; }

    public float? FrequencyPenalty { get; init; }

    public float? PresencePenalty { get; init; }

    public string[]? StopSequences { get; init; }

    /// <summary>Gets <c>text</c>, <c>json</c> or null.</summary>
    public string? ResponseFormat { get; init; }

    public JsonElement? ResponseSchema { get; init; }

    public string? ResponseSchemaName { get; init; }

    public string? ResponseSchemaDescription { get; init; }

    /// <summary>Gets <c>auto</c>, <c>none</c>, <c>required</c> or null.</summary>
    public string? ToolMode { get; init; }

    public string? RequiredFunction { get; init; }

    public WireTool[]? Tools { get; init; }

    public bool? AllowMultipleToolCalls { get; init; }

    public Dictionary<string, JsonElement>? AdditionalProperties { get; init; }

    public static WireChatOptions? From(ChatOptions? options)
    {
        if (options is null)
        {
            return null;
        }

        return new WireChatOptions
        {
            ModelId = options.ModelId,
            Temperature = options.Temperature,
            TopP = options.TopP,
            TopK = options.TopK,
            MaxOutputTokens = options.MaxOutputTokens,
            Seed = options.Seed,
            FrequencyPenalty = options.FrequencyPenalty,
            PresencePenalty = options.PresencePenalty,
            StopSequences = options.StopSequences is { } stops ? [.. stops] : null,
            ResponseFormat = options.ResponseFormat switch
            {
                ChatResponseFormatJson => "json",
                ChatResponseFormatText => "text",
                _ => null,
            },
            ResponseSchema = (options.ResponseFormat as ChatResponseFormatJson)?.Schema,
            ResponseSchemaName = (options.ResponseFormat as ChatResponseFormatJson)?.SchemaName,
            ResponseSchemaDescription = (options.ResponseFormat as ChatResponseFormatJson)?.SchemaDescription,
            ToolMode = options.ToolMode switch
            {
                NoneChatToolMode => "none",
                RequiredChatToolMode => "required",
                AutoChatToolMode => "auto",
                _ => null,
            },
            RequiredFunction = (options.ToolMode as RequiredChatToolMode)?.RequiredFunctionName,
            Tools = options.Tools is { Count: > 0 } tools
                ? [.. tools.Select(t => t is AIFunctionDeclaration f
                    ? new WireTool(f.Name, f.Description, f.JsonSchema)
                    : throw new PluginException($"The tool '{t.Name}' is a {t.GetType().Name}, which cannot be sent to a plugin worker; offer functions only."))]
                : null,
            AllowMultipleToolCalls = options.AllowMultipleToolCalls,
            AdditionalProperties = options.AdditionalProperties is { Count: > 0 } extra
                ? extra.ToDictionary(p => p.Key, p => JsonSerializer.SerializeToElement(p.Value, WorkerProtocol.Json))
                : null,
        };
    }

    public ChatOptions ToOptions()
    {
        var options = new ChatOptions
        {
            ModelId = ModelId,
            Temperature = Temperature,
            TopP = TopP,
            TopK = TopK,
            MaxOutputTokens = MaxOutputTokens,
            Seed = Seed,
            FrequencyPenalty = FrequencyPenalty,
            PresencePenalty = PresencePenalty,
            StopSequences = StopSequences is { } stops ? [.. stops] : null,
            ResponseFormat = ResponseFormat switch
            {
                "json" => ResponseSchema is { } schema ? ChatResponseFormat.ForJsonSchema(schema, ResponseSchemaName, ResponseSchemaDescription) : ChatResponseFormat.Json,
                "text" => ChatResponseFormat.Text,
                _ => null,
            },
            ToolMode = ToolMode switch
            {
                "none" => ChatToolMode.None,
                "required" => RequiredFunction is { } name ? ChatToolMode.RequireSpecific(name) : ChatToolMode.RequireAny,
                "auto" => ChatToolMode.Auto,
                _ => null,
            },
            Tools = Tools is { } tools ? [.. tools.Select(t => (AITool)AIFunctionFactory.CreateDeclaration(t.Name, t.Description, t.Schema))] : null,
            AllowMultipleToolCalls = AllowMultipleToolCalls,
        };
        if (AdditionalProperties is { } extra)
        {
            options.AdditionalProperties = [];
            foreach (var (key, value) in extra)
            {
                options.AdditionalProperties[key] = Plain(value);
            }
        }

        return options;
    }

    /// <summary>Gives back a JSON value as the plain .NET value it was sent as, for the values option bags hold.</summary>
    public static object? Plain(JsonElement value) => value.ValueKind switch
    {
        JsonValueKind.String => value.GetString(),
        JsonValueKind.True => true,
        JsonValueKind.False => false,
        JsonValueKind.Null or JsonValueKind.Undefined => null,
        JsonValueKind.Number when value.TryGetInt64(out var whole) => whole,
        JsonValueKind.Number => value.GetDouble(),
        _ => value,
    };
}

/// <summary>A function offered to the model: its name, description and parameter schema.</summary>
internal sealed record WireTool(string Name, string? Description, JsonElement Schema);
