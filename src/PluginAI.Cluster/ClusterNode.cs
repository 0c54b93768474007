using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;
using System.Text.RegularExpressions;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Orleans.Runtime;
using PluginAI.Backends;
using PluginAI.Processing;
using PluginAI.Retrieval;
using PluginAI.Runtime;
using PluginAI.Runtime.Chat;
using PluginAI.Runtime.Ingestion;
using PluginAI.Runtime.Knowledge;
using PluginAI.Runtime.Models;

namespace PluginAI.Cluster;

/// <summary>
/// What one node holds: for each knowledge base, the shards it stores, each as a SQLite knowledge base of its own beside
/// a folder with every document's embedded form (for copying to other replicas) and a small record of its key, hash
/// and version. The record is written last, so a document whose record exists is wholly stored. The records are also
/// kept in memory, read once when the node starts and updated as documents are stored and shards dropped; the record
/// files stay the durable truth.
/// </summary>
internal sealed partial class ClusterNode : IAsyncDisposable
{
    private readonly KnowledgeBaseService _knowledgeBases;
    private readonly IngestionService _ingestion;
    private readonly ChatService _chat;
    private readonly ModelService _models;
    private readonly ModelPool _pool;
    private readonly PluginHostProvider _hosts;
    private readonly IClusterMembershipService _membership;
    private readonly IGrainFactory _grains;
    private readonly ILogger<ClusterNode> _logger;
    private readonly ConcurrentDictionary<string, Lazy<Task<KnowledgeBaseSession>>> _sessions = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, SemaphoreSlim> _shardLocks = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<(string KnowledgeBase, int Shard), ConcurrentDictionary<string, StoredDocument>> _records = new();
    private int _queueDepth;
    private int _chats;
    private long _processed;
    private long _repaired;

    public ClusterNode(
        KnowledgeBaseService knowledgeBases,
        IngestionService ingestion,
        ChatService chat,
        ModelService models,
        ModelPool pool,
        PluginHostProvider hosts,
        IClusterMembershipService membership,
        ILocalSiloDetails silo,
        IGrainFactory grains,
        IOptions<PluginAIClusterOptions> options,
        ILogger<ClusterNode> logger)
    {
        _knowledgeBases = knowledgeBases;
        _ingestion = ingestion;
        _chat = chat;
        _models = models;
        _pool = pool;
        _hosts = hosts;
        _membership = membership;
        _grains = grains;
        _logger = logger;
        Options = options.Value;
        Name = silo.Name;
        Address = silo.SiloAddress.Endpoint.ToString();
        Root = Path.Combine(hosts.Paths.Home, "cluster");
        LoadRecords();
    }

    public string Name { get; }

    public string Address { get; }

    public string Root { get; }

    public PluginAIClusterOptions Options { get; }

    public IReadOnlyList<string> LiveNodes() =>
        [.. _membership.CurrentSnapshot.Members.Values.Where(m => m.Status == SiloStatus.Active).Select(m => m.Name).Distinct(StringComparer.Ordinal)];

    public IReadOnlyList<(string Name, string Address, SiloStatus Status)> Members() =>
        [.. _membership.CurrentSnapshot.Members.Values.Select(m => (m.Name, m.SiloAddress.Endpoint.ToString(), m.Status))];

    public INodeGrain Node(string name) => _grains.GetGrain<INodeGrain>(name);

    public static void CheckKnowledgeBaseName(string knowledgeBase)
    {
        if (knowledgeBase is null || !KnowledgeBaseName().IsMatch(knowledgeBase))
        {
            throw new ArgumentException($"Knowledge base name '{knowledgeBase}' is not valid in a cluster: expected 1 to 48 letters, digits, '-' or '_'.");
        }
    }

    public int ShardOf(string key) => Replicas.ShardOf(key, Options.Shards);

