namespace PluginAI.Backends;

/// <summary>
/// Writes a copy of a model with its weights quantised. A backend that can do this offers it through
/// <see cref="IInferenceBackend.GetService"/>; hosts ask for it with <c>backend.GetService(typeof(IModelQuantizer))</c>.
/// </summary>
/// <remarks>Quantising reads the whole source model and is CPU-bound; calls may run concurrently on different files.</remarks>
public interface IModelQuantizer
{
    /// <summary>Gets the quantisation types this backend writes, such as <c>Q4_K_M</c>, <c>Q5_K_M</c> and <c>Q8_0</c>.</summary>
    IReadOnlyList<string> QuantizationTypes { get; }

    /// <summary>Quantises a model file into a new file.</summary>
    /// <param name="sourcePath">The model to read.</param>
    /// <param name="destinationPath">The file to write; it must not be the source.</param>
    /// <param name="quantizationType">One of <see cref="QuantizationTypes"/>.</param>
    /// <param name="threads">The threads to use; 0 for one per core.</param>
    /// <param name="cancellationToken">A token to cancel before the work starts; a quantisation under way runs to its end.</param>
    /// <returns>A task that completes when the file is written.</returns>
    /// <exception cref="PluginException">The type is not supported, or the backend could not quantise the file.</exception>
    Task QuantizeAsync(string sourcePath, string destinationPath, string quantizationType, int threads, CancellationToken cancellationToken = default);
}
