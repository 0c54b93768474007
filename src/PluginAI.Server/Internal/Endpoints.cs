using PluginAI.Retrieval;
using System.Diagnostics;
using System.Runtime.InteropServices;
using System.Text.Json;
using System.Threading.Channels;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using OpenTelemetry.Exporter;
using PluginAI.Runtime;
using PluginAI.Runtime.Chat;
using PluginAI.Runtime.Ingestion;
using PluginAI.Runtime.Knowledge;
using PluginAI.Runtime.Models;

namespace PluginAI.Server.Internal;

/// <summary>The routes: OpenAI's <c>/v1</c> API, knowledge bases, <c>/health</c> and <c>/metrics</c>.</summary>
internal static class Endpoints
{
    private const int MaxSearchResults = 100;

    public static void Map(WebApplication app)
    {
        app.MapGet("/health", Health);
        WebPage.Map(app);
        app.MapPrometheusScrapingEndpoint("/metrics");
        var v1 = app.MapGroup("/v1");
        v1.MapPost("/chat/completions", ChatCompletionsAsync);
        v1.MapPost("/completions", CompletionsAsync);
        v1.MapPost("/embeddings", EmbeddingsAsync);
        v1.MapGet("/models", ModelsAsync);
        v1.MapGet("/models/{**id}", ModelAsync);
        v1.MapGet("/knowledge-bases", KnowledgeBasesAsync);
        v1.MapPost("/knowledge-bases/{name}/documents", UploadAsync);
        v1.MapGet("/knowledge-bases/{name}/search", SearchAsync);
        v1.MapGet("/knowledge-bases/{name}/documents", DocumentsAsync);
        v1.MapDelete("/knowledge-bases/{name}/documents", RemoveDocumentAsync);
        v1.MapDelete("/knowledge-bases/{name}", RemoveKnowledgeBaseAsync);
        AdminEndpoints.Map(v1);
        app.MapFallback(context => throw new ApiException(404, $"There is no route {context.Request.Method} {context.Request.Path}; the API is under /v1 (chat/completions, completions, embeddings, models, knowledge-bases).", null, "unknown_route"));
    }

    private static IResult Health(ServerReadiness readiness) =>
        readiness.IsReady ? Results.Json(new HealthResponse("ok", null), ServerJsonContext.Default.HealthResponse)
        : Results.Json(new HealthResponse(readiness.Failure is null ? "starting" : "failed", readiness.Failure), ServerJsonContext.Default.HealthResponse, statusCode: 503);

    private static async Task ChatCompletionsAsync(HttpContext context)
    {
        var started = Stopwatch.GetTimestamp();
        var options = context.RequestServices.GetRequiredService<PluginAIServerOptions>();
        ChatRequest request;
        using (var document = await RequestJson.ReadAsync(context, options.MaxRequestBodyBytes).ConfigureAwait(false))
        {
            request = ChatRequest.ParseChat(document.RootElement, options);
        }

        await GenerateAsync(context, request, chat: true, started).ConfigureAwait(false);
    }

    private static async Task CompletionsAsync(HttpContext context)
    {
        var started = Stopwatch.GetTimestamp();
        var options = context.RequestServices.GetRequiredService<PluginAIServerOptions>();
        ChatRequest request;
        using (var document = await RequestJson.ReadAsync(context, options.MaxRequestBodyBytes).ConfigureAwait(false))
        {
            request = ChatRequest.ParseCompletion(document.RootElement, options);
        }

        if (request.Model.StartsWith(ModelCatalog.KnowledgeBasePrefix, StringComparison.OrdinalIgnoreCase))
        {
            throw ApiException.BadRequest("model", "Knowledge bases answer through /v1/chat/completions, not /v1/completions.");
        }

        await GenerateAsync(context, request, chat: false, started).ConfigureAwait(false);
    }

