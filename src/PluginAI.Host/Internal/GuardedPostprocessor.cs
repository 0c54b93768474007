using Microsoft.Extensions.AI;
using PluginAI.Processing;

namespace PluginAI.Host.Internal;

internal sealed class GuardedPostprocessor(IPostprocessor inner, PluginGuard guard) : DelegatingPostprocessor(inner)
{
    public override PostprocessorMetadata Metadata => guard.Run("IPostprocessor.Metadata", () => InnerPostprocessor.Metadata);

    public override IAsyncEnumerable<ChatResponseUpdate> ProcessAsync(IAsyncEnumerable<ChatResponseUpdate> updates, PostprocessorContext context, CancellationToken cancellationToken = default) =>
        guard.StreamAsync("IPostprocessor.ProcessAsync", ct => InnerPostprocessor.ProcessAsync(updates, context, ct), cancellationToken);
}
