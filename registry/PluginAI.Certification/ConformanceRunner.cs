using System.Reflection;
using System.Security.Cryptography;
using PluginAI.Backends;
using PluginAI.Conformance;
using PluginAI.Processing;
using PluginAI.Retrieval;

namespace PluginAI.Certification;

/// <summary>
/// Runs the conformance suites without a test runner, as <c>pluginai certify</c> does: the very same
/// <see cref="ConformanceCheckAttribute"/> methods that a plugin's test project runs as xunit tests through
/// <c>PluginAI.Testing</c>, one fresh suite instance per check as xunit does.
/// </summary>
/// <remarks>
/// For every public check the runner creates a new instance of the suite, calls
/// <see cref="BackendConformanceChecks.InitializeAsync"/> where the suite has it, invokes the method, and then calls
/// <see cref="BackendConformanceChecks.DisposeAsync"/> and <see cref="IDisposable.Dispose"/>. A test passes when it
/// returns, fails when it throws (the check's message is kept) or runs past <see cref="ConformanceRunOptions.TestTimeout"/>,
/// and is skipped when it takes parameters. Tests run one after another, in the order the suite declares them.
/// No test framework is loaded, so the runner ships in tools that must not carry one.
/// </remarks>
public static class ConformanceRunner
{
    /// <summary>Runs the backend suite (<see cref="BackendConformanceChecks"/>).</summary>
    /// <param name="backend">The backend under test; the runner does not dispose it.</param>
    /// <param name="request">The request for a small model the backend loads quickly; every test loads it afresh.</param>
    /// <param name="progress">Receives each result as its test finishes.</param>
    /// <param name="cancellationToken">Stops the run between tests, or while a test runs.</param>
    /// <returns>The report.</returns>
    public static Task<ConformanceReport> RunBackendAsync(
        IInferenceBackend backend,
        ModelLoadRequest request,
        IProgress<ConformanceTestResult>? progress,
        CancellationToken cancellationToken) =>
        RunBackendAsync(backend, request, options: null, progress, cancellationToken);

    /// <summary>Runs the backend suite (<see cref="BackendConformanceChecks"/>) and records the plugin and the machine.</summary>
    /// <param name="backend">The backend under test; the runner does not dispose it.</param>
    /// <param name="request">The request for a small model the backend loads quickly; every test loads it afresh.</param>
    /// <param name="options">The plugin, the machine, the test timeout and the clock; <see langword="null"/> for none and the defaults.</param>
    /// <param name="progress">Receives each result as its test finishes.</param>
    /// <param name="cancellationToken">Stops the run between tests, or while a test runs.</param>
    /// <returns>The report.</returns>
    public static async Task<ConformanceReport> RunBackendAsync(
        IInferenceBackend backend,
        ModelLoadRequest request,
        ConformanceRunOptions? options,
        IProgress<ConformanceTestResult>? progress = null,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(backend);
        ArgumentNullException.ThrowIfNull(request);
        options ??= new ConformanceRunOptions();
        string? modelSha256 = null;
        if (File.Exists(request.ModelPath))
        {
            var stream = File.OpenRead(request.ModelPath);
            await using (stream.ConfigureAwait(false))
            {
                modelSha256 = Convert.ToHexStringLower(await SHA256.HashDataAsync(stream, cancellationToken).ConfigureAwait(false));
            }
        }

        var (tests, started, finished) = await RunAsync(() => new BackendSuite(backend, request), options, progress, cancellationToken).ConfigureAwait(false);
        return new ConformanceReport("backend", tests, started, finished)
        {
            PluginId = options.PluginId,
            PluginVersion = options.PluginVersion,
            Backend = backend.Metadata,
            ModelFile = Path.GetFileName(request.ModelPath),
            ModelSha256 = modelSha256,
            Hardware = options.Hardware,
        };
    }

    /// <summary>Runs the preprocessor suite (<see cref="PreprocessorConformanceChecks"/>).</summary>
    /// <param name="preprocessor">The preprocessor under test; every test uses this instance.</param>
    /// <param name="sampleDocument">A document the preprocessor handles, for the concurrency test; <see langword="null"/> when it handles none.</param>
    /// <param name="options">The plugin, the machine, the test timeout and the clock; <see langword="null"/> for none and the defaults.</param>
    /// <param name="progress">Receives each result as its test finishes.</param>
    /// <param name="cancellationToken">Stops the run between tests, or while a test runs.</param>
    /// <returns>The report.</returns>
    public static Task<ConformanceReport> RunPreprocessorAsync(
        IPreprocessor preprocessor,
        DocumentContent? sampleDocument = null,
        ConformanceRunOptions? options = null,
        IProgress<ConformanceTestResult>? progress = null,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(preprocessor);
        return RunSuiteAsync("preprocessor", () => new PreprocessorSuite(preprocessor, sampleDocument), options, progress, cancellationToken);
    }