    private static async Task GenerateAsync(HttpContext context, ChatRequest request, bool chat, long started)
    {
        var services = context.RequestServices;
        var options = services.GetRequiredService<PluginAIServerOptions>();
        var metrics = services.GetRequiredService<ServerMetrics>();
        var catalog = services.GetRequiredService<ModelCatalog>();
        var aborted = context.RequestAborted;

        if (chat && await catalog.ResolveKnowledgeBaseAsync(request.Model, aborted).ConfigureAwait(false) is { } kb)
        {
            var question = request.Messages.LastOrDefault(m => m.Role == Microsoft.Extensions.AI.ChatRole.User)?.Text;
            if (string.IsNullOrWhiteSpace(question))
            {
                throw ApiException.BadRequest("messages", "A knowledge-base model answers the last user message; 'messages' has none with text.");
            }

            var modelName = kb.Model ?? catalog.DefaultChatModel();
            var ask = services.GetRequiredService<AskService>();
            await using var answer = await ask.AskAsync(
                new AskRequest { Question = question, KnowledgeBase = kb.KnowledgeBase, Model = modelName, Extractive = modelName is null, ChatOptions = request.Options, Plan = options.Plan },
                cancellationToken: aborted).ConfigureAwait(false);
            var generation = new Generation(context, request, chat, answer.ModelId ?? "extractive", metrics, options, started) { Sources = answer.Sources };
            await generation.RunAsync(answer.Updates).ConfigureAwait(false);
            return;
        }

        if (services.GetService<IRemoteChat>() is { } remote)
        {
            var models = await remote.ListModelsAsync(aborted).ConfigureAwait(false);
            var name = models.FirstOrDefault(m => string.Equals(m, request.Model, StringComparison.OrdinalIgnoreCase))
                ?? throw new ApiException(404, $"The model '{request.Model}' does not exist in {remote.Description}; GET /v1/models lists the models it has.", "model", "model_not_found");
            await new Generation(context, request, chat, name, metrics, options, started).RunAsync(remote.StreamAsync(name, request.Messages, request.Options, aborted)).ConfigureAwait(false);
            return;
        }

        var model = catalog.RequireRegistered(request.Model);
        var chatService = services.GetRequiredService<ChatService>();
        await using var session = await chatService.OpenAsync(new ChatSessionOptions { Model = model.Name, Plan = options.Plan }, aborted).ConfigureAwait(false);
        var turn = session.Stream(request.Messages, request.Options, aborted);
        await new Generation(context, request, chat, model.Name, metrics, options, started).RunAsync(turn.Updates).ConfigureAwait(false);
    }

    private static async Task EmbeddingsAsync(HttpContext context)
    {
        var services = context.RequestServices;
        var options = services.GetRequiredService<PluginAIServerOptions>();
        var catalog = services.GetRequiredService<ModelCatalog>();
        string modelId;
        List<string> texts;
        bool base64;
        long? dimensions;
        using (var document = await RequestJson.ReadAsync(context, options.MaxRequestBodyBytes).ConfigureAwait(false))
        {
            var body = document.RootElement;
            modelId = RequestJson.RequiredString(body, "model", "model");
            if (!RequestJson.TryGet(body, "input", out var input))
            {
                throw ApiException.BadRequest("input", "'input' is required: a string or an array of strings.", "missing_required_parameter");
            }

            texts = input.ValueKind switch
            {
                JsonValueKind.String => [input.GetString()!],
                JsonValueKind.Array => [.. input.EnumerateArray().Select((e, i) => e.ValueKind == JsonValueKind.String
                    ? e.GetString()!
                    : throw ApiException.BadRequest("input", $"'input[{i}]' must be a string; token arrays are not supported."))],
                _ => throw ApiException.BadRequest("input", $"'input' must be a string or an array of strings; got {RequestJson.Describe(input.ValueKind)}."),
            };
            if (texts.Count == 0 || texts.Count > options.MaxEmbeddingInputs)
            {
                throw ApiException.BadRequest("input", $"'input' must hold 1 to {options.MaxEmbeddingInputs} strings; got {texts.Count}.");
            }

            if (texts.FindIndex(t => t.Length == 0) is var empty and >= 0)
            {
                throw ApiException.BadRequest("input", $"'input[{empty}]' is empty; each input must have text.");
            }

            var format = RequestJson.OptionalString(body, "encoding_format", "encoding_format") ?? "float";
            base64 = format switch
            {
                "float" => false,
                "base64" => true,
                _ => throw ApiException.BadRequest("encoding_format", $"'encoding_format' must be float or base64; got '{format}'."),
            };
            dimensions = RequestJson.OptionalInteger(body, "dimensions", 1, 100_000);
        }

        var model = catalog.ResolveEmbedding(modelId);
        var result = await services.GetRequiredService<EmbeddingService>().EmbedAsync(texts, model, cancellationToken: context.RequestAborted).ConfigureAwait(false);
        if (dimensions is { } wanted && wanted != result.Dimensions)
        {
            throw ApiException.BadRequest("dimensions", $"'dimensions' is {wanted}, but '{modelId}' makes vectors of {result.Dimensions} dimensions and cannot shorten them.");
        }

        await WriteJsonAsync(context, writer =>
        {
            writer.WriteStartObject();
            writer.WriteString("object", "list");
            writer.WriteStartArray("data");
            for (var i = 0; i < result.Vectors.Count; i++)
            {
                writer.WriteStartObject();
                writer.WriteString("object", "embedding");
                writer.WriteNumber("index", i);
                var vector = result.Vectors[i].Span;
                if (base64)
                {
                    writer.WriteBase64String("embedding", MemoryMarshal.AsBytes(vector));
                }
                else
                {
                    writer.WriteStartArray("embedding");
                    foreach (var value in vector)
                    {
                        writer.WriteNumberValue(value);
                    }

                    writer.WriteEndArray();
                }

                writer.WriteEndObject();
            }

            writer.WriteEndArray();
            writer.WriteString("model", modelId);
            writer.WriteStartObject("usage");
            writer.WriteNumber("prompt_tokens", result.InputTokenCount ?? 0);
            writer.WriteNumber("total_tokens", result.InputTokenCount ?? 0);
            writer.WriteEndObject();
            writer.WriteEndObject();
        }).ConfigureAwait(false);
    }

