using System.Buffers;
using System.Security.Cryptography;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.Extensions.Logging;
using Microsoft.Net.Http.Headers;
using PluginAI.Registry.Server.Responses;

namespace PluginAI.Registry.Server.Endpoints;

/// <summary>The NuGet publish resource: push, unlist and relist. Every route needs a write key.</summary>
internal sealed class PushEndpoints(RegistryServerOptions options, PackageStore store, ILogger logger)
{
    private const int BufferSize = 81920;
    private const int MaxBoundaryLength = 70;

    public void Map(IEndpointRouteBuilder routes, IEndpointFilter writeKey)
    {
        routes.MapMethods("/api/v2/package", ["PUT", "POST"], (HttpRequest request, CancellationToken cancellationToken) => PushAsync(request, cancellationToken))
            .AddEndpointFilter(writeKey);
        routes.MapDelete("/api/v2/package/{id}/{version}", (string id, string version, CancellationToken cancellationToken) => SetListedAsync(id, version, listed: false, cancellationToken))
            .AddEndpointFilter(writeKey);
        routes.MapPost("/api/v2/package/{id}/{version}", (string id, string version, CancellationToken cancellationToken) => SetListedAsync(id, version, listed: true, cancellationToken))
            .AddEndpointFilter(writeKey);
    }

    private async Task<IResult> PushAsync(HttpRequest request, CancellationToken cancellationToken)
    {
        Directory.CreateDirectory(store.TempDirectory);
        var temp = Path.Combine(store.TempDirectory, $"{Guid.NewGuid():N}.nupkg");
        try
        {
            var received = await ReceiveAsync(request, temp, cancellationToken).ConfigureAwait(false);
            if (received.Error is { } error)
            {
                return error;
            }

            var package = PackageInspector.Inspect(temp, received.Sha256, received.Size);
            foreach (var validator in options.PushValidators.Prepend(ManifestPushValidator.Instance))
            {
                var result = await validator.ValidateAsync(package, cancellationToken).ConfigureAwait(false);
                if (!result.IsValid)
                {
                    logger.LogWarning("Push of {Id} {Version} refused: {Reason}", package.Id, package.Version, result.Reason);
                    return new ErrorResponse(StatusCodes.Status400BadRequest, result.Reason!);
                }
            }

            var (stored, owner) = await store.CommitOwnedAsync(package, cancellationToken).ConfigureAwait(false);
            if (owner is not null)
            {
                var signer = package.SignerKeyId is { } key ? $"is signed by key {key}" : "is unsigned";
                logger.LogWarning("Push of {Id} {Version} refused: the id is owned by key {Owner} and the package {Signer}", package.Id, package.Version, owner, signer);
                return new ErrorResponse(StatusCodes.Status403Forbidden, $"{package.Id} is owned by the publisher key {owner}, the key that signed its first push; this package {signer}. Sign it with the owner's key, or ask the registry's operator to transfer the id (edit {package.Id.ToLowerInvariant()}/{PackageStore.OwnerFileName} in the package folder)");
            }

            if (!stored)
            {
                return new ErrorResponse(StatusCodes.Status409Conflict, $"{package.Id} {package.Version!.ToNormalizedString()} already exists in this registry; push a new version");
            }

            logger.LogInformation("Stored {Id} {Version}", package.Id, package.Version);
            return TypedResults.StatusCode(StatusCodes.Status201Created);
        }
        finally
        {
            if (File.Exists(temp))
            {
                File.Delete(temp);
            }
        }
    }

