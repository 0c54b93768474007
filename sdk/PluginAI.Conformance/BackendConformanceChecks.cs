using System.Diagnostics;
using Microsoft.Extensions.AI;
using PluginAI.Backends;
using PluginAI.Conformance.Internal;

namespace PluginAI.Conformance;

/// <summary>
/// The conformance checks for inference backends, as plain async methods that need no test framework: xunit runs them
/// through <c>PluginAI.Testing</c>'s <c>BackendConformanceTests</c> (inherit that in your backend's test project and
/// implement <see cref="CreateBackend"/> and <see cref="CreateModelRequest"/>), and <c>pluginai certify</c> through
/// <c>ConformanceRunner</c>. Call <see cref="InitializeAsync"/> before a check and <see cref="DisposeAsync"/> after it.
/// </summary>
/// <remarks>
/// <para>
/// Chat tests run when the loaded model reports <see cref="ModelCapabilities.Chat"/>, embedding tests when it reports
/// <see cref="ModelCapabilities.Embeddings"/>, and the determinism test when it reports
/// <see cref="ModelCapabilities.SeedDeterminism"/> (which also makes the streaming and concurrency tests compare answers
/// exactly); for the others the test passes without checking anything model-specific, so keep the capabilities truthful.
/// </para>
/// <para>
/// One model is loaded for the whole class (xunit creates the class per test, so the model lives in a fixture you
/// control by overriding <see cref="CreateModelRequest"/> with a small model).
/// </para>
/// </remarks>
public abstract class BackendConformanceChecks
{
    private IInferenceBackend? _backend;
    private ILoadedModel? _model;
    private string? _scratch;

    /// <summary>Gets the backend under test.</summary>
    protected IInferenceBackend Backend => _backend ?? throw new InvalidOperationException("The backend is created in InitializeAsync.");

    /// <summary>Gets the model loaded from <see cref="CreateModelRequest"/>.</summary>
    protected ILoadedModel Model => _model ?? throw new InvalidOperationException("The model is loaded in InitializeAsync.");

    /// <summary>Gets a folder the suite may write scratch files to.</summary>
    protected string ScratchDirectory => _scratch ?? throw new InvalidOperationException("The scratch folder is created in InitializeAsync.");

    /// <summary>Creates the backend under test.</summary>
    /// <returns>The backend.</returns>
    protected abstract IInferenceBackend CreateBackend();

    /// <summary>Creates the request for a small model the backend loads quickly.</summary>
    /// <returns>The load request.</returns>
    protected abstract ModelLoadRequest CreateModelRequest();

    /// <summary>Gets the file extension of the backend's model files, used to write a file that is not a model.</summary>
    protected virtual string ModelFileExtension => "." + (Backend.Metadata.Formats.FirstOrDefault() ?? "bin");

    /// <summary>Creates the chat options for a short, reproducible answer.</summary>
    /// <returns>The options.</returns>
    protected virtual ChatOptions CreateChatOptions() => new() { MaxOutputTokens = 16, Seed = 42, Temperature = 0.8f };

    /// <summary>Creates the prompt the chat tests send.</summary>
    /// <returns>The messages.</returns>
    protected virtual IList<ChatMessage> CreatePrompt() => [new ChatMessage(ChatRole.User, "Tell me a short story about a lighthouse.")];