    private static async Task ModelsAsync(HttpContext context)
    {
        var entries = await ListModelsAsync(context).ConfigureAwait(false);
        await WriteJsonAsync(context, writer =>
        {
            writer.WriteStartObject();
            writer.WriteString("object", "list");
            writer.WriteStartArray("data");
            foreach (var write in entries)
            {
                write.Write(writer);
            }

            writer.WriteEndArray();
            writer.WriteEndObject();
        }).ConfigureAwait(false);
    }

    private static async Task ModelAsync(HttpContext context, string id)
    {
        var entries = await ListModelsAsync(context).ConfigureAwait(false);
        var entry = entries.FirstOrDefault(e => string.Equals(e.Id, id, StringComparison.OrdinalIgnoreCase)) ?? throw ApiException.ModelNotFound(id);
        await WriteJsonAsync(context, entry.Write).ConfigureAwait(false);
    }

    private static async Task<List<ModelEntry>> ListModelsAsync(HttpContext context)
    {
        var services = context.RequestServices;
        var catalog = services.GetRequiredService<ModelCatalog>();
        var pooled = catalog.Pooled();
        var entries = new List<ModelEntry>();
        foreach (var model in catalog.Registered())
        {
            var mine = pooled.Where(p => string.Equals(p.Name, model.Name, StringComparison.OrdinalIgnoreCase)).ToList();
            entries.Add(new ModelEntry(model.Name, w => Responses.WriteModel(w, model.Name, model.AddedAt.ToUnixTimeSeconds(), "model", mine)));
        }

        if (services.GetService<IRemoteChat>() is { } remote)
        {
            foreach (var name in await remote.ListModelsAsync(context.RequestAborted).ConfigureAwait(false))
            {
                if (!entries.Any(e => string.Equals(e.Id, name, StringComparison.OrdinalIgnoreCase)))
                {
                    entries.Add(new ModelEntry(name, w => Responses.WriteModel(w, name, 0, "model", [])));
                }
            }
        }

        var builtIn = pooled.Where(p => string.Equals(p.Name, PluginAIOptions.BuiltInEmbeddingModel, StringComparison.OrdinalIgnoreCase)).ToList();
        entries.Add(new ModelEntry(ModelCatalog.BuiltInEmbeddingId, w => Responses.WriteModel(w, ModelCatalog.BuiltInEmbeddingId, 0, "embedding", builtIn)));
        var bases = await services.GetRequiredService<KnowledgeBaseService>().ListAsync(context.RequestAborted).ConfigureAwait(false);
        foreach (var kb in bases)
        {
            var id = ModelCatalog.KnowledgeBasePrefix + kb.Name;
            entries.Add(new ModelEntry(id, w => Responses.WriteModel(w, id, kb.CreatedAt.ToUnixTimeSeconds(), "knowledge-base", [])));
        }

        return entries;
    }

