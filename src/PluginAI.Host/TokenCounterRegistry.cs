using System.Collections.Concurrent;
using PluginAI.Processing;

namespace PluginAI.Host;

/// <summary>
/// The token counters of the models loaded now, by model id: whoever loads a model registers its counter, and plugins
/// (chunkers) find it through <see cref="ITokenCounterProvider"/>. Thread-safe.
/// </summary>
public sealed class TokenCounterRegistry : ITokenCounterProvider
{
    private readonly ConcurrentDictionary<string, ImmutableRegistrations> _counters = new(StringComparer.Ordinal);

    /// <summary>Registers a loaded model's token counter.</summary>
    /// <param name="modelId">The model's id.</param>
    /// <param name="counter">Its counter.</param>
    /// <returns>A registration; dispose it when the model is unloaded.</returns>
    public IDisposable Register(string modelId, ITokenCounter counter)
    {
        ArgumentException.ThrowIfNullOrEmpty(modelId);
        ArgumentNullException.ThrowIfNull(counter);
        var registration = new Registration(this, modelId, counter);
        _counters.AddOrUpdate(modelId, _ => new([registration]), (_, existing) => new([.. existing.Items, registration]));
        return registration;
    }

    /// <inheritdoc />
    public ITokenCounter? GetTokenCounter(string modelId) =>
        _counters.TryGetValue(modelId, out var registrations) && registrations.Items.Count > 0 ? registrations.Items[^1].Counter : null;

    private void Remove(Registration registration)
    {
        while (_counters.TryGetValue(registration.ModelId, out var existing))
        {
            var remaining = new ImmutableRegistrations([.. existing.Items.Where(r => r != registration)]);
            if (remaining.Items.Count == 0 ? _counters.TryRemove(new KeyValuePair<string, ImmutableRegistrations>(registration.ModelId, existing)) : _counters.TryUpdate(registration.ModelId, remaining, existing))
            {
                return;
            }
        }
    }

    private sealed record ImmutableRegistrations(IReadOnlyList<Registration> Items);

    private sealed class Registration(TokenCounterRegistry owner, string modelId, ITokenCounter counter) : IDisposable
    {
        private int _disposed;

        public string ModelId { get; } = modelId;

        public ITokenCounter Counter { get; } = counter;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _disposed, 1) == 0)
            {
                owner.Remove(this);
            }
        }
    }
}
