using PluginAI.Retrieval;
using System.Text.Json;
using PluginAI.Runtime.Models;

namespace PluginAI.Server.Internal;

/// <summary>JSON shapes shared by several routes.</summary>
internal static class Responses
{
    public static void WritePassage(Utf8JsonWriter writer, RetrievedPassage passage, int? index)
    {
        writer.WriteStartObject();
        if (index is { } i)
        {
            writer.WriteNumber("index", i);
        }

        writer.WriteString("source", passage.SourcePath);
        writer.WriteNumber("chunk", passage.ChunkIndex);
        if (passage.Page is { } page)
        {
            writer.WriteNumber("page", page);
        }

        if (passage.Section is { } section)
        {
            writer.WriteString("section", section);
        }

        if (passage.MediaType is { } mediaType)
        {
            writer.WriteString("media_type", mediaType);
        }

        writer.WriteNumber("score", Math.Round(passage.Score, 6));
        writer.WriteString("text", passage.Text);
        writer.WriteEndObject();
    }

    /// <summary>A model's state across its pooled instances: <c>not-loaded</c>, <c>in-use</c>, <c>loading</c> or <c>idle</c>.</summary>
    public static string PoolState(IReadOnlyCollection<PooledModelInfo> pooled) =>
        pooled.Count == 0 ? "not-loaded" : pooled.Any(s => s.Status == PooledModelStatus.InUse) ? "in-use" : pooled.Any(s => s.Status == PooledModelStatus.Loading) ? "loading" : "idle";

    public static void WriteModel(Utf8JsonWriter writer, string id, long created, string kind, IEnumerable<PooledModelInfo> pooled)
    {
        writer.WriteStartObject();
        writer.WriteString("id", id);
        writer.WriteString("object", "model");
        writer.WriteNumber("created", created);
        writer.WriteString("owned_by", "pluginai");
        writer.WriteStartObject("pluginai");
        writer.WriteString("kind", kind);
        var states = pooled.ToList();
        writer.WriteString("state", PoolState(states));
        writer.WriteNumber("memory_bytes", states.Sum(s => s.MemoryBytes));
        writer.WriteNumber("users", states.Sum(s => s.Users));
        if (states.FirstOrDefault(s => s.Status != PooledModelStatus.Loading) is { } loaded)
        {
            writer.WriteString("backend", loaded.Backend);
            writer.WriteString("device", loaded.Plan.Device);
            writer.WriteNumber("threads", loaded.Plan.Threads);
            writer.WriteNumber("gpu_layers", loaded.Plan.GpuLayers);
            writer.WriteNumber("context_size", loaded.Plan.ContextSize);
            if (loaded.LoadedAt is { } at)
            {
                writer.WriteString("loaded_at", at);
            }

            if (loaded.IdleSince is { } idle)
            {
                writer.WriteString("idle_since", idle);
            }
        }

        writer.WriteEndObject();
        writer.WriteEndObject();
    }
}