    private static async Task KnowledgeBasesAsync(HttpContext context)
    {
        var service = context.RequestServices.GetRequiredService<KnowledgeBaseService>();
        var bases = await service.ListAsync(context.RequestAborted).ConfigureAwait(false);
        var rows = new List<(KnowledgeBaseInfo Info, KnowledgeBaseStatistics Statistics)>();
        foreach (var kb in bases)
        {
            rows.Add(await service.GetStatisticsAsync(kb.Name, context.RequestAborted).ConfigureAwait(false));
        }

        await WriteJsonAsync(context, writer =>
        {
            writer.WriteStartObject();
            writer.WriteString("object", "list");
            writer.WriteStartArray("data");
            foreach (var (info, statistics) in rows)
            {
                writer.WriteStartObject();
                writer.WriteString("name", info.Name);
                writer.WriteString("model", ModelCatalog.KnowledgeBasePrefix + info.Name);
                writer.WriteString("embedding_model", info.EmbeddingModel);
                writer.WriteNumber("dimensions", info.Dimensions);
                writer.WriteString("retriever", info.Retriever);
                writer.WriteString("created_at", info.CreatedAt);
                writer.WriteNumber("documents", statistics.Documents);
                writer.WriteNumber("chunks", statistics.Chunks);
                writer.WriteNumber("size_bytes", statistics.SizeBytes);
                writer.WriteEndObject();
            }

            writer.WriteEndArray();
            writer.WriteEndObject();
        }).ConfigureAwait(false);
    }

    private static async Task SearchAsync(HttpContext context, string name)
    {
        var query = context.Request.Query;
        var q = query["q"].ToString();
        if (string.IsNullOrWhiteSpace(q))
        {
            throw ApiException.BadRequest("q", "'q' is required: the text to search for.", "missing_required_parameter");
        }

        var top = 5;
        if (query.TryGetValue("top", out var topText) && (!int.TryParse(topText, out top) || top < 1 || top > MaxSearchResults))
        {
            throw ApiException.BadRequest("top", $"'top' must be an integer from 1 to {MaxSearchResults}; got '{topText}'.");
        }

        var mode = SearchMode.Hybrid;
        if (query.TryGetValue("mode", out var modeText) && !Enum.TryParse(modeText, ignoreCase: true, out mode))
        {
            throw ApiException.BadRequest("mode", $"'mode' must be hybrid, vector or keyword; got '{modeText}'.");
        }

        var request = new SearchRequest
        {
            Query = q,
            KnowledgeBase = name,
            Top = top,
            Mode = mode,
            PathGlob = query.TryGetValue("path", out var path) ? path.ToString() : null,
            MediaTypes = query.TryGetValue("media_type", out var mediaTypes) ? [.. mediaTypes.Where(m => !string.IsNullOrEmpty(m)).Select(m => m!)] : [],
        };

        IReadOnlyList<RetrievedPassage> passages;
        try
        {
            passages = await context.RequestServices.GetRequiredService<SearchService>().SearchAsync(request, context.RequestAborted).ConfigureAwait(false);
        }
        catch (PluginException ex) when (ex.ErrorCode is "kb.missing" or "kb.invalid-name")
        {
            throw OpenAIErrors.FromPluginException(ex, modelParam: "name");
        }

        await WriteJsonAsync(context, writer =>
        {
            writer.WriteStartObject();
            writer.WriteString("object", "list");
            writer.WriteString("knowledge_base", name);
            writer.WriteString("query", q);
            writer.WriteStartArray("data");
            for (var i = 0; i < passages.Count; i++)
            {
                Responses.WritePassage(writer, passages[i], i + 1);
            }

            writer.WriteEndArray();
            writer.WriteEndObject();
        }).ConfigureAwait(false);
    }

    private static async Task<KnowledgeBaseSession> OpenExistingAsync(HttpContext context, string name)
    {
        try
        {
            return await context.RequestServices.GetRequiredService<KnowledgeBaseService>().OpenAsync(name, cancellationToken: context.RequestAborted).ConfigureAwait(false);
        }
        catch (PluginException ex) when (ex.ErrorCode is "kb.missing" or "kb.invalid-name")
        {
            throw OpenAIErrors.FromPluginException(ex, modelParam: "name");
        }
    }

