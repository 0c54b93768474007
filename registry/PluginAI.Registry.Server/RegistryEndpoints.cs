using System.Buffers;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Routing;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.Extensions.Logging;
using Microsoft.Net.Http.Headers;
using PluginAI.Manifest;

namespace PluginAI.Registry.Server;

/// <summary>The HTTP endpoints: the NuGet v3 feed, push and unlist, and the PluginAI resource.</summary>
internal sealed class RegistryEndpoints(RegistryServerOptions options, PackageStore store, ApiKeySet keys, bool readsNeedKey, ILogger logger)
{
    private const string ApiKeyHeader = "X-NuGet-ApiKey";
    private const string EnvelopeFormat = "pluginai-envelope/1";
    private const int MaxCertificationBytes = 1 << 20;
    private static readonly string[] s_kinds = ["backend", "preprocessor", "postprocessor", "retriever"];

    private readonly RegistryDatabase _db = store.Database;

    /// <summary>The last signed index, served again while its version is current and it is younger than half its lifetime.</summary>
    private (long Version, DateTimeOffset Issued, byte[] Signed)? _signedIndex;

    public void Map(IEndpointRouteBuilder app)
    {
        app.MapGet("/v3/index.json", ServiceIndexAsync);
        app.MapMethods("/api/v2/package", ["PUT", "POST"], PushAsync);
        app.MapDelete("/api/v2/package/{id}/{version}", context => SetListedAsync(context, listed: false));
        app.MapPost("/api/v2/package/{id}/{version}", context => SetListedAsync(context, listed: true));
        app.MapGet("/v3-flatcontainer/{id}/index.json", FlatIndexAsync);
        app.MapGet("/v3-flatcontainer/{id}/{version}/{file}", FlatFileAsync);
        app.MapGet("/v3/registration/{id}/index.json", RegistrationIndexAsync);
        app.MapGet("/v3/registration/{id}/{version}.json", RegistrationLeafAsync);
        app.MapGet("/v3/search", NuGetSearchAsync);
        app.MapGet("/pluginai/v1/index.json", SignedIndexAsync);
        app.MapGet("/pluginai/v1/packages/{id}/{version}/manifest", context => PackageEntryAsync(context, PluginManifest.FileName, "application/json"));
        app.MapGet("/pluginai/v1/packages/{id}/{version}/signature", context => PackageEntryAsync(context, PackageInspector.SignatureFileName, "application/json"));
        app.MapGet("/pluginai/v1/certifications/{id}", CertificationsAsync);
        app.MapPost("/pluginai/v1/certifications/{id}", AddCertificationAsync);
        app.MapGet("/pluginai/v1/contributors/{id}", ContributorsAsync);
        app.MapGet("/pluginai/v1/contributors/{id}/{version}", ContributorsAsync);
        app.MapGet("/pluginai/v1/search", PluginSearchAsync);
    }

    /// <summary>When the server listens beyond loopback, every request needs a key: the NuGet header or a Basic password.</summary>
    public Task AuthorizeReadAsync(HttpContext context, RequestDelegate next)
    {
        if (!readsNeedKey || keys.Matches(context.Request.Headers[ApiKeyHeader].ToString())
            || keys.Matches(ApiKeySet.BasicPassword(context.Request.Headers.Authorization.ToString())))
        {
            return next(context);
        }

        context.Response.Headers.WWWAuthenticate = "Basic realm=\"PluginAI registry\"";
        return ErrorAsync(context, StatusCodes.Status401Unauthorized, "this registry needs an API key: send it in the X-NuGet-ApiKey header or as the password of the package source credentials");
    }

    private bool AuthorizeWrite(HttpContext context, out Task refusal)
    {
        var presented = context.Request.Headers[ApiKeyHeader].ToString();
        if (keys.Matches(presented))
        {
            refusal = Task.CompletedTask;
            return true;
        }

        refusal = keys.IsEmpty
            ? ErrorAsync(context, StatusCodes.Status403Forbidden, "this registry has no API keys configured, so pushing, unlisting and certifying are disabled")
            : presented.Length == 0
                ? ErrorAsync(context, StatusCodes.Status401Unauthorized, "an API key is required: send it in the X-NuGet-ApiKey header (dotnet nuget push --api-key)")
                : ErrorAsync(context, StatusCodes.Status403Forbidden, "the API key is not valid for this registry");
        return false;
    }

    private static string BaseUrl(HttpContext context) => $"{context.Request.Scheme}://{context.Request.Host}{context.Request.PathBase}/";

