using PluginAI.Processing;
using StreamJsonRpc;

namespace PluginAI.Host.Workers;

/// <summary>
/// What a worker may ask its host: token counts of the host's models, and the items of a stream the host offers it (a
/// postprocessor's input), taken in batches of what is ready so that a fast stream costs few round trips.
/// </summary>
internal sealed class HostCallbacks(ITokenCounterProvider counters)
{
    public const string HasTokenCounterMethod = "HostHasTokenCounter";

    public const string CountTokensMethod = "HostCountTokens";

    public const string TakeUpdatesMethod = "HostTakeUpdates";

    private const int BatchLimit = 256;

    private readonly System.Collections.Concurrent.ConcurrentDictionary<long, OfferedStream> _offered = new();
    private long _next;

    [JsonRpcMethod(HasTokenCounterMethod)]
    public bool HasTokenCounter(string modelId) => counters.GetTokenCounter(modelId) is not null;

    [JsonRpcMethod(CountTokensMethod)]
    public int CountTokens(string modelId, string text) =>
        (counters.GetTokenCounter(modelId) ?? throw new PluginException($"The host has no token counter for model '{modelId}'.")).CountTokens(text);

    /// <summary>Takes the next items of an offered stream: at least one, at most what is ready; null once it has ended.</summary>
    [JsonRpcMethod(TakeUpdatesMethod)]
    public async Task<Microsoft.Extensions.AI.ChatResponseUpdate[]?> TakeUpdates(long id, CancellationToken cancellationToken)
    {
        if (!_offered.TryGetValue(id, out var stream))
        {
            throw new InvalidOperationException($"The host offers no stream {id}; it ended or was abandoned.");
        }

        var reader = stream.Channel.Reader;
        if (!await reader.WaitToReadAsync(cancellationToken).ConfigureAwait(false))
        {
            return null;
        }

        var batch = new List<Microsoft.Extensions.AI.ChatResponseUpdate>();
        while (batch.Count < BatchLimit && reader.TryRead(out var update))
        {
            batch.Add(update);
        }

        return [.. batch];
    }

    /// <summary>Offers a stream to the worker until the returned registration is disposed.</summary>
    public (long Id, IAsyncDisposable Registration) Offer(IAsyncEnumerable<Microsoft.Extensions.AI.ChatResponseUpdate> updates, CancellationToken cancellationToken)
    {
        var id = Interlocked.Increment(ref _next);
        var stream = new OfferedStream(updates, cancellationToken);
        _offered[id] = stream;
        return (id, new Registration(this, id));
    }

    private sealed class Registration(HostCallbacks owner, long id) : IAsyncDisposable
    {
        public ValueTask DisposeAsync() => owner._offered.TryRemove(id, out var stream) ? stream.DisposeAsync() : ValueTask.CompletedTask;
    }

    /// <summary>Reads the offered stream ahead into a bounded channel, so that the worker takes whatever is ready.</summary>
    private sealed class OfferedStream : IAsyncDisposable
    {
        private readonly CancellationTokenSource _stop;
        private readonly Task _pump;

        public OfferedStream(IAsyncEnumerable<Microsoft.Extensions.AI.ChatResponseUpdate> updates, CancellationToken cancellationToken)
        {
            _stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            _pump = PumpAsync(updates, _stop.Token);
        }

        public System.Threading.Channels.Channel<Microsoft.Extensions.AI.ChatResponseUpdate> Channel { get; } =
            System.Threading.Channels.Channel.CreateBounded<Microsoft.Extensions.AI.ChatResponseUpdate>(new System.Threading.Channels.BoundedChannelOptions(BatchLimit) { SingleReader = true, SingleWriter = true });

        public async ValueTask DisposeAsync()
        {
            await _stop.CancelAsync().ConfigureAwait(false);
            await _pump.ConfigureAwait(false);
            _stop.Dispose();
        }

        private async Task PumpAsync(IAsyncEnumerable<Microsoft.Extensions.AI.ChatResponseUpdate> updates, CancellationToken cancellationToken)
        {
            await Task.Yield();
            try
            {
                await foreach (var update in updates.WithCancellation(cancellationToken).ConfigureAwait(false))
                {
                    await Channel.Writer.WriteAsync(update, cancellationToken).ConfigureAwait(false);
                }

                Channel.Writer.TryComplete();
            }
            catch (Exception ex)
            {
                Channel.Writer.TryComplete(ex);
            }
        }
    }
}
