using Microsoft.Extensions.Options;
using PluginAI.Gguf;
using PluginAI.Host.Planning;
using PluginAI.Runtime.Models.Internal;

namespace PluginAI.Runtime.Models;

/// <summary>The models use case: registered names, the default-model rule, plans, and what the pool holds.</summary>
public sealed partial class ModelService
{
    private readonly PluginHostProvider _hosts;
    private readonly ModelPool _pool;
    private readonly PluginAIOptions _options;

    /// <summary>Initializes a new instance of the <see cref="ModelService"/> class.</summary>
    /// <param name="hosts">The host.</param>
    /// <param name="pool">The model pool.</param>
    /// <param name="options">The defaults.</param>
    public ModelService(PluginHostProvider hosts, ModelPool pool, IOptions<PluginAIOptions> options)
    {
        ArgumentNullException.ThrowIfNull(options);
        _hosts = hosts;
        _pool = pool;
        _options = options.Value;
    }

    /// <summary>Gets the embedding model new knowledge bases use.</summary>
    public string DefaultEmbeddingModel => _options.DefaultEmbeddingModel;

    /// <summary>Gets the registered name chat and ask use when no model is named.</summary>
    public string DefaultChatModel => _options.DefaultChatModel;

    private ModelRegistry Registry => new(_hosts.Paths);

    /// <summary>The command that would download a model a user named but does not have, to offer instead of a bare "not found".</summary>
    /// <param name="model">The name, <c>OWNER/REPO</c> or <c>hf:OWNER/REPO[:QUANT]</c> the user gave.</param>
    /// <returns>A <c>pluginai models pull</c> command line.</returns>
    public static string PullCommandFor(string model)
    {
        ArgumentNullException.ThrowIfNull(model);
        if (model.StartsWith("hf:", StringComparison.OrdinalIgnoreCase))
        {
            return $"pluginai models pull {model}";
        }

        return model.Count(c => c == '/') == 1 && !model.StartsWith('/') && !model.StartsWith('.') && !System.IO.Path.HasExtension(model)
            ? $"pluginai models pull hf:{model}"
            : $"pluginai models pull hf:OWNER/REPO --name {(model.Length is > 0 and <= 64 && model.All(c => char.IsAsciiLetterOrDigit(c) || c is '.' or '_' or '-') ? model : "NAME")}";
    }

    /// <summary>Lists the registered models.</summary>
    /// <returns>The models, by name.</returns>
    public IReadOnlyList<RegisteredModel> List() => Registry.List();

    /// <summary>Registers a model file under a name.</summary>
    /// <param name="name">The name.</param>
    /// <param name="path">The file.</param>
    /// <returns>The registration.</returns>
    /// <exception cref="PluginException">The name is not valid or the file does not exist.</exception>
    public RegisteredModel Add(string name, string path) => Registry.Add(name, path);

    /// <summary>Forgets a registered name; the file is kept.</summary>
    /// <param name="name">The name.</param>
    /// <returns><see langword="true"/> when it was registered.</returns>
    public bool Remove(string name) => Registry.Remove(name);

    /// <summary>
    /// Applies the default-model rule: the model asked for, else the model registered under
    /// <see cref="PluginAIOptions.DefaultChatModel"/>, else none (answers are then extractive).
    /// </summary>
    /// <param name="requested">The model the caller named, if any.</param>
    /// <returns>The model to use, or <see langword="null"/> for none.</returns>
    public string? ResolveChatModel(string? requested) =>
        !string.IsNullOrWhiteSpace(requested) ? requested
        : Registry.List().Any(m => string.Equals(m.Name, _options.DefaultChatModel, StringComparison.OrdinalIgnoreCase)) ? _options.DefaultChatModel
        : null;

    /// <summary>Plans how a model would run here, without loading it.</summary>
    /// <param name="nameOrPath">A registered name, a file path, or a built-in model name.</param>
    /// <param name="overrides">The user's choices.</param>
    /// <param name="cancellationToken">A token to cancel.</param>
    /// <returns>The backend, the file and the plan.</returns>
    public Task<ModelPlan> PlanAsync(string nameOrPath, PlanOverrides? overrides = null, CancellationToken cancellationToken = default) =>
        _pool.PlanAsync(nameOrPath, overrides, cancellationToken);