    private static string Route(HttpContext context, string name) => context.Request.RouteValues[name]?.ToString() ?? string.Empty;

    private Task ServiceIndexAsync(HttpContext context)
    {
        var root = BaseUrl(context);
        (string Type, string Path, string Comment)[] resources =
        [
            ("PackagePublish/2.0.0", "api/v2/package", "Push and unlist packages (needs an API key)"),
            ("PackageBaseAddress/3.0.0", "v3-flatcontainer/", "Package versions, .nupkg and .nuspec files"),
            ("RegistrationsBaseUrl", "v3/registration/", "Package metadata"),
            ("RegistrationsBaseUrl/3.0.0-rc", "v3/registration/", "Package metadata"),
            ("RegistrationsBaseUrl/3.0.0-beta", "v3/registration/", "Package metadata"),
            ("RegistrationsBaseUrl/3.6.0", "v3/registration/", "Package metadata, SemVer 2.0.0 packages included"),
            ("SearchQueryService", "v3/search", "Search"),
            ("SearchQueryService/3.0.0-rc", "v3/search", "Search"),
            ("SearchQueryService/3.0.0-beta", "v3/search", "Search"),
            ("SearchQueryService/3.5.0", "v3/search", "Search, with package types"),
            ("PluginAI/1.0.0", "pluginai/v1/", "PluginAI manifests, signatures, signed index, certifications and contributors"),
        ];
        return JsonAsync(context, w =>
        {
            w.WriteStartObject();
            w.WriteString("version", "3.0.0");
            w.WriteStartArray("resources");
            foreach (var (type, path, comment) in resources)
            {
                w.WriteStartObject();
                w.WriteString("@id", root + path);
                w.WriteString("@type", type);
                w.WriteString("comment", comment);
                w.WriteEndObject();
            }

            w.WriteEndArray();
            w.WriteStartObject("@context");
            w.WriteString("@vocab", "http://schema.nuget.org/services#");
            w.WriteString("comment", "http://www.w3.org/2000/01/rdf-schema#comment");
            w.WriteEndObject();
            w.WriteEndObject();
        });
    }

    private async Task PushAsync(HttpContext context)
    {
        if (!AuthorizeWrite(context, out var refusal))
        {
            await refusal.ConfigureAwait(false);
            return;
        }

        var cancellationToken = context.RequestAborted;
        Directory.CreateDirectory(store.TempDirectory);
        var temp = Path.Combine(store.TempDirectory, $"{Guid.NewGuid():N}.nupkg");
        try
        {
            var received = await ReceiveAsync(context.Request, temp, cancellationToken).ConfigureAwait(false);
            if (received.Error is { } error)
            {
                await ErrorAsync(context, received.Status, error).ConfigureAwait(false);
                return;
            }

            var package = PackageInspector.Inspect(temp, received.Sha256, received.Size);
            foreach (var validator in options.PushValidators.Prepend(ManifestPushValidator.Instance))
            {
                var result = await validator.ValidateAsync(package, cancellationToken).ConfigureAwait(false);
                if (!result.IsValid)
                {
                    logger.LogWarning("Push of {Id} {Version} refused: {Reason}", package.Id, package.Version, result.Reason);
                    await ErrorAsync(context, StatusCodes.Status400BadRequest, result.Reason!).ConfigureAwait(false);
                    return;
                }
            }

            if (!await store.CommitAsync(package, cancellationToken).ConfigureAwait(false))
            {
                await ErrorAsync(context, StatusCodes.Status409Conflict, $"{package.Id} {package.Version!.ToNormalizedString()} already exists in this registry; push a new version").ConfigureAwait(false);
                return;
            }

            logger.LogInformation("Stored {Id} {Version}", package.Id, package.Version);
            context.Response.StatusCode = StatusCodes.Status201Created;
        }
        finally
        {
            if (File.Exists(temp))
            {
                File.Delete(temp);
            }
        }
    }

