using System.Security.Cryptography;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using PluginAI.Registry.Server.Responses;

namespace PluginAI.Registry.Server.Endpoints;

/// <summary>Certification records: anyone may read a plugin's envelopes; posting one needs a write key.</summary>
internal sealed class CertificationEndpoints(RegistryServerOptions options, PackageStore store)
{
    private const string EnvelopeFormat = "pluginai-envelope/1";
    private const int MaxCertificationBytes = 1 << 20;
    private const int BufferSize = 81920;

    private readonly RegistryDatabase _db = store.Database;

    public void Map(IEndpointRouteBuilder routes, IEndpointFilter writeKey)
    {
        routes.MapGet("/pluginai/v1/certifications/{id}", (string id) => Certifications(id));
        routes.MapPost("/pluginai/v1/certifications/{id}", (string id, HttpRequest request, CancellationToken cancellationToken) => AddCertificationAsync(id, request, cancellationToken))
            .AddEndpointFilter(writeKey);
    }

    private IResult Certifications(string id)
    {
        var list = _db.Certifications(id.ToLowerInvariant());
        var answer = new CertificationList(id, [.. list.Select(c => new RawJson(c.Envelope))]);
        return JsonResponse.Create(answer, RegistryResponseJsonContext.Default.CertificationList);
    }

    private async Task<IResult> AddCertificationAsync(string id, HttpRequest request, CancellationToken cancellationToken)
    {
        var versions = _db.Versions(id.ToLowerInvariant());
        if (versions.Count == 0)
        {
            return new ErrorResponse(StatusCodes.Status404NotFound, $"no package {id} in this registry; push the plugin before certifying it");
        }

        using var body = new MemoryStream();
        var buffer = new byte[BufferSize];
        int read;
        while ((read = await request.Body.ReadAsync(buffer, cancellationToken).ConfigureAwait(false)) > 0)
        {
            if (body.Length + read > MaxCertificationBytes)
            {
                return new ErrorResponse(StatusCodes.Status413PayloadTooLarge, $"a certification envelope may be at most {MaxCertificationBytes} bytes");
            }

            body.Write(buffer, 0, read);
        }

        var bytes = body.ToArray();
        if (EnvelopeProblem(bytes) is { } problem)
        {
            return new ErrorResponse(StatusCodes.Status400BadRequest, $"not a certification envelope: {problem}");
        }

        var submission = new CertificationSubmission(versions[0].Id, bytes);
        foreach (var validator in options.CertificationValidators)
        {
            var result = await validator.ValidateAsync(submission, cancellationToken).ConfigureAwait(false);
            if (!result.IsValid)
            {
                return new ErrorResponse(StatusCodes.Status400BadRequest, result.Reason!);
            }
        }

        bool added;
        await _db.WriteLock.WaitAsync(cancellationToken).ConfigureAwait(false);
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

        return TypedResults.StatusCode(added ? StatusCodes.Status201Created : StatusCodes.Status200OK);
    }

    /// <summary>The server checks only the envelope's shape; signatures are for the configured validators.</summary>
    private static string? EnvelopeProblem(byte[] bytes)
    {
        try
        {
            using var document = JsonDocument.Parse(bytes);
            if (document.RootElement.ValueKind != JsonValueKind.Object)
            {
                return "expected a JSON object (a signed envelope)";
            }

            return document.RootElement.TryGetProperty("format", out var format) && format.ValueKind == JsonValueKind.String && format.GetString() == EnvelopeFormat
                ? null
                : $"field 'format': expected \"{EnvelopeFormat}\"";
        }
        catch (JsonException ex)
        {
            return $"the body is not valid JSON: {ex.Message}";
        }
    }
}