    /// <summary>Creates the backend, loads the model and makes the scratch folder; runs before each check.</summary>
    /// <returns>A task.</returns>
    public virtual async Task InitializeAsync()
    {
        _scratch = Path.Combine(Path.GetTempPath(), "pluginai-conformance", Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(_scratch);
        _backend = CreateBackend();
        _model = await _backend.LoadModelAsync(CreateModelRequest()).ConfigureAwait(false);
    }

    /// <summary>Unloads the model and deletes the scratch folder; runs after each check.</summary>
    /// <returns>A task.</returns>
    public virtual async Task DisposeAsync()
    {
        if (_model is not null)
        {
            await _model.DisposeAsync().ConfigureAwait(false);
        }

        if (_scratch is not null && Directory.Exists(_scratch))
        {
            Directory.Delete(_scratch, recursive: true);
        }
    }

    /// <summary>The backend describes itself and the model describes what it can do, truthfully.</summary>
    [ConformanceCheck]
    public virtual void Metadata_DescribesBackendAndModel()
    {
        Check.False(string.IsNullOrWhiteSpace(Backend.Metadata.Name));
        Check.NotEmpty(Backend.Metadata.Formats);
        var capabilities = Model.Metadata.Capabilities;
        Check.True(capabilities.HasFlag(ModelCapabilities.Chat) || capabilities.HasFlag(ModelCapabilities.Embeddings), "a model must chat or embed");
        Check.Equal(capabilities.HasFlag(ModelCapabilities.Chat), Model.ChatClient is not null);
        Check.Equal(capabilities.HasFlag(ModelCapabilities.Embeddings), Model.EmbeddingGenerator is not null);
        Check.False(string.IsNullOrWhiteSpace(Model.Metadata.ModelId));
        if (capabilities.HasFlag(ModelCapabilities.Embeddings))
        {
            Check.True(Model.Metadata.EmbeddingDimensions > 0, "an embedding model declares its dimension");
        }
    }

    /// <summary>A missing model file is a <see cref="PluginException"/> that names the file.</summary>
    /// <returns>A task.</returns>
    [ConformanceCheck]
    public virtual async Task Load_MissingFile_ThrowsPluginExceptionNamingTheFile()
    {
        var path = Path.Combine(ScratchDirectory, "missing" + ModelFileExtension);
        var ex = await Check.ThrowsAsync<PluginException>(() => Backend.LoadModelAsync(CreateModelRequest() with { ModelPath = path }));
        Check.Contains(path, ex.Message, StringComparison.Ordinal);
    }

    /// <summary>A file that is not a model is a <see cref="PluginException"/> that names the file, never a crash.</summary>
    /// <returns>A task.</returns>
    [ConformanceCheck]
    public virtual async Task Load_FileThatIsNotAModel_ThrowsPluginExceptionNamingTheFile()
    {
        var path = Path.Combine(ScratchDirectory, "not-a-model" + ModelFileExtension);
        var noise = new byte[4096];
        new Random(7).NextBytes(noise);
        await File.WriteAllBytesAsync(path, noise);
        var ex = await Check.ThrowsAsync<PluginException>(() => Backend.LoadModelAsync(CreateModelRequest() with { ModelPath = path }));
        Check.Contains(path, ex.Message, StringComparison.Ordinal);
    }

    /// <summary>A pre-cancelled load is cancelled.</summary>
    /// <returns>A task.</returns>
    [ConformanceCheck]
    public virtual async Task Load_CancelledToken_Throws()
    {
        using var cts = new CancellationTokenSource();
        await cts.CancelAsync();
        await Check.ThrowsAnyAsync<OperationCanceledException>(() => Backend.LoadModelAsync(CreateModelRequest(), cts.Token));
    }

    /// <summary>Streaming yields text, in order, and the same text as the non-streaming call when seeded.</summary>
    /// <returns>A task.</returns>
    [ConformanceCheck]
    public virtual async Task Chat_Streaming_YieldsText()
    {
        if (Model.ChatClient is not { } chat)
        {
            return;
        }

        var updates = new List<ChatResponseUpdate>();
        await foreach (var update in chat.GetStreamingResponseAsync(CreatePrompt(), CreateChatOptions()))
        {
            updates.Add(update);
        }

        Check.NotEmpty(updates);
        Check.Contains(updates, u => !string.IsNullOrEmpty(u.Text));
        if (Model.Metadata.Capabilities.HasFlag(ModelCapabilities.SeedDeterminism))
        {
            var response = await chat.GetResponseAsync(CreatePrompt(), CreateChatOptions());
            Check.Equal(string.Concat(updates.Select(u => u.Text)), response.Text);
        }
    }

    /// <summary>The same seed gives the same answer, where the model claims it.</summary>
    /// <returns>A task.</returns>
    [ConformanceCheck]
    public virtual async Task Chat_SameSeed_SameAnswer()
    {
        if (Model.ChatClient is not { } chat || !Model.Metadata.Capabilities.HasFlag(ModelCapabilities.SeedDeterminism))
        {
            return;
        }

        var first = await chat.GetResponseAsync(CreatePrompt(), CreateChatOptions());
        var second = await chat.GetResponseAsync(CreatePrompt(), CreateChatOptions());
        Check.Equal(first.Text, second.Text);
    }

    /// <summary>The answer stops at the requested number of output tokens.</summary>
    /// <returns>A task.</returns>
    [ConformanceCheck]
    public virtual async Task Chat_MaxOutputTokens_IsRespected()
    {
        if (Model.ChatClient is not { } chat)
        {
            return;
        }

        var options = CreateChatOptions();
        options.MaxOutputTokens = 4;
        var response = await chat.GetResponseAsync(CreatePrompt(), options);
        if (response.Usage?.OutputTokenCount is { } tokens)
        {
            Check.InRange(tokens, 1, 4);
        }
        else
        {
            var updates = 0;
            await foreach (var update in chat.GetStreamingResponseAsync(CreatePrompt(), options))
            {
                updates += string.IsNullOrEmpty(update.Text) ? 0 : 1;
            }

            Check.InRange(updates, 1, 4);
        }
    }

    /// <summary>Cancelling a stream after its first update ends it promptly with <see cref="OperationCanceledException"/>.</summary>
    /// <returns>A task.</returns>
    [ConformanceCheck]
    public virtual async Task Chat_CancelledMidStream_StopsPromptly()
    {
        if (Model.ChatClient is not { } chat)
        {
            return;
        }

        var options = CreateChatOptions();
        options.MaxOutputTokens = 10_000;
        using var cts = new CancellationTokenSource();
        var watch = new Stopwatch();
        var received = 0;
        await Check.ThrowsAnyAsync<OperationCanceledException>(async () =>
        {
            await foreach (var update in chat.GetStreamingResponseAsync(CreatePrompt(), options, cts.Token))
            {
                if (++received == 1)
                {
                    watch.Start();
                    await cts.CancelAsync();
                }
            }
        });
        Check.True(watch.Elapsed < ConformanceSuite.CancellationGrace, $"the stream ran {watch.Elapsed} after cancellation");
    }

    /// <summary>Asking for a stream returns at once; the work happens while it is enumerated.</summary>
    [ConformanceCheck]
    public virtual void Chat_GettingTheStream_DoesNotBlockTheCaller()
    {
        if (Model.ChatClient is not { } chat)
        {
            return;
        }

        var watch = Stopwatch.StartNew();
        var stream = chat.GetStreamingResponseAsync(CreatePrompt(), CreateChatOptions());
        watch.Stop();
        Check.NotNull(stream);
        Check.True(watch.Elapsed < TimeSpan.FromSeconds(1), $"GetStreamingResponseAsync blocked for {watch.Elapsed} before returning the stream");
    }

    /// <summary>A chat call or stream whose token is already cancelled throws <see cref="OperationCanceledException"/> without producing anything.</summary>
    /// <returns>A task.</returns>
    [ConformanceCheck]
    public virtual async Task Chat_CancelledBeforeStart_ThrowsWithoutProducingAnything()
    {
        if (Model.ChatClient is not { } chat)
        {
            return;
        }

        using var cts = new CancellationTokenSource();
        await cts.CancelAsync();
        var received = 0;
        await Check.ThrowsAnyAsync<OperationCanceledException>(async () =>
        {
            await foreach (var update in chat.GetStreamingResponseAsync(CreatePrompt(), CreateChatOptions(), cts.Token))
            {
                received++;
            }
        });
        Check.Equal(0, received);
        await Check.ThrowsAnyAsync<OperationCanceledException>(() => chat.GetResponseAsync(CreatePrompt(), CreateChatOptions(), cts.Token));
    }

    /// <summary>
    /// Concurrent requests on one model all complete, streamed and not, and with <see cref="ModelCapabilities.SeedDeterminism"/>
    /// give the answer the same request gets alone: a backend that runs one sequence at a time queues callers.
    /// </summary>
    /// <returns>A task.</returns>
    [ConformanceCheck]
    public virtual async Task Chat_ConcurrentRequests_AreSafe()
    {
        if (Model.ChatClient is not { } chat)
        {
            return;
        }

        var alone = await chat.GetResponseAsync(CreatePrompt(), CreateChatOptions());
        var answers = await Task.WhenAll(Enumerable.Range(0, 4).Select(i => Task.Run(async () =>
        {
            if (i % 2 == 0)
            {
                return (await chat.GetResponseAsync(CreatePrompt(), CreateChatOptions())).Text;
            }

            var text = new System.Text.StringBuilder();
            await foreach (var update in chat.GetStreamingResponseAsync(CreatePrompt(), CreateChatOptions()))
            {
                text.Append(update.Text);
            }

            return text.ToString();
        })));

        Check.All(answers, a => Check.False(string.IsNullOrEmpty(a), "a concurrent request got no text"));
        if (Model.Metadata.Capabilities.HasFlag(ModelCapabilities.SeedDeterminism))
        {
            Check.All(answers, a => Check.Equal(alone.Text, a));
        }
    }

    /// <summary>The chat client describes its provider, as Microsoft.Extensions.AI clients do.</summary>
    [ConformanceCheck]
    public virtual void Chat_GetService_ReturnsClientMetadata()
    {
        if (Model.ChatClient is not { } chat)
        {
            return;
        }

        var metadata = chat.GetService<ChatClientMetadata>();
        Check.NotNull(metadata);
        Check.False(string.IsNullOrWhiteSpace(metadata.ProviderName));
    }

    /// <summary>Embeddings have the declared dimension, finite values, and one vector per input in input order.</summary>
    /// <returns>A task.</returns>
    [ConformanceCheck]
    public virtual async Task Embeddings_HaveTheDeclaredDimension()
    {
        if (Model.EmbeddingGenerator is not { } embedder)
        {
            return;
        }

        string[] inputs = ["The cat sat on the mat.", "A much longer sentence about solar panels, batteries and inverters in a small house.", "Zürich"];
        var embeddings = await embedder.GenerateAsync(inputs);
        Check.Equal(inputs.Length, embeddings.Count);
        foreach (var embedding in embeddings)
        {
            Check.Equal(Model.Metadata.EmbeddingDimensions, embedding.Vector.Length);
            Check.All(embedding.Vector.ToArray(), v => Check.True(float.IsFinite(v)));
        }

        var single = await embedder.GenerateAsync([inputs[1]]);
        Check.Equal(embeddings[1].Vector.ToArray(), single[0].Vector.ToArray(), new ToleranceComparer(1e-4f));
    }

    /// <summary>Concurrent embedding calls are safe and give the same vectors as sequential ones.</summary>
    /// <returns>A task.</returns>
    [ConformanceCheck]
    public virtual async Task Embeddings_ConcurrentCalls_AreSafe()
    {
        if (Model.EmbeddingGenerator is not { } embedder)
        {
            return;
        }

        var texts = Enumerable.Range(0, 8).Select(i => $"Sentence number {i} about local inference.").ToArray();
        var sequential = new List<float[]>();
        foreach (var text in texts)
        {
            sequential.Add((await embedder.GenerateAsync([text]))[0].Vector.ToArray());
        }

        var parallel = await Task.WhenAll(texts.Select(async t => (await embedder.GenerateAsync([t]))[0].Vector.ToArray()));
        for (var i = 0; i < texts.Length; i++)
        {
            Check.Equal(sequential[i], parallel[i], new ToleranceComparer(1e-4f));
        }
    }

    /// <summary>A pre-cancelled embedding call is cancelled.</summary>
    /// <returns>A task.</returns>
    [ConformanceCheck]
    public virtual async Task Embeddings_CancelledToken_Throws()
    {
        if (Model.EmbeddingGenerator is not { } embedder)
        {
            return;
        }

        using var cts = new CancellationTokenSource();
        await cts.CancelAsync();
        await Check.ThrowsAnyAsync<OperationCanceledException>(() => embedder.GenerateAsync(["cancelled"], cancellationToken: cts.Token));
    }

    /// <summary>An empty batch gives an empty result, not an error.</summary>
    /// <returns>A task.</returns>
    [ConformanceCheck]
    public virtual async Task Embeddings_EmptyBatch_GivesNoEmbeddings()
    {
        if (Model.EmbeddingGenerator is not { } embedder)
        {
            return;
        }

        var embeddings = await embedder.GenerateAsync([]);
        Check.Empty(embeddings);
    }

    private sealed class ToleranceComparer(float tolerance) : IEqualityComparer<float>
    {
        public bool Equals(float x, float y) => Math.Abs(x - y) <= tolerance;

        public int GetHashCode(float obj) => 0;
    }
}