    private async Task<(string Sha256, long Size, string? Error, int Status)> ReceiveAsync(HttpRequest request, string temp, CancellationToken cancellationToken)
    {
        var body = request.Body;
        MultipartSection? section = null;
        if (MediaTypeHeaderValue.TryParse(request.ContentType, out var mediaType) && mediaType.MediaType.StartsWith("multipart/", StringComparison.OrdinalIgnoreCase))
        {
            var boundary = HeaderUtilities.RemoveQuotes(mediaType.Boundary).Value;
            if (string.IsNullOrEmpty(boundary))
            {
                return (string.Empty, 0, "the multipart request has no boundary", StatusCodes.Status400BadRequest);
            }

            var reader = new MultipartReader(boundary, request.Body) { BodyLengthLimit = null };
            section = await reader.ReadNextSectionAsync(cancellationToken).ConfigureAwait(false);
            if (section is null)
            {
                return (string.Empty, 0, "the request holds no package file", StatusCodes.Status400BadRequest);
            }

            body = section.Body;
        }

        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        long size = 0;
        var buffer = ArrayPool<byte>.Shared.Rent(81920);
        try
        {
            var file = new FileStream(temp, FileMode.CreateNew, FileAccess.Write, FileShare.None, 81920, FileOptions.Asynchronous);
            await using (file.ConfigureAwait(false))
            {
                int read;
                while ((read = await body.ReadAsync(buffer, cancellationToken).ConfigureAwait(false)) > 0)
                {
                    size += read;
                    if (size > options.MaxPackageBytes)
                    {
                        return (string.Empty, size, $"the package is larger than this registry accepts ({options.MaxPackageBytes} bytes)", StatusCodes.Status413PayloadTooLarge);
                    }

                    hash.AppendData(buffer, 0, read);
                    await file.WriteAsync(buffer.AsMemory(0, read), cancellationToken).ConfigureAwait(false);
                }

                await file.FlushAsync(cancellationToken).ConfigureAwait(false);
                file.Flush(flushToDisk: true);
            }
        }
        catch (BadHttpRequestException ex) when (ex.StatusCode == StatusCodes.Status413PayloadTooLarge)
        {
            return (string.Empty, size, $"the package is larger than this registry accepts ({options.MaxPackageBytes} bytes)", StatusCodes.Status413PayloadTooLarge);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }

        return size == 0
            ? (string.Empty, 0, "the request holds no package file", StatusCodes.Status400BadRequest)
            : (Convert.ToHexStringLower(hash.GetHashAndReset()), size, null, 0);
    }

    private async Task SetListedAsync(HttpContext context, bool listed)
    {
        if (!AuthorizeWrite(context, out var refusal))
        {
            await refusal.ConfigureAwait(false);
            return;
        }

        if (PackageStore.Key(Route(context, "id"), Route(context, "version")) is not var (lowerId, lowerVersion))
        {
            await ErrorAsync(context, StatusCodes.Status400BadRequest, "the version is not a valid NuGet version").ConfigureAwait(false);
            return;
        }

        var changed = await store.SetListedAsync(lowerId, lowerVersion, listed, context.RequestAborted).ConfigureAwait(false);
        if (changed is null)
        {
            await ErrorAsync(context, StatusCodes.Status404NotFound, $"{Route(context, "id")} {Route(context, "version")} is not in this registry").ConfigureAwait(false);
            return;
        }

        logger.LogInformation("{Action} {Id} {Version}", listed ? "Relisted" : "Unlisted", lowerId, lowerVersion);
        context.Response.StatusCode = StatusCodes.Status200OK;
    }

    private Task FlatIndexAsync(HttpContext context)
    {
        var versions = _db.Versions(Route(context, "id").ToLowerInvariant());
        if (versions.Count == 0)
        {
            return ErrorAsync(context, StatusCodes.Status404NotFound, $"no package {Route(context, "id")} in this registry");
        }

        return JsonAsync(context, w =>
        {
            w.WriteStartObject();
            w.WriteStartArray("versions");
            foreach (var version in versions)
            {
                w.WriteStringValue(version.LowerVersion);
            }

            w.WriteEndArray();
            w.WriteEndObject();
        });
    }

    private async Task FlatFileAsync(HttpContext context)
    {
        var lowerId = Route(context, "id").ToLowerInvariant();
        var file = Route(context, "file").ToLowerInvariant();
        if (PackageStore.Key(lowerId, Route(context, "version")) is not var (_, lowerVersion) || _db.Find(lowerId, lowerVersion) is not { } record)
        {
            await ErrorAsync(context, StatusCodes.Status404NotFound, $"no package {Route(context, "id")} {Route(context, "version")} in this registry").ConfigureAwait(false);
            return;
        }

        var path = store.PackagePath(lowerId, lowerVersion);
        if (file == $"{lowerId}.{lowerVersion}.nupkg")
        {
            context.Response.ContentType = "application/octet-stream";
            context.Response.Headers.ETag = $"\"{record.Sha256}\"";
            await context.Response.SendFileAsync(path, context.RequestAborted).ConfigureAwait(false);
        }
        else if (file == $"{lowerId}.nuspec")
        {
            await BytesAsync(context, PackageInspector.ReadEntry(path, ".nuspec"), "application/xml").ConfigureAwait(false);
        }
        else
        {
            await ErrorAsync(context, StatusCodes.Status404NotFound, $"no file {file}; expected {lowerId}.{lowerVersion}.nupkg or {lowerId}.nuspec").ConfigureAwait(false);
        }
    }

