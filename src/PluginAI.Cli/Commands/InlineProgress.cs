namespace PluginAI.Cli.Commands;

/// <summary>An <see cref="IProgress{T}"/> that reports synchronously, on the caller's thread, in order, unlike <see cref="Progress{T}"/>.</summary>
internal sealed class InlineProgress<T>(Action<T> report) : IProgress<T>
{
    private readonly Lock _gate = new();

    public void Report(T value)
    {
        lock (_gate)
        {
            report(value);
        }
    }
}
