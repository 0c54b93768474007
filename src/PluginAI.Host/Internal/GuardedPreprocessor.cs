using PluginAI.Processing;

namespace PluginAI.Host.Internal;

internal sealed class GuardedPreprocessor(IPreprocessor inner, PluginGuard guard) : DelegatingPreprocessor(inner)
{
    public override PreprocessorMetadata Metadata => guard.Run("IPreprocessor.Metadata", () => InnerPreprocessor.Metadata);

    public override Task<DocumentContent> ProcessDocumentAsync(DocumentContent document, CancellationToken cancellationToken = default) =>
        guard.RunAsync("IPreprocessor.ProcessDocumentAsync", () => InnerPreprocessor.ProcessDocumentAsync(document, cancellationToken), cancellationToken);

    public override Task<PromptContext> ProcessPromptAsync(PromptContext prompt, CancellationToken cancellationToken = default) =>
        guard.RunAsync("IPreprocessor.ProcessPromptAsync", () => InnerPreprocessor.ProcessPromptAsync(prompt, cancellationToken), cancellationToken);
}