    private Task RegistrationIndexAsync(HttpContext context)
    {
        var lowerId = Route(context, "id").ToLowerInvariant();
        var versions = _db.Versions(lowerId);
        if (versions.Count == 0)
        {
            return ErrorAsync(context, StatusCodes.Status404NotFound, $"no package {Route(context, "id")} in this registry");
        }

        var root = BaseUrl(context);
        var indexUrl = $"{root}v3/registration/{lowerId}/index.json";
        return JsonAsync(context, w =>
        {
            w.WriteStartObject();
            w.WriteString("@id", indexUrl);
            w.WriteStartArray("@type");
            w.WriteStringValue("catalog:CatalogRoot");
            w.WriteStringValue("PackageRegistration");
            w.WriteEndArray();
            w.WriteNumber("count", 1);
            w.WriteStartArray("items");
            w.WriteStartObject();
            w.WriteString("@id", $"{indexUrl}#page/{versions[0].LowerVersion}/{versions[^1].LowerVersion}");
            w.WriteString("@type", "catalog:CatalogPage");
            w.WriteNumber("count", versions.Count);
            w.WriteString("lower", versions[0].Version);
            w.WriteString("upper", versions[^1].Version);
            w.WriteString("parent", indexUrl);
            w.WriteStartArray("items");
            foreach (var version in versions)
            {
                WriteLeaf(w, root, version, inline: true);
            }

            w.WriteEndArray();
            w.WriteEndObject();
            w.WriteEndArray();
            w.WriteEndObject();
        });
    }

    private Task RegistrationLeafAsync(HttpContext context)
    {
        var lowerId = Route(context, "id").ToLowerInvariant();
        if (PackageStore.Key(lowerId, Route(context, "version")) is not var (_, lowerVersion) || _db.Find(lowerId, lowerVersion) is not { } record)
        {
            return ErrorAsync(context, StatusCodes.Status404NotFound, $"no package {Route(context, "id")} {Route(context, "version")} in this registry");
        }

        var root = BaseUrl(context);
        return JsonAsync(context, w => WriteLeaf(w, root, record, inline: false));
    }

    private static void WriteLeaf(Utf8JsonWriter w, string root, PackageRecord p, bool inline)
    {
        var leafUrl = $"{root}v3/registration/{p.LowerId}/{p.LowerVersion}.json";
        var indexUrl = $"{root}v3/registration/{p.LowerId}/index.json";
        var content = $"{root}v3-flatcontainer/{p.LowerId}/{p.LowerVersion}/{p.LowerId}.{p.LowerVersion}.nupkg";
        var published = p.Listed ? p.Published : new DateTimeOffset(1900, 1, 1, 0, 0, 0, TimeSpan.Zero);
        w.WriteStartObject();
        w.WriteString("@id", leafUrl);
        if (inline)
        {
            w.WriteString("@type", "Package");
        }
        else
        {
            w.WriteStartArray("@type");
            w.WriteStringValue("Package");
            w.WriteStringValue("http://schema.nuget.org/catalog#Permalink");
            w.WriteEndArray();
            w.WriteBoolean("listed", p.Listed);
            w.WriteString("published", published);
        }

        w.WriteString("commitTimeStamp", p.Published);
        w.WriteStartObject("catalogEntry");
        w.WriteString("@id", leafUrl);
        w.WriteString("@type", "PackageDetails");
        w.WriteString("id", p.Id);
        w.WriteString("version", p.Version);
        w.WriteString("authors", p.Authors);
        w.WriteString("description", p.Description ?? string.Empty);
        w.WriteString("summary", p.Summary ?? string.Empty);
        w.WriteString("title", p.Title ?? string.Empty);
        w.WriteString("iconUrl", string.Empty);
        w.WriteString("licenseUrl", string.Empty);
        w.WriteString("licenseExpression", p.LicenseExpression ?? string.Empty);
        w.WriteString("projectUrl", p.ProjectUrl ?? string.Empty);
        w.WriteBoolean("listed", p.Listed);
        w.WriteString("published", published);
        w.WriteBoolean("requireLicenseAcceptance", false);
        w.WriteString("packageContent", content);
        w.WriteStartArray("tags");
        foreach (var tag in p.TagList)
        {
            w.WriteStringValue(tag);
        }

        w.WriteEndArray();
        w.WriteStartArray("dependencyGroups");
        var g = 0;
        foreach (var group in p.DependencyGroups())
        {
            var groupUrl = $"{leafUrl}#dependencygroup/{group.TargetFramework ?? "any"}";
            w.WriteStartObject();
            w.WriteString("@id", groupUrl);
            w.WriteString("@type", "PackageDependencyGroup");
            if (group.TargetFramework is not null)
            {
                w.WriteString("targetFramework", group.TargetFramework);
            }

            w.WriteStartArray("dependencies");
            foreach (var dependency in group.Dependencies)
            {
                w.WriteStartObject();
                w.WriteString("@id", $"{groupUrl}/{dependency.Id.ToLowerInvariant()}");
                w.WriteString("@type", "PackageDependency");
                w.WriteString("id", dependency.Id);
                w.WriteString("range", dependency.Range);
                w.WriteString("registration", $"{root}v3/registration/{dependency.Id.ToLowerInvariant()}/index.json");
                w.WriteEndObject();
            }

            w.WriteEndArray();
            w.WriteEndObject();
            g++;
        }

        w.WriteEndArray();
        w.WriteEndObject();
        w.WriteString("packageContent", content);
        w.WriteString("registration", indexUrl);
        w.WriteEndObject();
    }

