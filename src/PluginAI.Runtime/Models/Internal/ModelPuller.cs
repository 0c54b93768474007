using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Text.Json;
using System.Text.RegularExpressions;
using PluginAI.Gguf;
using PluginAI.Hardware;
using PluginAI.Registry;
using PluginAI.Trust;

namespace PluginAI.Runtime.Models.Internal;

/// <summary>
/// Downloads a model into <c>&lt;home&gt;/models/</c>, treating everything the server sends as untrusted: the local file
/// name cannot leave the models folder, the download goes to <c>NAME.partial</c> and never grows past the published
/// size, the SHA-256 and the GGUF header are checked before the file is moved into place in one rename, and only then
/// is it registered. A pull that is interrupted (connection lost, process killed) leaves only the partial file,
/// which the next pull of the same file resumes with an HTTP Range request.
/// </summary>
internal sealed partial class ModelPuller
{
    public const string DefaultHubEndpoint = "https://huggingface.co";
    public const string HubConfigFileName = "hub.json";
    private const int BufferSize = 1 << 16;
    private static readonly TimeSpan s_progressInterval = TimeSpan.FromMilliseconds(200);

    private readonly PluginAIPaths _paths;
    private readonly HardwareProfile _hardware;
    private readonly HttpMessageHandler? _handler;
    private readonly PluginInstaller? _packages;
    private readonly Func<string, long?> _freeSpace;

    /// <param name="paths">The PluginAI home.</param>
    /// <param name="hardware">This machine, to choose among a repository's files.</param>
    /// <param name="handler">The HTTP handler; <see langword="null"/> for a new one per pull.</param>
    /// <param name="packages">The installer whose package sources and trust checks serve <c>pkg:</c> sources; <see langword="null"/> refuses them.</param>
    /// <param name="freeSpace">The free bytes on the volume of a folder, or <see langword="null"/> when unknown; by default the drive's available space.</param>
    public ModelPuller(PluginAIPaths paths, HardwareProfile hardware, HttpMessageHandler? handler = null, PluginInstaller? packages = null, Func<string, long?>? freeSpace = null)
    {
        _paths = paths;
        _hardware = hardware;
        _handler = handler;
        _packages = packages;
        _freeSpace = freeSpace ?? DriveFreeSpace;
    }

    public string ModelsDirectory => Path.Combine(_paths.Home, "models");

