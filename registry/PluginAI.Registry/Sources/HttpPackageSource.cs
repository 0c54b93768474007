using System.Text;
using System.Text.Json;
using NuGet.Configuration;
using NuGet.Protocol;
using NuGet.Protocol.Core.Types;
using NuGet.Versioning;
using PluginAI.Hardware;
using PluginAI.Manifest;
using PluginAI.Trust;

namespace PluginAI.Registry.Sources;

/// <summary>
/// An HTTP feed. With the PluginAI resource (<see cref="RegistryClient.PluginAIResourceType"/>, our registry server) it
/// searches, reads manifests, the signed index and certification records through <c>/pluginai/v1/</c>; any other NuGet
/// v3 feed is searched through NuGet's search resource, and its manifests are read from downloaded packages.
/// </summary>
internal sealed class HttpPackageSource(PackageSourceContext context, PackageSource source) : IPackageSource
{
    public string Name => source.Name;

    public string Location => source.Source;

    public Task<string> DownloadAsync(string id, NuGetVersion version, string directory, CancellationToken cancellationToken) =>
        context.DownloadAsync(source, id, version, directory, cancellationToken);

    public async Task<SignedIndexDownload?> GetSignedIndexAsync(CancellationToken cancellationToken)
    {
        try
        {
            var repository = context.Repository(source);
            var pluginApi = await PluginApiBaseAsync(repository, cancellationToken).ConfigureAwait(false);
            if (pluginApi is null)
            {
                return null;
            }

            var uri = new Uri(pluginApi, "index.json");
            var bytes = await GetBytesAsync(repository, uri, ignoreNotFound: true, cancellationToken).ConfigureAwait(false);
            return bytes is null ? null : new SignedIndexDownload(source.Name, source.Source, uri, SignedEnvelope.Parse(bytes, $"source '{source.Name}': {uri}"));
        }
        catch (Exception ex) when (ex is FatalProtocolException or IOException or HttpRequestException)
        {
            throw new RegistryException($"source '{source.Name}' ({source.Source}): cannot read its signed index: {ex.Message}", ex);
        }
    }

    public async Task<IReadOnlyList<SignedEnvelope>> GetCertificationsAsync(string id, CancellationToken cancellationToken)
    {
        try
        {
            var repository = context.Repository(source);
            var pluginApi = await PluginApiBaseAsync(repository, cancellationToken).ConfigureAwait(false);
            if (pluginApi is null)
            {
                return [];
            }

            var uri = new Uri(pluginApi, $"certifications/{Uri.EscapeDataString(id.ToLowerInvariant())}");
            var bytes = await GetBytesAsync(repository, uri, ignoreNotFound: true, cancellationToken).ConfigureAwait(false);
            if (bytes is null)
            {
                return [];
            }

            using var document = JsonDocument.Parse(bytes);
            var list = new List<SignedEnvelope>();
            if (document.RootElement.ValueKind == JsonValueKind.Object && document.RootElement.TryGetProperty("certifications", out var array) && array.ValueKind == JsonValueKind.Array)
            {
                var i = 0;
                foreach (var item in array.EnumerateArray())
                {
                    try
                    {
                        list.Add(SignedEnvelope.Parse(Encoding.UTF8.GetBytes(item.GetRawText()), $"{uri}: certifications[{i}]"));
                    }
                    catch (TrustException)
                    {
                        // Not an envelope: nothing that could certify anything.
                    }

                    i++;
                }
            }

            return list;
        }
        catch (Exception ex) when (ex is FatalProtocolException or IOException or HttpRequestException or JsonException)
        {
            throw new RegistryException($"source '{source.Name}' ({source.Source}): cannot read the certification records of {id}: {ex.Message}", ex);
        }
    }