    private static async Task DocumentsAsync(HttpContext context, string name)
    {
        await using var session = await OpenExistingAsync(context, name).ConfigureAwait(false);
        var documents = new List<KnowledgeDocumentInfo>();
        await foreach (var document in session.Store.ListDocumentsAsync(context.RequestAborted).ConfigureAwait(false))
        {
            documents.Add(document);
        }

        await WriteJsonAsync(context, writer =>
        {
            writer.WriteStartObject();
            writer.WriteString("object", "list");
            writer.WriteString("knowledge_base", name);
            writer.WriteStartArray("data");
            foreach (var document in documents.OrderBy(d => d.SourcePath, StringComparer.Ordinal))
            {
                writer.WriteStartObject();
                writer.WriteString("source", document.SourcePath);
                writer.WriteString("media_type", document.MediaType);
                writer.WriteNumber("chunks", document.ChunkCount);
                writer.WriteString("indexed_at", document.IndexedAt);
                writer.WriteEndObject();
            }

            writer.WriteEndArray();
            writer.WriteEndObject();
        }).ConfigureAwait(false);
    }

    private static async Task RemoveDocumentAsync(HttpContext context, string name)
    {
        var source = context.Request.Query["source"].ToString();
        if (string.IsNullOrEmpty(source))
        {
            throw ApiException.BadRequest("source", "'source' is required: the document's source as GET .../documents lists it.", "missing_required_parameter");
        }

        await using var session = await OpenExistingAsync(context, name).ConfigureAwait(false);
        if (!await session.Store.RemoveDocumentAsync(source, context.RequestAborted).ConfigureAwait(false))
        {
            throw new ApiException(404, $"The knowledge base '{name}' has no document '{source}'.", "source", "document_not_found");
        }

        await WriteJsonAsync(context, writer =>
        {
            writer.WriteStartObject();
            writer.WriteString("knowledge_base", name);
            writer.WriteString("source", source);
            writer.WriteBoolean("deleted", true);
            writer.WriteEndObject();
        }).ConfigureAwait(false);
    }

    private static async Task RemoveKnowledgeBaseAsync(HttpContext context, string name)
    {
        bool removed;
        try
        {
            removed = await context.RequestServices.GetRequiredService<KnowledgeBaseService>().RemoveAsync(name, context.RequestAborted).ConfigureAwait(false);
        }
        catch (PluginException ex) when (ex.ErrorCode is "kb.invalid-name")
        {
            throw OpenAIErrors.FromPluginException(ex, modelParam: "name");
        }

        if (!removed)
        {
            throw new ApiException(404, $"There is no knowledge base '{name}'; GET /v1/knowledge-bases lists them.", "name", "knowledge_base_not_found");
        }

        await WriteJsonAsync(context, writer =>
        {
            writer.WriteStartObject();
            writer.WriteString("knowledge_base", name);
            writer.WriteBoolean("deleted", true);
            writer.WriteEndObject();
        }).ConfigureAwait(false);
    }

    private static async Task UploadAsync(HttpContext context, string name)
    {
        var services = context.RequestServices;
        var options = services.GetRequiredService<PluginAIServerOptions>();
        var source = await Uploads.ReadAsync(context, options.MaxUploadBytes).ConfigureAwait(false);
        var ingestion = services.GetRequiredService<IngestionService>();
        var aborted = context.RequestAborted;
        var ingestOptions = new IngestionOptions { KnowledgeBase = name, Folder = string.Empty };
        if (!Accepts(context.Request, "text/event-stream"))
        {
            var report = await Ingest(ingestion, name, source, ingestOptions, null, aborted).ConfigureAwait(false);
            await WriteJsonAsync(context, w => WriteReport(w, report)).ConfigureAwait(false);
            return;
        }

        // Progress goes out as server-sent events while the documents are ingested; the report is the last event.
        var events = Channel.CreateUnbounded<IngestionProgress>(new UnboundedChannelOptions { SingleReader = true });
        var progress = new SynchronousProgress(p => events.Writer.TryWrite(p));
        var run = Task.Run(async () =>
        {
            try
            {
                return await Ingest(ingestion, name, source, ingestOptions, progress, aborted).ConfigureAwait(false);
            }
            finally
            {
                events.Writer.TryComplete();
            }
        }, aborted);

        IngestionReport? finalReport;
        var started = false;
        SseStream? sse = null;
        await foreach (var item in events.Reader.ReadAllAsync(aborted).ConfigureAwait(false))
        {
            if (!started)
            {
                SseStream.Start(context.Response);
                sse = new SseStream(context.Response);
                started = true;
            }

            await sse!.WriteAsync(w => WriteProgress(w, item), aborted, "progress").ConfigureAwait(false);
        }

        try
        {
            finalReport = await run.ConfigureAwait(false);
        }
        catch (Exception ex) when (started && ex is not OperationCanceledException)
        {
            await sse!.WriteRawAsync(OpenAIErrors.Serialize(ErrorMiddleware.Translate(ex, options)), aborted).ConfigureAwait(false);
            return;
        }

        if (!started)
        {
            SseStream.Start(context.Response);
            sse = new SseStream(context.Response);
        }

        await sse!.WriteAsync(w => WriteReport(w, finalReport!), aborted, "done").ConfigureAwait(false);
    }