    public async Task<ModelPullResult> PullAsync(ModelPullRequest request, IProgress<ModelPullProgress>? progress, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (ModelPackageSource.TryParse(request.Source, out var packageId, out var packageVersion))
        {
            return await PullPackageAsync(packageId, packageVersion, request, progress, cancellationToken).ConfigureAwait(false);
        }

        var config = HubConfig.Load(Path.Combine(_paths.Home, HubConfigFileName));
        using var http = _handler is null
            ? new HttpClient(new SocketsHttpHandler { AutomaticDecompression = DecompressionMethods.None, ConnectTimeout = TimeSpan.FromSeconds(30) }) { Timeout = Timeout.InfiniteTimeSpan }
            : new HttpClient(_handler, disposeHandler: false) { Timeout = Timeout.InfiniteTimeSpan };
        http.DefaultRequestHeaders.UserAgent.Add(new ProductInfoHeaderValue("PluginAI", "0.1"));

        HubFile file;
        var token = Environment.GetEnvironmentVariable("HF_TOKEN") is { Length: > 0 } envToken ? envToken : config.Token;
        if (HubSource.TryParse(request.Source, out var repository, out var selector))
        {
            var endpoint = HubEndpoint(request.HubEndpoint ?? (Environment.GetEnvironmentVariable("HF_ENDPOINT") is { Length: > 0 } envEndpoint ? envEndpoint : null) ?? config.Endpoint ?? DefaultHubEndpoint);
            file = await HubSource.ResolveAsync(http, endpoint, token, repository, selector, _hardware, cancellationToken).ConfigureAwait(false);
            if (file.Sha256 is null)
            {
                throw new PluginException($"{file.Url}: the hub publishes no SHA-256 for {file.FileName} (it is not stored in LFS), so it cannot be verified.") { ErrorCode = "pull.no-hash" };
            }
        }
        else if (Uri.TryCreate(request.Source, UriKind.Absolute, out var url) && url.Scheme is "http" or "https")
        {
            if (request.Sha256 is null && !request.NoVerify)
            {
                throw new PluginException($"{url}: a URL publishes no hash PluginAI can check; give the file's SHA-256 with --sha256, or pass --no-verify to accept it unchecked.") { ErrorCode = "pull.no-hash" };
            }

            var name = Uri.UnescapeDataString(url.AbsolutePath.Split('/').LastOrDefault() ?? string.Empty);
            file = new HubFile(url, name, Size: null, request.Sha256, SendToken: false, $"{name}, as given");
        }
        else
        {
            throw new PluginException($"'{request.Source}' is not a model source; expected hf:OWNER/REPO[:QUANT or FILE], an http(s):// URL of a GGUF file, or pkg:ID[@VERSION] (a model package from a package source).") { ErrorCode = "pull.source" };
        }

        if (request.Sha256 is not null && file.SendToken && !string.Equals(request.Sha256, file.Sha256, StringComparison.OrdinalIgnoreCase))
        {
            throw new PluginException($"{file.Url}: the hub publishes SHA-256 {file.Sha256} for {file.FileName}, not {request.Sha256}.") { ErrorCode = "pull.hash-mismatch" };
        }

        var expectedHash = file.Sha256 is null ? null : NormalizeHash(file.Sha256, file.Url);
        var target = TargetPath(file.FileName, file.Url);
        var registeredName = RegisteredName(request.Name, file.FileName);
        if (!RegisteredNamePattern().IsMatch(registeredName))
        {
            throw new PluginException($"'{registeredName}' is not a valid model name; expected letters, digits, '.', '_' and '-', up to 64 characters.") { ErrorCode = "pull.name" };
        }

        var registry = new ModelRegistry(_paths);

        if (File.Exists(target))
        {
            var existing = await HashFileAsync(target, cancellationToken).ConfigureAwait(false);
            if (expectedHash is not null && !string.Equals(existing, expectedHash, StringComparison.Ordinal))
            {
                throw new PluginException($"{target} already exists with different content (SHA-256 {existing}, expected {expectedHash}); remove it with 'pluginai models remove' and delete the file, then pull again.") { FilePath = target, ErrorCode = "pull.exists" };
            }

            CheckGguf(target, deleteOnFailure: false);
            registry.Add(registeredName, target);
            progress?.Report(new ModelPullProgress("registered", file.FileName, new FileInfo(target).Length, new FileInfo(target).Length, 0));
            return new ModelPullResult(registeredName, target, file.Url.ToString(), new FileInfo(target).Length, existing, expectedHash is not null, 0, AlreadyPresent: true, file.Choice);
        }

        Directory.CreateDirectory(ModelsDirectory);
        var partial = target + ".partial";
        if (file.Size is { } knownSize)
        {
            // Before the partial file is created or anything is requested: a pull that cannot fit writes nothing.
            CheckFreeSpace(knownSize - (File.Exists(partial) ? Math.Min(new FileInfo(partial).Length, knownSize) : 0), knownSize);
        }

        var (size, resumedFrom, actualHash) = await DownloadAsync(http, file, file.SendToken ? token : null, partial, progress, cancellationToken).ConfigureAwait(false);

        progress?.Report(new ModelPullProgress("verifying", file.FileName, size, size, resumedFrom));
        if (expectedHash is not null && !string.Equals(actualHash, expectedHash, StringComparison.Ordinal))
        {
            File.Delete(partial);
            throw new PluginException($"{file.Url}: the downloaded file's SHA-256 is {actualHash}, but the source publishes {expectedHash}; the partial file {partial} was deleted. Nothing was registered.") { FilePath = partial, ErrorCode = "pull.hash-mismatch" };
        }

        CheckGguf(partial, deleteOnFailure: true);
        File.Move(partial, target, overwrite: false);
        registry.Add(registeredName, target);
        progress?.Report(new ModelPullProgress("registered", file.FileName, size, size, resumedFrom));
        return new ModelPullResult(registeredName, target, file.Url.ToString(), size, actualHash, expectedHash is not null, resumedFrom, AlreadyPresent: false, file.Choice);
    }

