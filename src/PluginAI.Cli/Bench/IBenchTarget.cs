namespace PluginAI.Cli.Bench;

/// <summary>Something that streams one answer: the model in this process, or a server at a URL.</summary>
internal interface IBenchTarget : IAsyncDisposable
{
    string Description { get; }

    /// <summary>Streams one answer; returns the time of the first token (stopwatch ticks) and the tokens generated.</summary>
    Task<BenchSample> RunAsync(string prompt, int maxTokens, CancellationToken cancellationToken);
}

/// <summary>One request: when it started, when its first token came, when it ended, how many tokens it produced.</summary>
internal readonly record struct BenchSample(long Started, long FirstToken, long Ended, int Tokens);
