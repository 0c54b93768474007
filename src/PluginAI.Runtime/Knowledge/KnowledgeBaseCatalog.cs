using System.Text.Json;
using System.Text.RegularExpressions;
using PluginAI.Backends;
using PluginAI.Host;
using PluginAI.Runtime.Models;
using PluginAI.Retrieval;

namespace PluginAI.Runtime.Knowledge;

/// <summary>The knowledge bases of a PluginAI home: one folder each under <c>kb/</c>, with a <c>kb.json</c> the host keeps.</summary>
internal sealed partial class KnowledgeBaseCatalog(PluginHost host, ModelPool pool, string defaultEmbeddingModel)
{
    /// <summary>The knowledge base used when none is named.</summary>
    public const string DefaultName = "default";

    private const string InfoFile = "kb.json";
    private static readonly JsonSerializerOptions s_json = new(JsonSerializerDefaults.Web) { WriteIndented = true };

    /// <summary>Lists the knowledge bases.</summary>
    /// <returns>The knowledge bases, by name.</returns>
    public IReadOnlyList<KnowledgeBaseInfo> List()
    {
        var root = host.Paths.KnowledgeBases;
        if (!Directory.Exists(root))
        {
            return [];
        }

        return [.. Directory.EnumerateDirectories(root).Select(d => TryRead(Path.Combine(d, InfoFile))).OfType<KnowledgeBaseInfo>().OrderBy(i => i.Name, StringComparer.Ordinal)];
    }

    /// <summary>Gets a knowledge base's record, or <see langword="null"/> when it does not exist.</summary>
    /// <param name="name">The name.</param>
    /// <returns>The record.</returns>
    public KnowledgeBaseInfo? Find(string name) => TryRead(Path.Combine(DirectoryOf(name), InfoFile));

    /// <summary>Returns the folder of a knowledge base.</summary>
    /// <param name="name">The name.</param>
    /// <returns>The folder.</returns>
    public string DirectoryOf(string name)
    {
        if (!NamePattern().IsMatch(name))
        {
            throw new PluginException($"'{name}' is not a valid knowledge base name; expected letters, digits, '.', '_' and '-', up to 64 characters.") { ErrorCode = "kb.invalid-name" };
        }

        return Path.Combine(host.Paths.KnowledgeBases, name);
    }

    /// <summary>Opens a knowledge base with its embedding model, creating it when asked.</summary>
    /// <param name="name">The name.</param>
    /// <param name="create">Whether to create it when it does not exist.</param>
    /// <param name="embeddingModel">The embedding model for a new knowledge base; an existing one keeps its own.</param>
    /// <param name="cancellationToken">A token to cancel the open.</param>
    /// <returns>The open knowledge base.</returns>
    /// <exception cref="PluginException">It does not exist (and <paramref name="create"/> is false), or no retriever is loaded.</exception>
    public async Task<KnowledgeBaseSession> OpenAsync(string name, bool create, string? embeddingModel = null, CancellationToken cancellationToken = default)
    {
        var directory = DirectoryOf(name);
        var info = Find(name);
        if (info is null && !create)
        {
            var known = List().Select(i => i.Name).ToList();
            throw new PluginException($"There is no knowledge base '{name}'{(known.Count > 0 ? $" (there are: {string.Join(", ", known)})" : string.Empty)}; create it with 'pluginai ingest <folder> --kb {name}'.") { ErrorCode = "kb.missing" };
        }

        var retriever = host.GetRetrievers().FirstOrDefault()
            ?? throw new PluginException("No retriever plugin is loaded, so there is nowhere to store documents; see 'pluginai doctor'.") { ErrorCode = "kb.no-retriever" };
        var modelName = info?.EmbeddingModel ?? embeddingModel ?? defaultEmbeddingModel;
        var embedder = await pool.AcquireAsync(modelName, ModelCapabilities.Embeddings, cancellationToken: cancellationToken).ConfigureAwait(false);
        try
        {
            var metadata = embedder.Model.Metadata;
            Directory.CreateDirectory(directory);
            var store = await retriever.OpenAsync(
                new KnowledgeBaseOptions { Name = name, Directory = directory, EmbeddingDimensions = metadata.EmbeddingDimensions, EmbeddingModelId = metadata.ModelId },
                cancellationToken).ConfigureAwait(false);
            info ??= new KnowledgeBaseInfo(name, modelName, metadata.ModelId, metadata.EmbeddingDimensions, retriever.Metadata.Name, DateTimeOffset.UtcNow, []);
            if (!File.Exists(Path.Combine(directory, InfoFile)))
            {
                Write(info);
            }

            return new KnowledgeBaseSession(info, store, embedder);
        }
        catch
        {
            await embedder.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    /// <summary>Records a folder as a source of a knowledge base.</summary>
    /// <param name="info">The knowledge base.</param>
    /// <param name="folder">The folder ingested.</param>
    /// <returns>The updated record.</returns>
    public KnowledgeBaseInfo AddFolder(KnowledgeBaseInfo info, string folder)
    {
        ArgumentNullException.ThrowIfNull(info);
        if (info.Folders.Contains(folder, StringComparer.Ordinal))
        {
            return info;
        }

        var updated = info with { Folders = [.. info.Folders, folder] };
        Write(updated);
        return updated;
    }

    /// <summary>Deletes a knowledge base and its files.</summary>
    /// <param name="name">The name.</param>
    /// <returns><see langword="true"/> when it existed.</returns>
    public bool Remove(string name)
    {
        var directory = DirectoryOf(name);
        if (!Directory.Exists(directory))
        {
            return false;
        }

        Directory.Delete(directory, recursive: true);
        return true;
    }

    private void Write(KnowledgeBaseInfo info)
    {
        var directory = DirectoryOf(info.Name);
        Directory.CreateDirectory(directory);
        var path = Path.Combine(directory, InfoFile);
        var temp = path + ".tmp";
        File.WriteAllText(temp, JsonSerializer.Serialize(info, s_json));
        File.Move(temp, path, overwrite: true);
    }

    private static KnowledgeBaseInfo? TryRead(string path)
    {
        if (!File.Exists(path))
        {
            return null;
        }

        try
        {
            return JsonSerializer.Deserialize<KnowledgeBaseInfo>(File.ReadAllText(path), s_json);
        }
        catch (JsonException ex)
        {
            throw new PluginException($"{path}: the knowledge base record is not valid JSON ({ex.Message}).", ex) { FilePath = path };
        }
    }

    [GeneratedRegex(@"^[A-Za-z0-9._-]{1,64}$", RegexOptions.CultureInvariant)]
    private static partial Regex NamePattern();
}