    /// <summary>Runs the postprocessor suite (<see cref="PostprocessorConformanceChecks"/>).</summary>
    /// <param name="postprocessor">The postprocessor under test; every test uses this instance.</param>
    /// <param name="options">The plugin, the machine, the test timeout and the clock; <see langword="null"/> for none and the defaults.</param>
    /// <param name="progress">Receives each result as its test finishes.</param>
    /// <param name="cancellationToken">Stops the run between tests, or while a test runs.</param>
    /// <returns>The report.</returns>
    public static Task<ConformanceReport> RunPostprocessorAsync(
        IPostprocessor postprocessor,
        ConformanceRunOptions? options = null,
        IProgress<ConformanceTestResult>? progress = null,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(postprocessor);
        return RunSuiteAsync("postprocessor", () => new PostprocessorSuite(postprocessor), options, progress, cancellationToken);
    }

    /// <summary>Runs the retriever suite (<see cref="RetrieverConformanceChecks"/>).</summary>
    /// <param name="createRetriever">Creates a retriever; the suite calls it whenever it opens a knowledge base.</param>
    /// <param name="options">The plugin, the machine, the test timeout and the clock; <see langword="null"/> for none and the defaults.</param>
    /// <param name="progress">Receives each result as its test finishes.</param>
    /// <param name="cancellationToken">Stops the run between tests, or while a test runs.</param>
    /// <returns>The report.</returns>
    public static Task<ConformanceReport> RunRetrieverAsync(
        Func<IRetriever> createRetriever,
        ConformanceRunOptions? options = null,
        IProgress<ConformanceTestResult>? progress = null,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(createRetriever);
        return RunSuiteAsync("retriever", () => new RetrieverSuite(createRetriever), options, progress, cancellationToken);
    }

    private static async Task<ConformanceReport> RunSuiteAsync<TSuite>(
        string suite,
        Func<TSuite> create,
        ConformanceRunOptions? options,
        IProgress<ConformanceTestResult>? progress,
        CancellationToken cancellationToken)
        where TSuite : class
    {
        options ??= new ConformanceRunOptions();
        var (tests, started, finished) = await RunAsync(create, options, progress, cancellationToken).ConfigureAwait(false);
        return new ConformanceReport(suite, tests, started, finished)
        {
            PluginId = options.PluginId,
            PluginVersion = options.PluginVersion,
            Hardware = options.Hardware,
        };
    }

    private static async Task<(IReadOnlyList<ConformanceTestResult> Tests, DateTimeOffset Started, DateTimeOffset Finished)> RunAsync<TSuite>(
        Func<TSuite> create,
        ConformanceRunOptions options,
        IProgress<ConformanceTestResult>? progress,
        CancellationToken cancellationToken)
        where TSuite : class
    {
        if (options.TestTimeout <= TimeSpan.Zero)
        {
            throw new ArgumentException($"{nameof(ConformanceRunOptions)}.{nameof(ConformanceRunOptions.TestTimeout)} must be positive, not {options.TestTimeout}.", nameof(options));
        }

        var time = options.TimeProvider ?? TimeProvider.System;
        var started = time.GetUtcNow();
        var results = new List<ConformanceTestResult>();
        foreach (var method in DiscoverChecks(typeof(TSuite)))
        {
            cancellationToken.ThrowIfCancellationRequested();
            var result = await RunOneAsync(create, method, options.TestTimeout, time, cancellationToken).ConfigureAwait(false);
            results.Add(result);
            progress?.Report(result);
        }

        return (results, started, time.GetUtcNow());
    }

    private static IEnumerable<MethodInfo> DiscoverChecks(Type suite) =>
        suite.GetMethods(BindingFlags.Public | BindingFlags.Instance)
            .Where(m => m.GetCustomAttribute<ConformanceCheckAttribute>(inherit: true) is not null)
            .OrderBy(m => m.MetadataToken);