    public async Task<IReadOnlyList<PluginSearchResult>> SearchAsync(string? term, PluginKind? kind, HardwareProfile hardware, ICollection<string> warnings, CancellationToken cancellationToken)
    {
        const int Take = 100;
        var repository = context.Repository(source);
        var pluginApi = await PluginApiBaseAsync(repository, cancellationToken).ConfigureAwait(false);
        var results = new List<PluginSearchResult>();
        if (pluginApi is not null)
        {
            // Certification is decided here against this machine's trust policy, not by the server's flag, which only says that records were posted.
            var query = $"search?q={Uri.EscapeDataString(term ?? string.Empty)}&take={Take}{(kind is null ? string.Empty : "&kind=" + kind.Value.ToString().ToLowerInvariant())}";
            using var document = await GetJsonAsync(repository, new Uri(pluginApi, query), cancellationToken).ConfigureAwait(false);
            var data = document.RootElement.GetProperty("data");
            if (document.RootElement.TryGetProperty("totalHits", out var total) && total.TryGetInt32(out var hits) && hits > data.GetArrayLength())
            {
                warnings.Add($"source '{source.Name}' ({source.Source}): showing the first {data.GetArrayLength()} of {hits} matching plugins; add search words or --kind to narrow the search");
            }

            foreach (var item in data.EnumerateArray())
            {
                var id = item.GetProperty("id").GetString()!;
                var version = item.GetProperty("version").GetString()!;
                var manifest = await FetchManifestAsync(repository, pluginApi, id, version, cancellationToken).ConfigureAwait(false);
                if (manifest is not null && !context.Check(manifest, hardware).IsCompatible && item.TryGetProperty("versions", out var listed))
                {
                    // As for local feeds, show the newest version that fits this machine when the newest does not.
                    var older = listed.EnumerateArray().Select(v => v.GetString()).OfType<string>()
                        .Select(v => NuGetVersion.TryParse(v, out var parsed) ? parsed : null).OfType<NuGetVersion>()
                        .Where(v => v < NuGetVersion.Parse(version)).OrderByDescending(v => v);
                    foreach (var candidate in older)
                    {
                        var olderManifest = await FetchManifestAsync(repository, pluginApi, id, candidate.ToNormalizedString(), cancellationToken).ConfigureAwait(false);
                        if (olderManifest is not null && context.Check(olderManifest, hardware).IsCompatible)
                        {
                            (manifest, version) = (olderManifest, candidate.ToNormalizedString());
                            break;
                        }
                    }
                }

                CertificationVerdict? certification = null;
                if (manifest is not null)
                {
                    var posted = item.TryGetProperty("certified", out var c) && c.ValueKind == JsonValueKind.True
                        ? await GetCertificationsAsync(id, cancellationToken).ConfigureAwait(false)
                        : [];
                    certification = context.CertificationCheck.Evaluate(manifest, hardware, posted);
                }

                var report = manifest is null ? null : context.Check(manifest, hardware);
                var kinds = manifest?.Kinds ?? PackageSourceContext.KindsFromTags(item.GetProperty("kinds").EnumerateArray().Select(k => "pluginai-" + k.GetString()));
                results.Add(new PluginSearchResult(id, version, item.TryGetProperty("description", out var d) ? d.GetString() : null, kinds, report?.IsCompatible, report?.Problems ?? [], certification?.Status ?? CertificationStatus.Unknown, source.Name, certification?.Reason ?? "the source serves no manifest to check"));
            }

            return results;
        }

        var search = await repository.GetResourceAsync<PackageSearchResource>(cancellationToken).ConfigureAwait(false)
            ?? throw new RegistryException($"source '{source.Name}' ({source.Source}) offers no search");
        var found = await search.SearchAsync(string.Join(' ', term ?? string.Empty, PluginPackageLayout.PluginTag).Trim(), new SearchFilter(includePrerelease: false), 0, 100, context.Logger, cancellationToken).ConfigureAwait(false);
        foreach (var package in found)
        {
            var tags = (package.Tags ?? string.Empty).Split([' ', ','], StringSplitOptions.RemoveEmptyEntries);
            if (!tags.Contains(PluginPackageLayout.PluginTag, StringComparer.OrdinalIgnoreCase))
            {
                continue;
            }

            results.Add(new PluginSearchResult(package.Identity.Id, package.Identity.Version.ToNormalizedString(), package.Description, PackageSourceContext.KindsFromTags(tags), null, [], CertificationStatus.Unknown, source.Name, "the source serves no manifests, so certification cannot be checked"));
        }

        return results;
    }