    private async Task<(long Size, long ResumedFrom, string Sha256)> DownloadAsync(HttpClient http, HubFile file, string? token, string partial, IProgress<ModelPullProgress>? progress, CancellationToken cancellationToken)
    {
        FileStream output;
        try
        {
            output = new FileStream(partial, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None, BufferSize);
        }
        catch (IOException ex)
        {
            throw new PluginException($"{partial}: another pull of this file is running ({ex.Message}).", ex) { FilePath = partial, ErrorCode = "pull.busy" };
        }

        await using (output.ConfigureAwait(false))
        {
            var offset = output.Length;
            if (file.Size is { } known && offset > known)
            {
                output.SetLength(0);
                offset = 0;
            }

            using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
            if (file.Size is { } complete && offset == complete)
            {
                await HashPrefixAsync(output, offset, hash, cancellationToken).ConfigureAwait(false);
                return (offset, offset, Convert.ToHexStringLower(hash.GetHashAndReset()));
            }

            using var message = new HttpRequestMessage(HttpMethod.Get, file.Url);
            if (token is not null)
            {
                message.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
            }

            if (offset > 0)
            {
                message.Headers.Range = new RangeHeaderValue(offset, null);
            }

            using var response = await SendAsync(http, message, file.Url, cancellationToken).ConfigureAwait(false);
            if (response.StatusCode == HttpStatusCode.RequestedRangeNotSatisfiable && offset > 0)
            {
                output.SetLength(0);
                throw new PluginException($"{file.Url}: the server refused to resume at byte {offset}; the partial file was emptied, run the same command again to download it afresh.") { ErrorCode = "pull.range" };
            }

            HttpErrors.ThrowIfFailed(response, file.Url, $"{file.FileName}");
            if (HttpErrors.IsHtml(response))
            {
                throw HttpErrors.Html(file.Url);
            }

            long total;
            if (response.StatusCode == HttpStatusCode.PartialContent && offset > 0)
            {
                var range = response.Content.Headers.ContentRange;
                if (range?.From != offset)
                {
                    throw new PluginException($"{file.Url}: the server answered a request for bytes from {offset} with bytes from {range?.From}.") { ErrorCode = "pull.range" };
                }

                total = file.Size ?? range.Length ?? throw new PluginException($"{file.Url}: the server gives no size for the file.") { ErrorCode = "pull.size" };
                await HashPrefixAsync(output, offset, hash, cancellationToken).ConfigureAwait(false);
            }
            else
            {
                offset = 0;
                output.SetLength(0);
                total = file.Size ?? response.Content.Headers.ContentLength ?? throw new PluginException($"{file.Url}: the server gives no size for the file (no Content-Length), so the download cannot be bounded.") { ErrorCode = "pull.size" };
            }

            try
            {
                CheckFreeSpace(total - offset, total);
            }
            catch (PluginException) when (offset == 0 && output.Length == 0)
            {
                output.Close();
                File.Delete(partial);
                throw;
            }

            output.Position = offset;
            var resumedFrom = offset;
            var received = offset;
            var buffer = new byte[BufferSize];
            var clock = Stopwatch.StartNew();
            var lastReport = TimeSpan.Zero;
            progress?.Report(new ModelPullProgress("downloading", file.FileName, received, total, resumedFrom));
            var body = await response.Content.ReadAsStreamAsync(cancellationToken).ConfigureAwait(false);
            await using (body.ConfigureAwait(false))
            {
                var first = true;
                while (true)
                {
                    int read;
                    try
                    {
                        read = await body.ReadAsync(buffer, cancellationToken).ConfigureAwait(false);
                    }
                    catch (Exception ex) when (ex is IOException or HttpRequestException)
                    {
                        await output.FlushAsync(CancellationToken.None).ConfigureAwait(false);
                        throw Interrupted(file, partial, received, total, ex);
                    }

                    if (read == 0)
                    {
                        break;
                    }

                    if (first && offset == 0)
                    {
                        first = false;
                        if (buffer[0] == (byte)'<')
                        {
                            output.SetLength(0);
                            throw HttpErrors.Html(file.Url);
                        }
                    }

                    if (received + read > total)
                    {
                        output.SetLength(0);
                        output.Close();
                        File.Delete(partial);
                        throw new PluginException($"{file.Url}: the server sent more than the {total} bytes the source gives for {file.FileName}; the partial file was deleted.") { FilePath = partial, ErrorCode = "pull.too-large" };
                    }

                    await output.WriteAsync(buffer.AsMemory(0, read), cancellationToken).ConfigureAwait(false);
                    hash.AppendData(buffer, 0, read);
                    received += read;
                    if (clock.Elapsed - lastReport >= s_progressInterval)
                    {
                        lastReport = clock.Elapsed;
                        progress?.Report(new ModelPullProgress("downloading", file.FileName, received, total, resumedFrom));
                    }
                }
            }

            await output.FlushAsync(cancellationToken).ConfigureAwait(false);
            progress?.Report(new ModelPullProgress("downloading", file.FileName, received, total, resumedFrom));
            if (received != total)
            {
                throw Interrupted(file, partial, received, total, null);
            }

            return (total, resumedFrom, Convert.ToHexStringLower(hash.GetHashAndReset()));
        }
    }