    private static async Task<ConformanceTestResult> RunOneAsync<TSuite>(
        Func<TSuite> create,
        MethodInfo method,
        TimeSpan timeout,
        TimeProvider time,
        CancellationToken cancellationToken)
        where TSuite : class
    {
        if (method.GetParameters().Length > 0)
        {
            return new ConformanceTestResult(method.Name, ConformanceOutcome.Skipped, TimeSpan.Zero, "the test takes parameters; the runner runs parameterless checks only");
        }

        var start = time.GetTimestamp();
        string? failure = null;
        var running = false;
        TSuite? instance = null;
        try
        {
            instance = create();
            if (instance is BackendConformanceChecks lifetime)
            {
                running = true;
                failure = await RunGuardedAsync(lifetime.InitializeAsync, "set-up (InitializeAsync) failed: ", timeout, cancellationToken).ConfigureAwait(false);
                running = failure?.StartsWith(TimedOutPrefix, StringComparison.Ordinal) == true;
            }

            if (failure is null)
            {
                running = true;
                failure = await RunGuardedAsync(() => Invoke(method, instance), string.Empty, timeout, cancellationToken).ConfigureAwait(false);
                running = failure?.StartsWith(TimedOutPrefix, StringComparison.Ordinal) == true;
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            throw;
        }
        catch (Exception ex)
        {
            failure = "the suite could not be created: " + Describe(ex);
        }
        finally
        {
            // A test still running past its timeout keeps its instance: disposing the model under it could crash the process.
            if (instance is not null && !running)
            {
                var cleanup = await CleanUpAsync(instance, timeout).ConfigureAwait(false);
                if (cleanup is not null)
                {
                    failure = failure is null ? cleanup : $"{failure}; {cleanup}";
                }
            }
        }

        return new ConformanceTestResult(
            method.Name,
            failure is null ? ConformanceOutcome.Passed : ConformanceOutcome.Failed,
            time.GetElapsedTime(start),
            failure);
    }

    private const string TimedOutPrefix = "did not finish within ";

    private static async Task<string?> RunGuardedAsync(Func<Task> action, string prefix, TimeSpan timeout, CancellationToken cancellationToken)
    {
        Task task;
        try
        {
            task = action();
        }
        catch (Exception ex)
        {
            return prefix + Describe(ex);
        }

        try
        {
            await task.WaitAsync(timeout, cancellationToken).ConfigureAwait(false);
            return null;
        }
        catch (TimeoutException) when (!task.IsCompleted)
        {
            return $"{TimedOutPrefix}{timeout.TotalSeconds:0.#} s";
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested && !task.IsCompleted)
        {
            throw;
        }
        catch (Exception ex)
        {
            return prefix + Describe(ex);
        }
    }

    private static Task Invoke(MethodInfo method, object instance)
    {
        object? returned;
        try
        {
            returned = method.Invoke(instance, null);
        }
        catch (TargetInvocationException ex) when (ex.InnerException is not null)
        {
            return Task.FromException(ex.InnerException);
        }

        return returned as Task ?? (returned is ValueTask valueTask ? valueTask.AsTask() : Task.CompletedTask);
    }

    private static async Task<string?> CleanUpAsync(object instance, TimeSpan timeout)
    {
        var failures = new List<string>();
        if (instance is BackendConformanceChecks lifetime)
        {
            var failure = await RunGuardedAsync(lifetime.DisposeAsync, "clean-up (DisposeAsync) failed: ", timeout, CancellationToken.None).ConfigureAwait(false);
            if (failure is not null)
            {
                failures.Add(failure.StartsWith(TimedOutPrefix, StringComparison.Ordinal) ? "clean-up (DisposeAsync) " + failure : failure);
            }
        }

        if (instance is IDisposable disposable)
        {
            try
            {
                disposable.Dispose();
            }
            catch (Exception ex)
            {
                failures.Add("clean-up (Dispose) failed: " + Describe(ex));
            }
        }

        return failures.Count == 0 ? null : string.Join("; ", failures);
    }

    private static string Describe(Exception ex)
    {
        while (ex is TargetInvocationException or AggregateException { InnerExceptions.Count: 1 } && ex.InnerException is not null)
        {
            ex = ex.InnerException;
        }

        return ex is ConformanceCheckException ? ex.Message : $"{ex.GetType().FullName}: {ex.Message}";
    }

    private sealed class BackendSuite(IInferenceBackend backend, ModelLoadRequest request) : BackendConformanceChecks
    {
        protected override IInferenceBackend CreateBackend() => backend;

        protected override ModelLoadRequest CreateModelRequest() => request;
    }

    private sealed class PreprocessorSuite(IPreprocessor preprocessor, DocumentContent? sample) : PreprocessorConformanceChecks
    {
        protected override IPreprocessor CreatePreprocessor() => preprocessor;

        protected override DocumentContent? CreateSampleDocument() => sample;
    }

    private sealed class PostprocessorSuite(IPostprocessor postprocessor) : PostprocessorConformanceChecks
    {
        protected override IPostprocessor CreatePostprocessor() => postprocessor;
    }

    private sealed class RetrieverSuite(Func<IRetriever> create) : RetrieverConformanceChecks
    {
        protected override IRetriever CreateRetriever() => create();
    }
}