    /// <summary>Streams the package (the body, or the first part of a multipart body) into a file, hashing it on the way.</summary>
    private async Task<(string Sha256, long Size, ErrorResponse? Error)> ReceiveAsync(HttpRequest request, string temp, CancellationToken cancellationToken)
    {
        var body = request.Body;
        if (MediaTypeHeaderValue.TryParse(request.ContentType, out var mediaType) && mediaType.MediaType.StartsWith("multipart/", StringComparison.OrdinalIgnoreCase))
        {
            var boundary = HeaderUtilities.RemoveQuotes(mediaType.Boundary).Value;
            if (string.IsNullOrEmpty(boundary))
            {
                return (string.Empty, 0, new ErrorResponse(StatusCodes.Status400BadRequest, "the multipart request has no boundary"));
            }

            // RFC 2046 allows 1 to 70 characters; the reader refuses longer ones by throwing.
            if (boundary.Length > MaxBoundaryLength)
            {
                return (string.Empty, 0, new ErrorResponse(StatusCodes.Status400BadRequest, $"the multipart boundary is {boundary.Length} characters long; expected at most {MaxBoundaryLength}"));
            }

            var reader = new MultipartReader(boundary, request.Body) { BodyLengthLimit = null };
            MultipartSection? section;
            try
            {
                section = await reader.ReadNextSectionAsync(cancellationToken).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is IOException or InvalidDataException)
            {
                return (string.Empty, 0, Malformed(ex));
            }

            if (section is null)
            {
                return (string.Empty, 0, NoPackageFile());
            }

            body = section.Body;
        }

        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        long size = 0;
        var buffer = ArrayPool<byte>.Shared.Rent(BufferSize);
        try
        {
            var file = new FileStream(temp, FileMode.CreateNew, FileAccess.Write, FileShare.None, BufferSize, FileOptions.Asynchronous);
            await using (file.ConfigureAwait(false))
            {
                int read;
                while ((read = await ReadBodyAsync(body, buffer, cancellationToken).ConfigureAwait(false)) > 0)
                {
                    size += read;
                    if (size > options.MaxPackageBytes)
                    {
                        return (string.Empty, size, TooLarge());
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
            return (string.Empty, size, TooLarge());
        }
        catch (BadHttpRequestException ex)
        {
            return (string.Empty, size, new ErrorResponse(ex.StatusCode, $"the request body could not be read: {ex.Message}"));
        }
        catch (MalformedBodyException ex)
        {
            return (string.Empty, size, Malformed(ex.InnerException!));
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }

        return size == 0
            ? (string.Empty, 0, NoPackageFile())
            : (Convert.ToHexStringLower(hash.GetHashAndReset()), size, null);
    }

    /// <summary>Reads the request body, telling a malformed or cut-off body apart from a failing disk.</summary>
    private static async ValueTask<int> ReadBodyAsync(Stream body, byte[] buffer, CancellationToken cancellationToken)
    {
        try
        {
            return await body.ReadAsync(buffer, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is (IOException or InvalidDataException) and not BadHttpRequestException)
        {
            throw new MalformedBodyException(ex);
        }
    }

    private static ErrorResponse Malformed(Exception ex) =>
        new(StatusCodes.Status400BadRequest, $"the multipart body is malformed or cut off: {ex.Message}");

    private async Task<IResult> SetListedAsync(string id, string version, bool listed, CancellationToken cancellationToken)
    {
        if (PackageStore.Key(id, version) is not var (lowerId, lowerVersion))
        {
            return new ErrorResponse(StatusCodes.Status400BadRequest, "the version is not a valid NuGet version");
        }

        if (await store.SetListedAsync(lowerId, lowerVersion, listed, cancellationToken).ConfigureAwait(false) is null)
        {
            return new ErrorResponse(StatusCodes.Status404NotFound, $"{id} {version} is not in this registry");
        }

        logger.LogInformation("{Action} {Id} {Version}", listed ? "Relisted" : "Unlisted", lowerId, lowerVersion);
        return TypedResults.Ok();
    }

    private static ErrorResponse NoPackageFile() => new(StatusCodes.Status400BadRequest, "the request holds no package file");

    private ErrorResponse TooLarge() =>
        new(StatusCodes.Status413PayloadTooLarge, $"the package is larger than this registry accepts ({options.MaxPackageBytes} bytes)");

    /// <summary>The body could not be read as a multipart form; carries the reader's exception.</summary>
    private sealed class MalformedBodyException(Exception inner) : Exception(inner.Message, inner);
}
