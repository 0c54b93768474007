namespace PluginAI.Registry.Server;

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