    public async Task<NodeStatus> GetStatusAsync(CancellationToken cancellationToken = default)
    {
        var hardware = await _hosts.GetHardwareAsync(cancellationToken).ConfigureAwait(false);
        long documents = 0;
        var shards = 0;
        foreach (var records in _records.Values)
        {
            var count = records.Count;
            if (count > 0)
            {
                documents += count;
                shards++;
            }
        }

        return new NodeStatus
        {
            Name = Name,
            Address = Address,
            Cpu = hardware.Cpu.ModelName,
            Cores = hardware.Cpu.LogicalCores,
            MemoryBytes = hardware.Memory.TotalBytes,
            Accelerators = [.. hardware.Accelerators.Select(a => $"{a.Type} {a.Name}")],
            ModelsLoaded = [.. _pool.List().Select(m => m.Name)],
            QueueDepth = Volatile.Read(ref _queueDepth) + Volatile.Read(ref _chats),
            ChatsInProgress = Volatile.Read(ref _chats),
            ModelsAvailable = ChatModels(),
            DocumentsHeld = documents,
            ShardsHeld = shards,
            DocumentsProcessed = Interlocked.Read(ref _processed),
            ReplicasRepaired = Interlocked.Read(ref _repaired),
        };
    }

    public IEnumerable<(string KnowledgeBase, int Shard)> HeldShards()
    {
        if (!Directory.Exists(Root))
        {
            yield break;
        }

        foreach (var kbFolder in Directory.EnumerateDirectories(Root).Order(StringComparer.Ordinal))
        {
            var knowledgeBase = Path.GetFileName(kbFolder);
            foreach (var shardFolder in Directory.EnumerateDirectories(kbFolder).Order(StringComparer.Ordinal))
            {
                if (int.TryParse(Path.GetFileName(shardFolder), System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var shard))
                {
                    yield return (knowledgeBase, shard);
                }
            }
        }
    }

    public ShardHolding[] GetHoldings(string knowledgeBase)
    {
        CheckKnowledgeBaseName(knowledgeBase);
        return [.. _records.Where(r => r.Key.KnowledgeBase == knowledgeBase)
            .Select(r => new ShardHolding { Shard = r.Key.Shard, Documents = r.Value.Count })
            .Where(h => h.Documents > 0)
            .OrderBy(h => h.Shard)];
    }

    public StoredDocument[] List(string knowledgeBase, int shard)
    {
        if (!_records.TryGetValue((knowledgeBase, shard), out var records))
        {
            return [];
        }

        var result = records.Values.ToArray();
        Array.Sort(result, static (a, b) => string.CompareOrdinal(a.Key, b.Key));
        return result;
    }

    public StoredDocument? Find(string knowledgeBase, int shard, string key) =>
        _records.TryGetValue((knowledgeBase, shard), out var records) && records.TryGetValue(key, out var stored) ? stored : null;