    /// <summary>Gets what the model pool holds now.</summary>
    /// <returns>The pooled models with their state.</returns>
    public IReadOnlyList<PooledModelInfo> Loaded() => _pool.List();

    /// <summary>Unloads an idle model now.</summary>
    /// <param name="nameOrPath">The model.</param>
    /// <returns><see langword="true"/> when it was unloaded.</returns>
    public Task<bool> UnloadAsync(string nameOrPath) => _pool.UnloadAsync(nameOrPath);

    /// <summary>
    /// Downloads a model into the models folder of the PluginAI home, verifies it and registers it. An interrupted pull
    /// leaves a <c>.partial</c> file that the next pull of the same file resumes; nothing already registered is touched
    /// until the new file is complete, verified and moved into place.
    /// </summary>
    /// <param name="request">The source and how to check it.</param>
    /// <param name="progress">Receives progress, from the thread that downloads.</param>
    /// <param name="cancellationToken">A token to cancel; the partial file is kept for a later resume.</param>
    /// <returns>The registered model.</returns>
    /// <exception cref="PluginException">
    /// The source is not valid or cannot be reached, the server refuses (with an error code such as
    /// <c>pull.unauthorized</c> or <c>pull.not-found</c>), the hash or the GGUF header is wrong, or the download stopped.
    /// </exception>
    /// <exception cref="PluginAI.Registry.RegistryException">A <c>pkg:</c> source: no package source has the package, it is a plugin, or it is unsafe.</exception>
    /// <exception cref="PluginAI.Trust.TrustException">A <c>pkg:</c> source: the package failed a trust check, with the reasons a plugin installation gives.</exception>
    public async Task<ModelPullResult> PullAsync(ModelPullRequest request, IProgress<ModelPullProgress>? progress = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        var hardware = await _hosts.GetHardwareAsync(cancellationToken).ConfigureAwait(false);
        return await new ModelPuller(_hosts.Paths, hardware, packages: Plugins.PluginService.CreateInstaller(_hosts)).PullAsync(request, progress, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Reads a GGUF model's header and plans how it would run here, without loading it.</summary>
    /// <param name="nameOrPath">A registered name or a file path.</param>
    /// <param name="overrides">The user's choices for the plan.</param>
    /// <param name="cancellationToken">A token to cancel.</param>
    /// <returns>The header as a person needs it, and the plan.</returns>
    /// <exception cref="PluginException">The model cannot be found, or it is not a GGUF file.</exception>
    public async Task<ModelInfo> InfoAsync(string nameOrPath, PlanOverrides? overrides = null, CancellationToken cancellationToken = default)
    {
        var plan = await PlanAsync(nameOrPath, overrides, cancellationToken).ConfigureAwait(false);
        if (!File.Exists(plan.Path))
        {
            throw new PluginException($"{nameOrPath}: a built-in model of {plan.Backend.Metadata.Name}, not a GGUF file; 'models info' reads GGUF files.") { ErrorCode = "model.not-gguf" };
        }

        GgufFile header;
        try
        {
            header = GgufFile.Read(plan.Path);
        }
        catch (GgufFormatException ex)
        {
            throw new PluginException($"{plan.Path}: not a GGUF model ({ex.Message}).", ex) { FilePath = plan.Path, ErrorCode = "model.not-gguf" };
        }

        return new ModelInfo
        {
            Path = plan.Path,
            FileBytes = header.FileSize,
            Name = header.Name,
            Architecture = header.Architecture,
            Parameters = header.Tensors.Sum(t => t.ElementCount),
            Quantization = header.QuantizationName,
            ContextLength = header.ContextLength,
            Layers = header.BlockCount,
            EmbeddingLength = header.EmbeddingLength,
            HasChatTemplate = !string.IsNullOrEmpty(header.ChatTemplate),
            Tokenizer = header.GetString("tokenizer.ggml.model"),
            VocabularySize = header.TryGetValue("tokenizer.ggml.tokens", out var tokens) ? tokens.Count : header.VocabSize,
            GgufVersion = header.Version,
            Backend = plan.Backend.Metadata.Name,
            Plan = plan.Plan,
        };
    }

    /// <summary>
    /// Writes a quantised copy of a model beside the original (<c>NAME.TYPE.gguf</c>) with the backend's quantiser, checks
    /// its GGUF header and registers it. The copy is written under a <c>.partial</c> name and renamed when complete.
    /// </summary>
    /// <param name="nameOrPath">A registered name or a GGUF file.</param>
    /// <param name="type">The quantisation type, such as <c>Q4_K_M</c>, <c>Q5_K_M</c> or <c>Q8_0</c>.</param>
    /// <param name="name">The name to register the copy under; by default the original's name with the type appended.</param>
    /// <param name="threads">The threads to use; 0 for one per core.</param>
    /// <param name="progress">Receives the bytes written so far, while the backend works.</param>
    /// <param name="cancellationToken">A token to cancel before the work starts.</param>
    /// <returns>The registered copy.</returns>
    /// <exception cref="PluginException">No backend can quantise the model, the type is not supported, or the copy exists.</exception>
    public async Task<ModelQuantizeResult> QuantizeAsync(string nameOrPath, string type, string? name = null, int threads = 0, IProgress<long>? progress = null, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(nameOrPath);
        ArgumentException.ThrowIfNullOrEmpty(type);
        var plan = await PlanAsync(nameOrPath, cancellationToken: cancellationToken).ConfigureAwait(false);
        if (plan.Backend.GetService(typeof(PluginAI.Backends.IModelQuantizer)) is not PluginAI.Backends.IModelQuantizer quantizer)
        {
            throw new PluginException($"{plan.Path}: the backend {plan.Backend.Metadata.Name} cannot quantise models.") { FilePath = plan.Path, ErrorCode = "quantize.unsupported" };
        }

        var canonical = quantizer.QuantizationTypes.FirstOrDefault(t => string.Equals(t, type, StringComparison.OrdinalIgnoreCase))
            ?? throw new PluginException($"'{type}' is not a quantisation type {plan.Backend.Metadata.Name} writes; expected one of {string.Join(", ", quantizer.QuantizationTypes)}.") { ErrorCode = "quantize.type" };
        var source = plan.Path;
        var folder = System.IO.Path.GetDirectoryName(source)!;
        var stem = QuantSuffix().Replace(System.IO.Path.GetFileNameWithoutExtension(source), string.Empty);
        var destination = System.IO.Path.Combine(folder, $"{stem}.{canonical}.gguf");
        if (File.Exists(destination))
        {
            throw new PluginException($"{destination} already exists; register it with 'pluginai models add' or delete it first.") { FilePath = destination, ErrorCode = "quantize.exists" };
        }

        var registeredName = name ?? $"{(Registry.List().FirstOrDefault(m => string.Equals(m.Name, nameOrPath, StringComparison.OrdinalIgnoreCase))?.Name ?? InvalidNameCharacters().Replace(stem, "-"))}-{canonical}";
        var partial = destination + ".partial";
        File.Delete(partial);
        var work = quantizer.QuantizeAsync(source, partial, canonical, threads, cancellationToken);
        try
        {
            while (!work.IsCompleted)
            {
                await Task.WhenAny(work, Task.Delay(250, CancellationToken.None)).ConfigureAwait(false);
                if (progress is not null && File.Exists(partial))
                {
                    progress.Report(new FileInfo(partial).Length);
                }
            }

            await work.ConfigureAwait(false);
            try
            {
                _ = GgufFile.Read(partial);
            }
            catch (GgufFormatException ex)
            {
                throw new PluginException($"{destination}: the quantised file is not a valid GGUF model ({ex.Message}).", ex) { FilePath = destination, ErrorCode = "quantize.invalid" };
            }

            File.Move(partial, destination, overwrite: false);
        }
        finally
        {
            File.Delete(partial);
        }

        var model = Registry.Add(registeredName, destination);
        return new ModelQuantizeResult(model.Name, destination, canonical, source, new FileInfo(source).Length, new FileInfo(destination).Length);
    }

    [System.Text.RegularExpressions.GeneratedRegex(@"[.-](F32|F16|BF16|Q\d[A-Z0-9_]*)$", System.Text.RegularExpressions.RegexOptions.CultureInvariant | System.Text.RegularExpressions.RegexOptions.IgnoreCase)]
    private static partial System.Text.RegularExpressions.Regex QuantSuffix();

    [System.Text.RegularExpressions.GeneratedRegex(@"[^A-Za-z0-9._-]", System.Text.RegularExpressions.RegexOptions.CultureInvariant)]
    private static partial System.Text.RegularExpressions.Regex InvalidNameCharacters();
}