    private Task NuGetSearchAsync(HttpContext context)
    {
        if (!TryParseSearch(context, out var query, out var error))
        {
            return ErrorAsync(context, StatusCodes.Status400BadRequest, error);
        }

        var groups = _db.Search(query, out var total);
        var root = BaseUrl(context);
        return JsonAsync(context, w =>
        {
            w.WriteStartObject();
            w.WriteNumber("totalHits", total);
            w.WriteStartArray("data");
            foreach (var versions in groups)
            {
                var p = versions[^1];
                var indexUrl = $"{root}v3/registration/{p.LowerId}/index.json";
                w.WriteStartObject();
                w.WriteString("@id", indexUrl);
                w.WriteString("@type", "Package");
                w.WriteString("registration", indexUrl);
                w.WriteString("id", p.Id);
                w.WriteString("version", p.Version);
                w.WriteString("description", p.Description ?? string.Empty);
                w.WriteString("summary", p.Summary ?? string.Empty);
                w.WriteString("title", p.Title ?? p.DisplayName ?? p.Id);
                w.WriteString("licenseUrl", string.Empty);
                w.WriteString("projectUrl", p.ProjectUrl ?? string.Empty);
                w.WriteStartArray("tags");
                foreach (var tag in p.TagList)
                {
                    w.WriteStringValue(tag);
                }

                w.WriteEndArray();
                w.WriteStartArray("authors");
                foreach (var author in p.Authors.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
                {
                    w.WriteStringValue(author);
                }

                w.WriteEndArray();
                w.WriteStartArray("owners");
                w.WriteEndArray();
                w.WriteNumber("totalDownloads", 0);
                w.WriteBoolean("verified", false);
                w.WriteStartArray("packageTypes");
                w.WriteStartObject();
                w.WriteString("name", "Dependency");
                w.WriteEndObject();
                w.WriteEndArray();
                w.WriteStartArray("versions");
                foreach (var v in versions)
                {
                    w.WriteStartObject();
                    w.WriteString("version", v.Version);
                    w.WriteNumber("downloads", 0);
                    w.WriteString("@id", $"{root}v3/registration/{v.LowerId}/{v.LowerVersion}.json");
                    w.WriteEndObject();
                }

                w.WriteEndArray();
                w.WritePropertyName("pluginai");
                WritePluginSummary(w, root, p, inNuGetResult: true);
                w.WriteEndObject();
            }

            w.WriteEndArray();
            w.WriteEndObject();
        });
    }

    private Task PluginSearchAsync(HttpContext context)
    {
        if (!TryParseSearch(context, out var query, out var error))
        {
            return ErrorAsync(context, StatusCodes.Status400BadRequest, error);
        }

        var groups = _db.Search(query with { SemVer2 = true }, out var total);
        var root = BaseUrl(context);
        return JsonAsync(context, w =>
        {
            w.WriteStartObject();
            w.WriteNumber("totalHits", total);
            w.WriteStartArray("data");
            foreach (var versions in groups)
            {
                WritePluginSummary(w, root, versions[^1], inNuGetResult: false, versions);
            }

            w.WriteEndArray();
            w.WriteEndObject();
        });
    }

    private static void WritePluginSummary(Utf8JsonWriter w, string root, PackageRecord p, bool inNuGetResult, IReadOnlyList<PackageRecord>? versions = null)
    {
        w.WriteStartObject();
        if (!inNuGetResult)
        {
            w.WriteString("id", p.Id);
            w.WriteString("version", p.Version);
            w.WriteString("displayName", p.DisplayName ?? p.Title ?? p.Id);
            w.WriteString("description", p.Description ?? string.Empty);
            w.WriteStartArray("authors");
            foreach (var author in p.Authors.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
            {
                w.WriteStringValue(author);
            }

            w.WriteEndArray();
        }

        w.WriteStartArray("kinds");
        foreach (var kind in p.Kinds)
        {
            w.WriteStringValue(kind);
        }

        w.WriteEndArray();
        w.WriteString("hostApi", p.HostApi);
        w.WritePropertyName("requirements");
        w.WriteRawValue(p.RequirementsJson);
        w.WriteStartArray("variants");
        foreach (var variant in p.Variants)
        {
            w.WriteStringValue(variant);
        }

        w.WriteEndArray();
        w.WriteString("licensing", p.LicensingModel);
        w.WriteBoolean("certified", p.Certified);
        w.WriteBoolean("signed", p.HasSignature);
        w.WriteString("manifest", $"{root}pluginai/v1/packages/{p.LowerId}/{p.LowerVersion}/manifest");
        if (versions is not null)
        {
            w.WriteStartArray("versions");
            foreach (var v in versions)
            {
                w.WriteStringValue(v.Version);
            }

            w.WriteEndArray();
        }

        w.WriteEndObject();
    }

    private static bool TryParseSearch(HttpContext context, out SearchQuery query, out string error)
    {
        var q = context.Request.Query;
        query = new SearchQuery();
        error = string.Empty;
        if (!Int(q["skip"], 0, out var skip) || skip < 0)
        {
            error = "skip must be a whole number of 0 or more";
            return false;
        }

        if (!Int(q["take"], 20, out var take) || take < 0)
        {
            error = "take must be a whole number of 0 or more";
            return false;
        }

        string? kind = q["kind"].ToString() is { Length: > 0 } k ? k.ToLowerInvariant() : null;
        if (kind is not null && !s_kinds.Contains(kind))
        {
            error = $"unknown kind '{kind}'; expected one of {string.Join(", ", s_kinds)}";
            return false;
        }

        var semVerLevel = q["semVerLevel"].ToString();
        query = new SearchQuery
        {
            Text = q["q"].ToString(),
            Skip = skip,
            Take = Math.Min(take, 1000),
            Prerelease = string.Equals(q["prerelease"].ToString(), "true", StringComparison.OrdinalIgnoreCase),
            SemVer2 = NuGet.Versioning.NuGetVersion.TryParse(semVerLevel, out var level) && level.Major >= 2,
            Kind = kind,
            CertifiedOnly = string.Equals(q["certified"].ToString(), "true", StringComparison.OrdinalIgnoreCase),
        };
        return true;

        static bool Int(Microsoft.Extensions.Primitives.StringValues value, int fallback, out int result)
        {
            result = fallback;
            return value.Count == 0 || string.IsNullOrEmpty(value.ToString()) || int.TryParse(value.ToString(), NumberStyles.None, CultureInfo.InvariantCulture, out result);
        }
    }

    private async Task SignedIndexAsync(HttpContext context)
    {
        if (options.SignIndex is not { } sign)
        {
            await ErrorAsync(context, StatusCodes.Status404NotFound, "this registry does not publish a signed index: no registry signing key is configured").ConfigureAwait(false);
            return;
        }

        var issued = options.TimeProvider.GetUtcNow();
        issued = new DateTimeOffset(issued.Ticks - (issued.Ticks % TimeSpan.TicksPerSecond), TimeSpan.Zero);
        byte[] signed;
        await _db.WriteLock.WaitAsync(context.RequestAborted).ConfigureAwait(false);
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

        context.Response.Headers.CacheControl = "no-store";
        await BytesAsync(context, signed, "application/json").ConfigureAwait(false);
    }

    /// <summary>Builds the index payload under a version never signed before and signs it.</summary>
    private byte[] SignIndex(Func<ReadOnlyMemory<byte>, byte[]> sign, DateTimeOffset issued, out long version)
    {
        var entries = _db.IndexForSigning(out version);
        var buffer = new ArrayBufferWriter<byte>();
        using (var w = new Utf8JsonWriter(buffer))
        {
            w.WriteStartObject();
            w.WriteString("format", "pluginai-index/1");
            w.WriteString("registry", options.RegistryName);
            w.WriteNumber("version", version);
            w.WriteString("issued", issued);
            w.WriteString("expires", issued + options.IndexLifetime);
            w.WriteStartArray("packages");
            foreach (var (id, packageVersion, sha256, listed) in entries)
            {
                w.WriteStartObject();
                w.WriteString("id", id);
                w.WriteString("version", packageVersion);
                w.WriteString("sha256", sha256);
                w.WriteBoolean("listed", listed);
                w.WriteEndObject();
            }

            w.WriteEndArray();
            w.WriteEndObject();
        }

        return sign(buffer.WrittenMemory);
    }

    private async Task PackageEntryAsync(HttpContext context, string entry, string contentType)
    {
        var lowerId = Route(context, "id").ToLowerInvariant();
        if (PackageStore.Key(lowerId, Route(context, "version")) is not var (_, lowerVersion) || !_db.Exists(lowerId, lowerVersion))
        {
            await ErrorAsync(context, StatusCodes.Status404NotFound, $"no package {Route(context, "id")} {Route(context, "version")} in this registry").ConfigureAwait(false);
            return;
        }

        var bytes = PackageInspector.ReadEntry(store.PackagePath(lowerId, lowerVersion), entry);
        if (bytes is null)
        {
            await ErrorAsync(context, StatusCodes.Status404NotFound, $"{Route(context, "id")} {Route(context, "version")} has no {entry}").ConfigureAwait(false);
            return;
        }

        await BytesAsync(context, bytes, contentType).ConfigureAwait(false);
    }

    private Task CertificationsAsync(HttpContext context)
    {
        var id = Route(context, "id");
        var list = _db.Certifications(id.ToLowerInvariant());
        return JsonAsync(context, w =>
        {
            w.WriteStartObject();
            w.WriteString("id", id);
            w.WriteStartArray("certifications");
            foreach (var (envelope, _) in list)
            {
                w.WriteRawValue(envelope);
            }

            w.WriteEndArray();
            w.WriteEndObject();
        });
    }

    private async Task AddCertificationAsync(HttpContext context)
    {
        if (!AuthorizeWrite(context, out var refusal))
        {
            await refusal.ConfigureAwait(false);
            return;
        }

        var id = Route(context, "id");
        var versions = _db.Versions(id.ToLowerInvariant());
        if (versions.Count == 0)
        {
            await ErrorAsync(context, StatusCodes.Status404NotFound, $"no package {id} in this registry; push the plugin before certifying it").ConfigureAwait(false);
            return;
        }

        using var body = new MemoryStream();
        var buffer = new byte[81920];
        int read;
        while ((read = await context.Request.Body.ReadAsync(buffer, context.RequestAborted).ConfigureAwait(false)) > 0)
        {
            if (body.Length + read > MaxCertificationBytes)
            {
                await ErrorAsync(context, StatusCodes.Status413PayloadTooLarge, $"a certification envelope may be at most {MaxCertificationBytes} bytes").ConfigureAwait(false);
                return;
            }

            body.Write(buffer, 0, read);
        }

        var bytes = body.ToArray();
        string? problem = null;
        try
        {
            using var document = JsonDocument.Parse(bytes);
            if (document.RootElement.ValueKind != JsonValueKind.Object)
            {
                problem = "expected a JSON object (a signed envelope)";
            }
            else if (!document.RootElement.TryGetProperty("format", out var format) || format.ValueKind != JsonValueKind.String || format.GetString() != EnvelopeFormat)
            {
                problem = $"field 'format': expected \"{EnvelopeFormat}\"";
            }
        }
        catch (JsonException ex)
        {
            problem = $"the body is not valid JSON: {ex.Message}";
        }

        if (problem is not null)
        {
            await ErrorAsync(context, StatusCodes.Status400BadRequest, $"not a certification envelope: {problem}").ConfigureAwait(false);
            return;
        }

        var submission = new CertificationSubmission(versions[0].Id, bytes);
        foreach (var validator in options.CertificationValidators)
        {
            var result = await validator.ValidateAsync(submission, context.RequestAborted).ConfigureAwait(false);
            if (!result.IsValid)
            {
                await ErrorAsync(context, StatusCodes.Status400BadRequest, result.Reason!).ConfigureAwait(false);
                return;
            }
        }

        bool added;
        await _db.WriteLock.WaitAsync(context.RequestAborted).ConfigureAwait(false);
        try
        {
            var sha256 = Convert.ToHexStringLower(SHA256.HashData(bytes));
            store.SaveCertification(id.ToLowerInvariant(), sha256, bytes);
            added = _db.AddCertification(versions[0].Id, sha256, PackageInspector.DecodeUtf8(bytes), options.TimeProvider.GetUtcNow());
        }
        finally
        {
            _db.WriteLock.Release();
        }

        context.Response.StatusCode = added ? StatusCodes.Status201Created : StatusCodes.Status200OK;
    }

    private Task ContributorsAsync(HttpContext context)
    {
        var id = Route(context, "id");
        string? lowerVersion = null;
        if (context.Request.RouteValues.ContainsKey("version"))
        {
            if (PackageStore.Key(id, Route(context, "version")) is not var (_, v) || !_db.Exists(id.ToLowerInvariant(), v))
            {
                return ErrorAsync(context, StatusCodes.Status404NotFound, $"no package {id} {Route(context, "version")} in this registry");
            }

            lowerVersion = v;
        }
        else if (_db.Versions(id.ToLowerInvariant()).Count == 0)
        {
            return ErrorAsync(context, StatusCodes.Status404NotFound, $"no package {id} in this registry");
        }

        var rows = _db.Contributors(id.ToLowerInvariant(), lowerVersion);
        return JsonAsync(context, w =>
        {
            w.WriteStartObject();
            w.WriteString("id", rows.FirstOrDefault()?.Id ?? id);
            w.WriteStartArray("entries");
            foreach (var r in rows)
            {
                w.WriteStartObject();
                w.WriteString("version", r.Version);
                w.WriteString("contributor", r.Contributor);
                w.WriteString("name", r.Name);
                w.WriteString("email", r.Email);
                w.WriteNumber("codeCommits", r.CodeCommits);
                w.WriteNumber("docCommits", r.DocCommits);
                w.WriteNumber("issues", r.Issues);
                w.WriteNumber("linesAdded", r.LinesAdded);
                w.WriteNumber("linesRemoved", r.LinesRemoved);
                w.WriteNumber("rawScore", r.RawScore);
                w.WriteNumber("share", r.Share);
                w.WriteStartObject("weights");
                w.WriteNumber("code", r.CodeWeight);
                w.WriteNumber("issues", r.IssuesWeight);
                w.WriteNumber("docs", r.DocsWeight);
                w.WriteEndObject();
                if (r.Since is { } since)
                {
                    w.WriteString("since", since);
                }
                else
                {
                    w.WriteNull("since");
                }

                if (r.Until is { } until)
                {
                    w.WriteString("until", until);
                }
                else
                {
                    w.WriteNull("until");
                }

                w.WriteEndObject();
            }

            w.WriteEndArray();
            w.WriteEndObject();
        });
    }

    private static async Task JsonAsync(HttpContext context, Action<Utf8JsonWriter> write)
    {
        var buffer = new ArrayBufferWriter<byte>();
        using (var writer = new Utf8JsonWriter(buffer))
        {
            write(writer);
        }

        await BytesAsync(context, buffer.WrittenMemory, "application/json").ConfigureAwait(false);
    }

    private static async Task BytesAsync(HttpContext context, ReadOnlyMemory<byte>? bytes, string contentType)
    {
        if (bytes is not { } body)
        {
            await ErrorAsync(context, StatusCodes.Status404NotFound, "not found").ConfigureAwait(false);
            return;
        }

        context.Response.StatusCode = StatusCodes.Status200OK;
        context.Response.ContentType = contentType;
        context.Response.ContentLength = body.Length;
        await context.Response.Body.WriteAsync(body, context.RequestAborted).ConfigureAwait(false);
    }

    private static Task ErrorAsync(HttpContext context, int status, string message)
    {
        context.Response.StatusCode = status;
        if (context.Features.Get<IHttpResponseFeature>() is { } feature)
        {
            feature.ReasonPhrase = ReasonPhrase(message);
        }

        context.Response.ContentType = "text/plain; charset=utf-8";
        return context.Response.WriteAsync(message + "\n", Encoding.UTF8, context.RequestAborted);
    }

    private static string ReasonPhrase(string message)
    {
        var text = new StringBuilder(Math.Min(message.Length, 500));
        foreach (var c in message)
        {
            if (text.Length >= 500)
            {
                break;
            }

            text.Append(c is >= ' ' and <= '~' ? c : ' ');
        }

        return text.ToString();
    }
}
