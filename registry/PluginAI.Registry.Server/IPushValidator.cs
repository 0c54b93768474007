namespace PluginAI.Registry.Server;

/// <summary>Decides whether a pushed package may be stored.</summary>
/// <remarks>
/// Validators run after the package was received into a temporary file and before anything is stored. A refusal
/// answers the push with 400 and the reason; nothing is stored. Implementations must be thread-safe: pushes run
/// concurrently.
/// </remarks>
public interface IPushValidator
{
    /// <summary>Checks a pushed package.</summary>
    /// <param name="package">The package as received.</param>
    /// <param name="cancellationToken">A token cancelled when the request is aborted.</param>
    /// <returns><see cref="PushValidationResult.Success"/>, or a refusal with the reason.</returns>
    ValueTask<PushValidationResult> ValidateAsync(PushedPackage package, CancellationToken cancellationToken);
}

/// <summary>Decides whether a posted certification envelope may be stored.</summary>
/// <remarks>
/// The server itself only checks that the body is a JSON object whose <c>format</c> is <c>pluginai-envelope/1</c>;
/// signature checks belong in a validator. Implementations must be thread-safe.
/// </remarks>
public interface ICertificationValidator
{
    /// <summary>Checks a certification envelope.</summary>
    /// <param name="submission">The envelope and the plugin it was posted for.</param>
    /// <param name="cancellationToken">A token cancelled when the request is aborted.</param>
    /// <returns><see cref="PushValidationResult.Success"/>, or a refusal with the reason.</returns>
    ValueTask<PushValidationResult> ValidateAsync(CertificationSubmission submission, CancellationToken cancellationToken);
}

/// <summary>A certification envelope posted to <c>/pluginai/v1/certifications/{id}</c>.</summary>
/// <param name="PackageId">The plugin id named in the request path.</param>
/// <param name="Envelope">The exact bytes of the envelope JSON.</param>
public sealed record CertificationSubmission(string PackageId, ReadOnlyMemory<byte> Envelope);

/// <summary>The outcome of a validator.</summary>
public sealed record PushValidationResult
{
    private PushValidationResult(string? reason) => Reason = reason;

    /// <summary>Gets the result that accepts the package.</summary>
    public static PushValidationResult Success { get; } = new((string?)null);

    /// <summary>Gets a value indicating whether the package is accepted.</summary>
    public bool IsValid => Reason is null;

    /// <summary>Gets why the package is refused, or <see langword="null"/> when it is accepted.</summary>
    public string? Reason { get; }

    /// <summary>Creates a refusal.</summary>
    /// <param name="reason">Why the package is refused, in plain words; sent back to the client.</param>
    /// <returns>The refusal.</returns>
    public static PushValidationResult Refuse(string reason)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(reason);
        return new PushValidationResult(reason);
    }
}