    public async Task<IReadOnlyList<PluginPackageCandidate>> GetCandidatesAsync(string id, ICollection<string> skipped, CancellationToken cancellationToken)
    {
        var repository = context.Repository(source);
        var finder = await repository.GetResourceAsync<FindPackageByIdResource>(cancellationToken).ConfigureAwait(false)
            ?? throw new RegistryException($"source '{source.Name}' ({source.Source}) cannot serve packages");
        using var cacheContext = new SourceCacheContext { NoCache = true, RefreshMemoryCache = true };
        var versions = await finder.GetAllVersionsAsync(id, cacheContext, context.Logger, cancellationToken).ConfigureAwait(false);
        var pluginApi = await PluginApiBaseAsync(repository, cancellationToken).ConfigureAwait(false);
        var list = new List<PluginPackageCandidate>();
        foreach (var version in versions)
        {
            PluginManifest? manifest;
            if (pluginApi is not null)
            {
                manifest = await FetchManifestAsync(repository, pluginApi, id, version.ToNormalizedString(), cancellationToken).ConfigureAwait(false);
            }
            else
            {
                var path = await context.DownloadAsync(source, id, version, Path.Combine(context.Settings.Home, "cache", "packages"), cancellationToken).ConfigureAwait(false);
                manifest = context.Cache.Get(path).Manifest;
            }

            if (manifest is not null)
            {
                list.Add(new PluginPackageCandidate(manifest.Id, version, source.Name, manifest, source, null));
            }
        }

        return list;
    }

    private static async Task<Uri?> PluginApiBaseAsync(SourceRepository repository, CancellationToken cancellationToken)
    {
        var index = await repository.GetResourceAsync<ServiceIndexResourceV3>(cancellationToken).ConfigureAwait(false);
        var uri = index?.GetServiceEntryUri(RegistryClient.PluginAIResourceType);
        return uri is null ? null : new Uri(uri.ToString().EndsWith('/') ? uri.ToString() : uri + "/");
    }

    private async Task<PluginManifest?> FetchManifestAsync(SourceRepository repository, Uri pluginApi, string id, string version, CancellationToken cancellationToken)
    {
        var uri = new Uri(pluginApi, $"packages/{Uri.EscapeDataString(id.ToLowerInvariant())}/{Uri.EscapeDataString(version.ToLowerInvariant())}/manifest");
        var text = await GetTextAsync(repository, uri, cancellationToken).ConfigureAwait(false);
        return ManifestReader.Parse(text, $"{uri}").Manifest;
    }

    private async Task<JsonDocument> GetJsonAsync(SourceRepository repository, Uri uri, CancellationToken cancellationToken) =>
        JsonDocument.Parse(await GetTextAsync(repository, uri, cancellationToken).ConfigureAwait(false));

    private async Task<string> GetTextAsync(SourceRepository repository, Uri uri, CancellationToken cancellationToken)
    {
        var bytes = await GetBytesAsync(repository, uri, ignoreNotFound: false, cancellationToken).ConfigureAwait(false)
            ?? throw new RegistryException($"{uri}: not found");
        ReadOnlySpan<byte> bom = [0xEF, 0xBB, 0xBF];
        return Encoding.UTF8.GetString(bytes.AsSpan().StartsWith(bom) ? bytes.AsSpan(3) : bytes);
    }

    private async Task<byte[]?> GetBytesAsync(SourceRepository repository, Uri uri, bool ignoreNotFound, CancellationToken cancellationToken)
    {
        var http = await repository.GetResourceAsync<HttpSourceResource>(cancellationToken).ConfigureAwait(false)
            ?? throw new RegistryException($"source '{source.Name}' is not an HTTP source");
        var request = new HttpSourceRequest(uri, context.Logger) { IgnoreNotFounds = ignoreNotFound };
        return await http.HttpSource.ProcessStreamAsync(
            request,
            async stream =>
            {
                if (stream is null)
                {
                    return null;
                }

                using var buffer = new MemoryStream();
                await stream.CopyToAsync(buffer, cancellationToken).ConfigureAwait(false);
                return buffer.ToArray();
            },
            context.Logger,
            cancellationToken).ConfigureAwait(false);
    }
}