    private static async Task<HttpResponseMessage> SendAsync(HttpClient http, HttpRequestMessage message, Uri url, CancellationToken cancellationToken)
    {
        try
        {
            return await http.SendAsync(message, HttpCompletionOption.ResponseHeadersRead, cancellationToken).ConfigureAwait(false);
        }
        catch (HttpRequestException ex)
        {
            throw new PluginException($"{url}: cannot reach the server: {ex.Message}", ex) { ErrorCode = "pull.unreachable" };
        }
    }

    private static PluginException Interrupted(HubFile file, string partial, long received, long total, Exception? inner) =>
        new($"{file.Url}: the download stopped after {received} of {total} bytes{(inner is null ? string.Empty : $" ({inner.Message})")}; {partial} is kept, and running the same command again resumes it.", inner) { FilePath = partial, ErrorCode = "pull.interrupted" };

    /// <summary>
    /// Pulls a model package through the same package sources and checks as a plugin installation, then checks the GGUF
    /// header, moves the file into the models folder in one rename and registers it, as the other sources do.
    /// </summary>
    private async Task<ModelPullResult> PullPackageAsync(string id, string? version, ModelPullRequest request, IProgress<ModelPullProgress>? progress, CancellationToken cancellationToken)
    {
        if (_packages is null)
        {
            throw new PluginException($"pkg:{id}: no package sources are configured for model packages here.") { ErrorCode = "pull.source" };
        }

        if (request.Sha256 is not null || request.NoVerify)
        {
            throw new PluginException($"pkg:{id}: a model package is verified against its signed manifest; --sha256 and --no-verify apply to URL sources only (--allow-unsigned accepts an unsigned or untrusted package, as for plugins).") { ErrorCode = "pull.source" };
        }

        Directory.CreateDirectory(ModelsDirectory);
        string? target = null;
        string? partial = null;
        string? registeredName = null;
        long size = 0;
        ModelPackagePull pulled;
        try
        {
            pulled = await _packages.PullModelAsync(id, version, manifest =>
            {
                var origin = new Uri($"pkg:{manifest.Id}@{manifest.Version}");
                target = TargetPath(manifest.File, origin);
                registeredName = RegisteredName(request.Name, manifest.File);
                if (!RegisteredNamePattern().IsMatch(registeredName))
                {
                    throw new PluginException($"'{registeredName}' is not a valid model name; expected letters, digits, '.', '_' and '-', up to 64 characters.") { ErrorCode = "pull.name" };
                }

                size = manifest.ModelFile.Size;
                CheckFreeSpace(size, size);
                partial = target + ".package-partial";
                File.Delete(partial);
                progress?.Report(new ModelPullProgress("verifying", manifest.File, 0, size, 0));
                return partial;
            }, cancellationToken).ConfigureAwait(false);
        }
        catch
        {
            if (partial is not null)
            {
                File.Delete(partial);
            }

            throw;
        }

        var fileName = Path.GetFileName(target!);
        var url = $"pkg:{pulled.Id}@{pulled.Version} (source '{pulled.SourceName}')";
        var choice = string.Join("; ", pulled.Explanation.Select(l => l.Trim()));
        var publisher = pulled.Verification.Publisher is { } key ? $"{key.Name} ({key.KeyId})" : null;
        var verified = pulled.Verification.Status == PluginAI.Trust.Content.ContentVerificationStatus.Trusted;
        CheckGguf(partial!, deleteOnFailure: true);
        var registry = new ModelRegistry(_paths);
        if (File.Exists(target))
        {
            File.Delete(partial!);
            var existing = await HashFileAsync(target!, cancellationToken).ConfigureAwait(false);
            if (!string.Equals(existing, pulled.Sha256, StringComparison.OrdinalIgnoreCase))
            {
                throw new PluginException($"{target} already exists with different content (SHA-256 {existing}, expected {pulled.Sha256}); remove it with 'pluginai models remove' and delete the file, then pull again.") { FilePath = target, ErrorCode = "pull.exists" };
            }

            registry.Add(registeredName!, target!);
            progress?.Report(new ModelPullProgress("registered", fileName, size, size, 0));
            return new ModelPullResult(registeredName!, target!, url, size, existing, verified, 0, AlreadyPresent: true, choice) { Publisher = publisher };
        }

        File.Move(partial!, target!, overwrite: false);
        registry.Add(registeredName!, target!);
        progress?.Report(new ModelPullProgress("registered", fileName, size, size, 0));
        return new ModelPullResult(registeredName!, target!, url, size, pulled.Sha256, verified, 0, AlreadyPresent: false, choice) { Publisher = publisher };
    }

