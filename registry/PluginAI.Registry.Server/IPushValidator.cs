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