    private static async Task<IngestionReport> Ingest(IngestionService ingestion, string name, MemoryDocumentSource source, IngestionOptions options, IProgress<IngestionProgress>? progress, CancellationToken cancellationToken)
    {
        try
        {
            return await ingestion.IngestAsync(name, source, options, progress, cancellationToken).ConfigureAwait(false);
        }
        catch (PluginException ex) when (ex.ErrorCode is "kb.invalid-name")
        {
            throw OpenAIErrors.FromPluginException(ex, modelParam: "name");
        }
    }

    private static void WriteProgress(Utf8JsonWriter writer, IngestionProgress progress)
    {
        writer.WriteStartObject();
        writer.WriteString("kind", progress.Kind.ToString().ToLowerInvariant());
        writer.WriteNumber("files_total", progress.FilesTotal);
        writer.WriteNumber("files_done", progress.FilesDone);
        writer.WriteNumber("chunks", progress.Chunks);
        if (progress.CurrentFile is { } file)
        {
            writer.WriteString("file", Uploads.DisplayName(file));
        }

        if (progress.Reason is { } reason)
        {
            writer.WriteString("reason", reason);
        }

        writer.WriteEndObject();
    }

    private static void WriteReport(Utf8JsonWriter writer, IngestionReport report)
    {
        writer.WriteStartObject();
        writer.WriteString("knowledge_base", report.KnowledgeBase);
        writer.WriteNumber("files", report.Files);
        writer.WriteNumber("added", report.Added);
        writer.WriteNumber("updated", report.Updated);
        writer.WriteNumber("unchanged", report.Unchanged);
        writer.WriteNumber("chunks", report.Chunks);
        writer.WriteStartArray("skipped");
        foreach (var skipped in report.Skipped)
        {
            writer.WriteStartObject();
            writer.WriteString("file", Uploads.DisplayName(skipped.Path));
            writer.WriteString("reason", skipped.Reason);
            writer.WriteEndObject();
        }

        writer.WriteEndArray();
        writer.WriteNumber("elapsed_ms", Math.Round(report.Elapsed.TotalMilliseconds, 1));
        writer.WriteEndObject();
    }

    private static bool Accepts(HttpRequest request, string mediaType) =>
        request.Headers.Accept.Any(a => a is not null && a.Contains(mediaType, StringComparison.OrdinalIgnoreCase));

    private static async Task WriteJsonAsync(HttpContext context, Action<Utf8JsonWriter> write)
    {
        var buffer = new System.Buffers.ArrayBufferWriter<byte>(1024);
        using (var writer = new Utf8JsonWriter(buffer))
        {
            write(writer);
        }

        context.Response.StatusCode = 200;
        context.Response.ContentType = "application/json";
        await context.Response.Body.WriteAsync(buffer.WrittenMemory, context.RequestAborted).ConfigureAwait(false);
    }

    private sealed record ModelEntry(string Id, Action<Utf8JsonWriter> Write);

    private sealed class SynchronousProgress(Action<IngestionProgress> report) : IProgress<IngestionProgress>
    {
        public void Report(IngestionProgress value) => report(value);
    }
}
