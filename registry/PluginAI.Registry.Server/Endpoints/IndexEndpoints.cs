using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using PluginAI.Manifest;
using PluginAI.Registry.Server.Responses;

namespace PluginAI.Registry.Server.Endpoints;

/// <summary>The signed registry index and the per-version documents it vouches for: the manifest and the publisher signature.</summary>
internal sealed class IndexEndpoints(RegistryServerOptions options, PackageStore store)
{
    private const string IndexFormat = "pluginai-index/1";

    /// <summary>The file in the packages folder that keeps the last index version signed.</summary>
    public const string LastSignedVersionFileName = ".index-version";

    private readonly RegistryDatabase _db = store.Database;

    /// <summary>The last signed index, served again while its version is current and it is younger than half its lifetime.</summary>
    private (long Version, DateTimeOffset Issued, byte[] Signed)? _signedIndex;

    public void Map(IEndpointRouteBuilder routes)
    {
        routes.MapGet("/pluginai/v1/index.json", (CancellationToken cancellationToken) => SignedIndexAsync(cancellationToken));
        routes.MapGet("/pluginai/v1/packages/{id}/{version}/manifest", (string id, string version) => PackageEntry(id, version, PluginManifest.FileName));
        routes.MapGet("/pluginai/v1/packages/{id}/{version}/signature", (string id, string version) => PackageEntry(id, version, PackageInspector.SignatureFileName));
    }

    private async Task<IResult> SignedIndexAsync(CancellationToken cancellationToken)
    {
        if (options.SignIndex is not { } sign)
        {
            return new ErrorResponse(StatusCodes.Status404NotFound, "this registry does not publish a signed index: no registry signing key is configured");
        }

        var issued = options.TimeProvider.GetUtcNow();
        issued = new DateTimeOffset(issued.Ticks - (issued.Ticks % TimeSpan.TicksPerSecond), TimeSpan.Zero);
        byte[] signed;
        await _db.WriteLock.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            if (_signedIndex is { } cached && cached.Version == _db.IndexVersion() && issued < cached.Issued + (options.IndexLifetime / 2))
            {
                signed = cached.Signed;
            }
            else
            {
                signed = SignIndex(sign, issued, out var version);
                _signedIndex = (version, issued, signed);
            }
        }
        finally
        {
            _db.WriteLock.Release();
        }

        return new BytesResponse(signed, JsonResponse.ContentType, cacheControl: "no-store");
    }

    /// <summary>Builds the index payload under a version never signed before and signs it.</summary>
    private byte[] SignIndex(Func<ReadOnlyMemory<byte>, byte[]> sign, DateTimeOffset issued, out long version)
    {
        // Unix seconds only grow, and the last version signed is kept beside the packages, so deleting registry.db
        // (which is rebuilt from the package folders) never makes the registry sign a version clients saw already.
        var lastSigned = LastSignedVersion();
        var entries = _db.IndexForSigning(Math.Max(issued.ToUnixTimeSeconds(), lastSigned + 1), out version);
        PluginAI.Trust.AtomicFile.WriteAllBytes(LastSignedVersionPath, System.Text.Encoding.UTF8.GetBytes(version.ToString(System.Globalization.CultureInfo.InvariantCulture) + "\n"));
        var payload = new SignedIndexPayload(
            IndexFormat,
            options.RegistryName,
            version,
            issued,
            issued + options.IndexLifetime,
            [.. entries.Select(e => new SignedIndexPackage(e.Id, e.Version, e.Sha256, e.Listed))]);
        return sign(JsonSerializer.SerializeToUtf8Bytes(payload, RegistryResponseJsonContext.Default.SignedIndexPayload));
    }

    /// <summary>Gets the file beside the packages that keeps the last index version signed.</summary>
    private string LastSignedVersionPath => Path.Combine(store.Root, LastSignedVersionFileName);

    private long LastSignedVersion()
    {
        try
        {
            return long.TryParse(File.ReadAllText(LastSignedVersionPath).Trim(), System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var value) ? value : 0;
        }
        catch (Exception ex) when (ex is FileNotFoundException or DirectoryNotFoundException)
        {
            return 0;
        }
    }

    private IResult PackageEntry(string id, string version, string entry)
    {
        var lowerId = id.ToLowerInvariant();
        if (PackageStore.Key(lowerId, version) is not var (_, lowerVersion) || !_db.Exists(lowerId, lowerVersion))
        {
            return RegistryEndpoints.NoPackage(id, version);
        }

        var path = store.PackagePath(lowerId, lowerVersion);
        var bytes = PackageInspector.ReadEntry(path, entry);
        if (bytes is null && entry == PluginManifest.FileName)
        {
            // A model package's manifest is served at the same address.
            bytes = PackageInspector.ReadEntry(path, PluginAI.Registry.ModelPackageManifest.FileName);
        }

        return bytes is not null
            ? new BytesResponse(bytes, JsonResponse.ContentType)
            : new ErrorResponse(StatusCodes.Status404NotFound, $"{id} {version} has no {entry}");
    }
}
