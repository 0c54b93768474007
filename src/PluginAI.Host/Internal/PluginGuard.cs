using System.Runtime.CompilerServices;
using Microsoft.Extensions.Logging;

namespace PluginAI.Host.Internal;

/// <summary>Runs calls into one plugin so that an unexpected exception is logged, counted and wrapped, never escapes raw.</summary>
internal sealed class PluginGuard(PluginRecord record, ILogger logger)
{
    public string PluginId => record.Id;

    public async Task<T> RunAsync<T>(string operation, Func<Task<T>> call, CancellationToken cancellationToken)
    {
        try
        {
            return await call().ConfigureAwait(false);
        }
        catch (Exception ex) when (IsFault(ex, cancellationToken))
        {
            throw Fault(operation, ex);
        }
    }

    public async Task RunAsync(string operation, Func<Task> call, CancellationToken cancellationToken)
    {
        try
        {
            await call().ConfigureAwait(false);
        }
        catch (Exception ex) when (IsFault(ex, cancellationToken))
        {
            throw Fault(operation, ex);
        }
    }

    public T Run<T>(string operation, Func<T> call)
    {
        try
        {
            return call();
        }
        catch (Exception ex) when (IsFault(ex, CancellationToken.None))
        {
            throw Fault(operation, ex);
        }
    }

    public async IAsyncEnumerable<T> StreamAsync<T>(string operation, Func<CancellationToken, IAsyncEnumerable<T>> call, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        IAsyncEnumerator<T> enumerator;
        try
        {
            enumerator = call(cancellationToken).GetAsyncEnumerator(cancellationToken);
        }
        catch (Exception ex) when (IsFault(ex, cancellationToken))
        {
            throw Fault(operation, ex);
        }

        await using (enumerator.ConfigureAwait(false))
        {
            while (true)
            {
                T item;
                try
                {
                    if (!await enumerator.MoveNextAsync().ConfigureAwait(false))
                    {
                        yield break;
                    }

                    item = enumerator.Current;
                }
                catch (Exception ex) when (IsFault(ex, cancellationToken))
                {
                    throw Fault(operation, ex);
                }

                yield return item;
            }
        }
    }

    private static bool IsFault(Exception ex, CancellationToken cancellationToken) =>
        ex is not PluginException and not PluginFaultException
        && !(ex is OperationCanceledException && cancellationToken.IsCancellationRequested);

    private PluginFaultException Fault(string operation, Exception ex)
    {
        record.RecordFault($"{operation}: {ex.GetType().Name}: {ex.Message}");
        logger.LogError(ex, "Plugin {PluginId} failed in {Operation}; the failure was contained", record.Id, operation);
        return new PluginFaultException(record.Id, operation, ex);
    }
}