    public async Task<bool> StoreAsync(string knowledgeBase, int shard, ReplicaDocument replica, CancellationToken cancellationToken = default)
    {
        CheckKnowledgeBaseName(knowledgeBase);
        CheckShard(shard);
        ArgumentNullException.ThrowIfNull(replica);
        var stored = replica.Stored;
        if (ShardOf(stored.Key) != shard)
        {
            throw new ArgumentException($"Document '{stored.Key}' belongs to shard {ShardOf(stored.Key)}, not {shard}.");
        }

        var gate = _shardLocks.GetOrAdd(ShardName(knowledgeBase, shard), static _ => new SemaphoreSlim(1, 1));
        await gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            var existing = Find(knowledgeBase, shard, stored.Key);
            if (existing is not null && (existing.Version > stored.Version || existing.ContentHash == stored.ContentHash))
            {
                return false;
            }

            var document = JsonSerializer.Deserialize<DocumentContent>(replica.Json, PluginAIJson.Options)
                ?? throw new ArgumentException($"Document '{stored.Key}': the replica carries no document.");
            if (document.SourcePath != stored.Key || document.ContentHash != stored.ContentHash)
            {
                throw new ArgumentException($"Document '{stored.Key}': the replica's document is '{document.SourcePath}' with hash {document.ContentHash}, not the one named.");
            }

            Directory.CreateDirectory(ShardFolder(knowledgeBase, shard));
            await WriteAtomicAsync(DocumentPath(knowledgeBase, shard, stored.Key), replica.Json, cancellationToken).ConfigureAwait(false);
            var session = await SessionAsync(knowledgeBase, shard, cancellationToken).ConfigureAwait(false);
            await session.Store.UpsertDocumentAsync(document, cancellationToken).ConfigureAwait(false);
            await WriteAtomicAsync(MetaPath(knowledgeBase, shard, stored.Key), JsonSerializer.SerializeToUtf8Bytes(stored, ClusterJsonContext.Default.StoredDocument), cancellationToken).ConfigureAwait(false);
            Records(knowledgeBase, shard)[stored.Key] = stored;
            return true;
        }
        finally
        {
            gate.Release();
        }
    }

    public async Task<ReplicaDocument?> ReadAsync(string knowledgeBase, int shard, string key, CancellationToken cancellationToken = default)
    {
        if (Find(knowledgeBase, shard, key) is not { } stored)
        {
            return null;
        }

        try
        {
            var json = await File.ReadAllBytesAsync(DocumentPath(knowledgeBase, shard, key), cancellationToken).ConfigureAwait(false);
            return new ReplicaDocument { Stored = stored, Json = json };
        }
        catch (FileNotFoundException)
        {
            return null;
        }
    }

    public async Task<PassageHit[]> SearchAsync(string knowledgeBase, int[] shards, ShardQuery query, CancellationToken cancellationToken = default)
    {
        CheckKnowledgeBaseName(knowledgeBase);
        ArgumentNullException.ThrowIfNull(shards);
        ArgumentNullException.ThrowIfNull(query);
        var wanted = shards.Distinct().ToArray();
        foreach (var shard in wanted)
        {
            CheckShard(shard);
        }

        var hits = await Task.WhenAll(wanted.Select(shard => SearchShardAsync(knowledgeBase, shard, query, cancellationToken))).ConfigureAwait(false);
        return [.. hits.SelectMany(h => h)];
    }

    /// <summary>
    /// The keyword statistics of the given shards held here for a query, summed; <see langword="null"/> when a shard's
    /// knowledge base cannot give them (its retriever scores with its own statistics only).
    /// </summary>
    public async Task<ShardKeywordStatistics?> GetKeywordStatisticsAsync(string knowledgeBase, int[] shards, string text, CancellationToken cancellationToken = default)
    {
        CheckKnowledgeBaseName(knowledgeBase);
        ArgumentNullException.ThrowIfNull(shards);
        ArgumentNullException.ThrowIfNull(text);
        var wanted = shards.Distinct().ToArray();
        foreach (var shard in wanted)
        {
            CheckShard(shard);
        }

        var parts = await Task.WhenAll(wanted
            .Where(shard => _records.TryGetValue((knowledgeBase, shard), out var records) && !records.IsEmpty)
            .Select(async shard =>
            {
                var session = await SessionAsync(knowledgeBase, shard, cancellationToken).ConfigureAwait(false);
                return await session.Store.GetKeywordStatisticsAsync(text, cancellationToken).ConfigureAwait(false);
            })).ConfigureAwait(false);
        return parts.Any(p => p is null) ? null : ShardKeywordStatistics.From(KeywordStatistics.Sum(parts.Select(p => p!)));
    }

    public string[] ChatModels() => [.. _models.List().Select(m => m.Name).Order(StringComparer.Ordinal)];

    /// <summary>Streams a chat answer through this node's chat service: its model pool, scheduler and postprocessors.</summary>
    public async IAsyncEnumerable<string> ChatAsync(string model, string messagesJson, string? optionsJson, [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        var messages = JsonSerializer.Deserialize<List<ChatMessage>>(messagesJson, AIJsonUtilities.DefaultOptions)
            ?? throw new ArgumentException("The chat request carries no messages.");
        var options = optionsJson is null ? null : JsonSerializer.Deserialize<PluginAI.Host.Workers.WireChatOptions>(optionsJson, WireJson)?.ToOptions();
        Interlocked.Increment(ref _chats);
        try
        {
            await using var session = await _chat.OpenAsync(new ChatSessionOptions { Model = model }, cancellationToken).ConfigureAwait(false);
            await foreach (var update in session.Stream(messages, options, cancellationToken).Updates.WithCancellation(cancellationToken).ConfigureAwait(false))
            {
                yield return JsonSerializer.Serialize(update, AIJsonUtilities.DefaultOptions);
            }
        }
        finally
        {
            Interlocked.Decrement(ref _chats);
        }
    }

    internal static JsonSerializerOptions WireJson { get; } = new(JsonSerializerDefaults.Web);

    public async Task<float[]> EmbedAsync(string text, CancellationToken cancellationToken = default)
    {
        await using var lease = await _pool.AcquireAsync(_hosts.Options.DefaultEmbeddingModel, ModelCapabilities.Embeddings, cancellationToken: cancellationToken).ConfigureAwait(false);
        var generator = lease.Model.EmbeddingGenerator ?? throw new PluginException($"{lease.Path}: the embedding model computes no embeddings.");
        var embeddings = await generator.GenerateAsync([text], cancellationToken: cancellationToken).ConfigureAwait(false);
        return embeddings[0].Vector.ToArray();
    }

    /// <summary>Parses, chunks and embeds a document on this node, through the same pipeline a local ingestion uses.</summary>
    public async Task<(ReplicaDocument? Replica, string? Reason)> ProcessAsync(DocumentUpload upload, CancellationToken cancellationToken = default)
    {
        Interlocked.Increment(ref _queueDepth);
        try
        {
            await using var lease = await _pool.AcquireAsync(_hosts.Options.DefaultEmbeddingModel, ModelCapabilities.Embeddings, cancellationToken: cancellationToken).ConfigureAwait(false);
            var source = new MemoryDocumentSource($"cluster:{upload.KnowledgeBase}");
            source.Add(upload.Key, upload.Content, upload.MediaType, upload.LastModified);
            var sink = new CaptureSink();
            var report = await _ingestion.RunWithModelAsync(
                source,
                sink,
                lease,
                upload.KnowledgeBase,
                new IngestionOptions { KnowledgeBase = upload.KnowledgeBase, Parallelism = 1, MaxFileBytes = Options.MaxDocumentBytes },
                cancellationToken: cancellationToken).ConfigureAwait(false);
            Interlocked.Increment(ref _processed);
            if (sink.Document is not { } document)
            {
                return (null, report.Skipped.FirstOrDefault()?.Reason ?? "the document gave no text to store");
            }

            var stored = new StoredDocument { Key = upload.Key, ContentHash = document.ContentHash ?? upload.ContentHash, Version = upload.Version, Chunks = document.Chunks.Count };
            var json = JsonSerializer.SerializeToUtf8Bytes(document with { Content = ReadOnlyMemory<byte>.Empty }, PluginAIJson.Options);
            return (new ReplicaDocument { Stored = stored, Json = json }, null);
        }
        finally
        {
            Interlocked.Decrement(ref _queueDepth);
        }
    }

    /// <summary>
    /// One repair pass. For every shard held here, every node that should hold it (its first live owners) is given each
    /// document it lacks or holds in an older version; a shard this node should no longer hold is dropped once all its
    /// owners hold every document of it.
    /// </summary>
    public async Task<int> RepairAsync(CancellationToken cancellationToken = default)
    {
        var copied = 0;
        var live = LiveNodes();
        foreach (var (knowledgeBase, shard) in HeldShards().ToList())
        {
            cancellationToken.ThrowIfCancellationRequested();
            var mine = List(knowledgeBase, shard);
            var owners = Replicas.Owners(shard, live, Options.ReplicationFactor);
            if (mine.Length == 0)
            {
                if (!owners.Contains(Name))
                {
                    await DropShardAsync(knowledgeBase, shard).ConfigureAwait(false);
                }

                continue;
            }

            var covered = true;
            foreach (var owner in owners.Where(o => o != Name))
            {
                try
                {
                    var theirs = (await Node(owner).ListAsync(knowledgeBase, shard).ConfigureAwait(false)).ToDictionary(d => d.Key, StringComparer.Ordinal);
                    foreach (var document in mine)
                    {
                        if (theirs.TryGetValue(document.Key, out var held) && (held.ContentHash == document.ContentHash || held.Version >= document.Version))
                        {
                            continue;
                        }

                        if (await ReadAsync(knowledgeBase, shard, document.Key, cancellationToken).ConfigureAwait(false) is { } replica
                            && await Node(owner).StoreAsync(knowledgeBase, shard, replica).ConfigureAwait(false))
                        {
                            copied++;
                            Interlocked.Increment(ref _repaired);
                        }
                    }
                }
                catch (Exception exception) when (exception is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
                {
                    covered = false;
                    LogRepairFailed(_logger, knowledgeBase, shard, owner, exception.Message);
                }
            }

            if (covered && !owners.Contains(Name) && owners.Count > 0 && await OwnersHoldAllAsync(knowledgeBase, shard, owners).ConfigureAwait(false))
            {
                await DropShardAsync(knowledgeBase, shard).ConfigureAwait(false);
            }
        }

        return copied;
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var session in _sessions.Values)
        {
            if (session.IsValueCreated && session.Value.IsCompletedSuccessfully)
            {
                await session.Value.Result.DisposeAsync().ConfigureAwait(false);
            }
        }

        _sessions.Clear();
    }

    private async Task<PassageHit[]> SearchShardAsync(string knowledgeBase, int shard, ShardQuery query, CancellationToken cancellationToken)
    {
        if (!_records.TryGetValue((knowledgeBase, shard), out var records) || records.IsEmpty)
        {
            return [];
        }

        var session = await SessionAsync(knowledgeBase, shard, cancellationToken).ConfigureAwait(false);
        var passages = await session.Store.SearchAsync(
            new RetrievalQuery
            {
                Text = query.Text,
                Embedding = query.Embedding,
                Top = query.Top,
                Mode = (SearchMode)query.Mode,
                PathGlob = query.PathGlob,
                MediaTypes = query.MediaTypes,
                KeywordStatistics = query.KeywordStatistics?.ToStatistics(),
            },
            cancellationToken).ConfigureAwait(false);
        return [.. passages.Select(p => new PassageHit
        {
            SourcePath = p.SourcePath,
            Text = p.Text,
            Score = p.Score,
            ChunkIndex = p.ChunkIndex,
            MediaType = p.MediaType,
            Page = p.Page,
            Section = p.Section,
            StartOffset = p.StartOffset,
            EndOffset = p.EndOffset,
            Node = Name,
            Shard = shard,
        })];
    }

    private async Task<bool> OwnersHoldAllAsync(string knowledgeBase, int shard, IReadOnlyList<string> owners)
    {
        var mine = List(knowledgeBase, shard);
        foreach (var owner in owners)
        {
            try
            {
                var theirs = (await Node(owner).ListAsync(knowledgeBase, shard).ConfigureAwait(false)).ToDictionary(d => d.Key, StringComparer.Ordinal);
                if (mine.Any(d => !theirs.TryGetValue(d.Key, out var held) || (held.ContentHash != d.ContentHash && held.Version < d.Version)))
                {
                    return false;
                }
            }
            catch (Exception exception) when (exception is not OperationCanceledException)
            {
                return false;
            }
        }

        return true;
    }

    private async Task DropShardAsync(string knowledgeBase, int shard)
    {
        var name = ShardName(knowledgeBase, shard);
        var gate = _shardLocks.GetOrAdd(name, static _ => new SemaphoreSlim(1, 1));
        await gate.WaitAsync().ConfigureAwait(false);
        try
        {
            if (_sessions.TryRemove(name, out var session) && session.IsValueCreated)
            {
                await (await session.Value.ConfigureAwait(false)).DisposeAsync().ConfigureAwait(false);
            }

            // The records go first: a shard folder without records holds nothing, whatever else is left in it.
            var folder = ShardFolder(knowledgeBase, shard);
            if (Directory.Exists(folder))
            {
                foreach (var meta in Directory.EnumerateFiles(folder, "*.meta"))
                {
                    File.Delete(meta);
                }
            }

            _records.TryRemove((knowledgeBase, shard), out _);

            await _knowledgeBases.RemoveAsync(name).ConfigureAwait(false);
            if (Directory.Exists(folder))
            {
                Directory.Delete(folder, recursive: true);
            }

            LogShardDropped(_logger, knowledgeBase, shard);
        }
        finally
        {
            gate.Release();
        }
    }

    private async Task<KnowledgeBaseSession> SessionAsync(string knowledgeBase, int shard, CancellationToken cancellationToken)
    {
        var name = ShardName(knowledgeBase, shard);
        var lazy = _sessions.GetOrAdd(name, n => new Lazy<Task<KnowledgeBaseSession>>(() => _knowledgeBases.OpenAsync(n, create: true, cancellationToken: CancellationToken.None)));
        try
        {
            return await lazy.Value.WaitAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (Exception) when (lazy.Value.IsFaulted)
        {
            _sessions.TryRemove(new KeyValuePair<string, Lazy<Task<KnowledgeBaseSession>>>(name, lazy));
            throw;
        }
    }

    private ConcurrentDictionary<string, StoredDocument> Records(string knowledgeBase, int shard) =>
        _records.GetOrAdd((knowledgeBase, shard), static _ => new ConcurrentDictionary<string, StoredDocument>(StringComparer.Ordinal));

    private void LoadRecords()
    {
        foreach (var (knowledgeBase, shard) in HeldShards())
        {
            var folder = ShardFolder(knowledgeBase, shard);
            if (!Directory.Exists(folder))
            {
                continue;
            }

            foreach (var path in Directory.EnumerateFiles(folder, "*.meta"))
            {
                if (ReadMeta(path) is { } meta)
                {
                    Records(knowledgeBase, shard)[meta.Key] = meta;
                }
            }
        }
    }

    private void CheckShard(int shard)
    {
        if (shard < 0 || shard >= Options.Shards)
        {
            throw new ArgumentOutOfRangeException(nameof(shard), shard, $"Shard {shard} does not exist: this cluster has shards 0 to {Options.Shards - 1}.");
        }
    }

    private static string ShardName(string knowledgeBase, int shard) => FormattableString.Invariant($"{knowledgeBase}.s{shard:D3}");

    private string ShardFolder(string knowledgeBase, int shard) => Path.Combine(Root, knowledgeBase, shard.ToString("D3", System.Globalization.CultureInfo.InvariantCulture));

    private static string FileId(string key) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(key)))[..40];

    private string MetaPath(string knowledgeBase, int shard, string key) => Path.Combine(ShardFolder(knowledgeBase, shard), FileId(key) + ".meta");

    private string DocumentPath(string knowledgeBase, int shard, string key) => Path.Combine(ShardFolder(knowledgeBase, shard), FileId(key) + ".json");

    private static StoredDocument? ReadMeta(string path)
    {
        try
        {
            return JsonSerializer.Deserialize(File.ReadAllBytes(path), ClusterJsonContext.Default.StoredDocument);
        }
        catch (Exception exception) when (exception is FileNotFoundException or DirectoryNotFoundException or JsonException)
        {
            return null;
        }
    }

    private static async Task WriteAtomicAsync(string path, byte[] bytes, CancellationToken cancellationToken)
    {
        var temporary = path + "." + Guid.NewGuid().ToString("N") + ".tmp";
        await using (var stream = new FileStream(temporary, FileMode.CreateNew, FileAccess.Write, FileShare.None, 4096, FileOptions.WriteThrough))
        {
            await stream.WriteAsync(bytes, cancellationToken).ConfigureAwait(false);
            await stream.FlushAsync(cancellationToken).ConfigureAwait(false);
        }

        File.Move(temporary, path, overwrite: true);
    }

    [GeneratedRegex("^[A-Za-z0-9_-]{1,48}$", RegexOptions.CultureInvariant)]
    private static partial Regex KnowledgeBaseName();

    [LoggerMessage(Level = LogLevel.Warning, Message = "Repair of {KnowledgeBase} shard {Shard} on {Owner} failed: {Reason}")]
    private static partial void LogRepairFailed(ILogger logger, string knowledgeBase, int shard, string owner, string reason);

    [LoggerMessage(Level = LogLevel.Information, Message = "Dropped {KnowledgeBase} shard {Shard}: its owners hold every document of it")]
    private static partial void LogShardDropped(ILogger logger, string knowledgeBase, int shard);

    private sealed class CaptureSink : IDocumentSink
    {
        public DocumentContent? Document { get; private set; }

        public Task<IReadOnlyDictionary<string, string>> GetStoredHashesAsync(CancellationToken cancellationToken = default) =>
            Task.FromResult<IReadOnlyDictionary<string, string>>(new Dictionary<string, string>());

        public Task StoreAsync(DocumentContent document, CancellationToken cancellationToken = default)
        {
            Document = document;
            return Task.CompletedTask;
        }

        public Task<bool> RemoveAsync(string key, CancellationToken cancellationToken = default) => Task.FromResult(false);
    }
}

[JsonSerializable(typeof(StoredDocument))]
internal sealed partial class ClusterJsonContext : JsonSerializerContext;