    private static async Task HashPrefixAsync(FileStream stream, long length, IncrementalHash hash, CancellationToken cancellationToken)
    {
        stream.Position = 0;
        var buffer = new byte[BufferSize];
        var left = length;
        while (left > 0)
        {
            var read = await stream.ReadAsync(buffer.AsMemory(0, (int)Math.Min(buffer.Length, left)), cancellationToken).ConfigureAwait(false);
            if (read == 0)
            {
                break;
            }

            hash.AppendData(buffer, 0, read);
            left -= read;
        }
    }

    private static async Task<string> HashFileAsync(string path, CancellationToken cancellationToken)
    {
        var stream = File.OpenRead(path);
        await using (stream.ConfigureAwait(false))
        {
            return Convert.ToHexStringLower(await SHA256.HashDataAsync(stream, cancellationToken).ConfigureAwait(false));
        }
    }

    private static long? DriveFreeSpace(string folder)
    {
        try
        {
            return new DriveInfo(folder).AvailableFreeSpace;
        }
        catch (Exception ex) when (ex is ArgumentException or IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }

    private void CheckFreeSpace(long needed, long total)
    {
        if (_freeSpace(ModelsDirectory) is not { } free)
        {
            return;
        }

        if (free < needed)
        {
            throw new PluginException($"{ModelsDirectory}: {HubSource.Size(free)} free, but the model needs {HubSource.Size(needed)} more ({HubSource.Size(total)} in all); free some space or use another home (--home).") { FilePath = ModelsDirectory, ErrorCode = "pull.disk-full" };
        }
    }

    private static void CheckGguf(string path, bool deleteOnFailure)
    {
        try
        {
            _ = GgufFile.Read(path);
        }
        catch (Exception ex) when (ex is GgufFormatException or EndOfStreamException or InvalidDataException)
        {
            if (deleteOnFailure)
            {
                File.Delete(path);
            }

            throw new PluginException($"{path}: the downloaded file is not a GGUF model ({ex.Message}){(deleteOnFailure ? "; it was deleted" : string.Empty)}. Nothing was registered.", ex) { FilePath = path, ErrorCode = "pull.not-gguf" };
        }
    }

    /// <summary>The local name comes from the server: it must be one plain file name that stays inside the models folder.</summary>
    private string TargetPath(string fileName, Uri url)
    {
        if (string.IsNullOrWhiteSpace(fileName) || fileName is "." or ".." || fileName.Contains("..", StringComparison.Ordinal)
            || fileName.IndexOfAny(['/', '\\', ':', '\0']) >= 0 || Path.IsPathRooted(fileName) || !FileNamePattern().IsMatch(fileName))
        {
            throw new PluginException($"{url}: '{fileName}' is not a safe file name for a model (expected letters, digits, '.', '_', '-' and '+', no folders).") { ErrorCode = "pull.file-name" };
        }

        if (!fileName.EndsWith(".gguf", StringComparison.OrdinalIgnoreCase))
        {
            throw new PluginException($"{url}: '{fileName}' is not a .gguf file; PluginAI pulls GGUF models.") { ErrorCode = "pull.file-name" };
        }

        var folder = Path.GetFullPath(ModelsDirectory) + Path.DirectorySeparatorChar;
        var full = Path.GetFullPath(Path.Combine(folder, fileName));
        if (!full.StartsWith(folder, StringComparison.Ordinal) || Path.GetDirectoryName(full) + Path.DirectorySeparatorChar != folder)
        {
            throw new PluginException($"{url}: '{fileName}' would be written outside {folder}.") { ErrorCode = "pull.file-name" };
        }

        return full;
    }

    private static string RegisteredName(string? requested, string fileName)
    {
        if (requested is not null)
        {
            return requested;
        }

        var stem = Path.GetFileNameWithoutExtension(fileName);
        var name = InvalidNameCharacters().Replace(stem, "-");
        return name.Length > 64 ? name[..64] : name;
    }

    private static string NormalizeHash(string hash, Uri url)
    {
        var normalized = hash.Trim().ToLowerInvariant();
        if (normalized.StartsWith("sha256:", StringComparison.Ordinal))
        {
            normalized = normalized["sha256:".Length..];
        }

        if (!Sha256Pattern().IsMatch(normalized))
        {
            throw new PluginException($"{url}: '{hash}' is not a SHA-256 (64 hexadecimal digits).") { ErrorCode = "pull.hash" };
        }

        return normalized;
    }

    private static Uri HubEndpoint(string value)
    {
        if (!Uri.TryCreate(value.EndsWith('/') ? value : value + "/", UriKind.Absolute, out var uri) || uri.Scheme is not ("http" or "https"))
        {
            throw new PluginException($"'{value}' is not a hub URL; expected http(s)://HOST[/PATH] (HF_ENDPOINT, --endpoint or 'endpoint' in {HubConfigFileName}).") { ErrorCode = "pull.endpoint" };
        }

        return uri;
    }

    [GeneratedRegex(@"^[A-Za-z0-9._+-]{1,200}$", RegexOptions.CultureInvariant)]
    private static partial Regex FileNamePattern();

    [GeneratedRegex(@"^[A-Za-z0-9._-]{1,64}$", RegexOptions.CultureInvariant)]
    private static partial Regex RegisteredNamePattern();

    [GeneratedRegex(@"[^A-Za-z0-9._-]", RegexOptions.CultureInvariant)]
    private static partial Regex InvalidNameCharacters();

    [GeneratedRegex(@"^[0-9a-f]{64}$", RegexOptions.CultureInvariant)]
    private static partial Regex Sha256Pattern();

    private sealed record HubConfig(string? Endpoint, string? Token)
    {
        public static HubConfig Load(string file)
        {
            if (!File.Exists(file))
            {
                return new HubConfig(null, null);
            }

            try
            {
                return JsonSerializer.Deserialize<HubConfig>(File.ReadAllText(file), new JsonSerializerOptions(JsonSerializerDefaults.Web)) ?? new HubConfig(null, null);
            }
            catch (JsonException ex)
            {
                throw new PluginException($"{file}: not valid JSON ({ex.Message}); expected {{ \"endpoint\": \"https://...\", \"token\": \"...\" }}.", ex) { FilePath = file, ErrorCode = "pull.config" };
            }
        }
    }
}
