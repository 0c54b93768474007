using System.Runtime.CompilerServices;
using Microsoft.Extensions.AI;
using PluginAI.Cluster;
using PluginAI.Server;

namespace PluginAI.Cli;

/// <summary>The server's chat requests answered by a cluster's nodes (<c>pluginai serve --cluster</c>).</summary>
internal sealed class ClusterRemoteChat(ClusterGateway gateway, string address) : IRemoteChat
{
    public string Description => $"the cluster at {address}";

    public async Task<IReadOnlyList<string>> ListModelsAsync(CancellationToken cancellationToken = default)
    {
        try
        {
            return await gateway.ListChatModelsAsync().WaitAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (Exception exception) when (exception is not OperationCanceledException and not PluginException)
        {
            throw Unavailable(exception);
        }
    }

    public async IAsyncEnumerable<ChatResponseUpdate> StreamAsync(string model, IReadOnlyList<ChatMessage> messages, ChatOptions? options, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        await using var updates = gateway.StreamChatAsync(model, messages, options, cancellationToken).GetAsyncEnumerator(cancellationToken);
        while (true)
        {
            ChatResponseUpdate update;
            try
            {
                if (!await updates.MoveNextAsync().ConfigureAwait(false))
                {
                    yield break;
                }

                update = updates.Current;
            }
            catch (KeyNotFoundException exception)
            {
                throw new PluginException(exception.Message) { ErrorCode = "model.none" };
            }
            catch (Exception exception) when (exception is not OperationCanceledException and not PluginException)
            {
                throw Unavailable(exception);
            }

            yield return update;
        }
    }

    private PluginException Unavailable(Exception exception) =>
        new($"{Description} did not answer: {exception.Message}", exception) { ErrorCode = "cluster.unavailable" };
}
