using System.Diagnostics;
using Microsoft.Extensions.AI;
using PluginAI.Runtime.Chat;

namespace PluginAI.Cli.Bench;

/// <summary>The model loaded in this process, called through the chat service exactly as the server calls it.</summary>
internal sealed class InProcessTarget(ChatSession session, float? temperature) : IBenchTarget
{
    public string Description => $"{session.Lease.Model.Metadata.ModelId} in this process";

    /// <summary>Gets the names of the postprocessors the session's answers pass through.</summary>
    public IReadOnlyList<string> Postprocessors => [.. session.Postprocessors.Select(p => p.Metadata.Name)];

    public async Task<BenchSample> RunAsync(string prompt, int maxTokens, CancellationToken cancellationToken)
    {
        var started = Stopwatch.GetTimestamp();
        long first = 0;
        var tokens = 0;
        var options = new ChatOptions { MaxOutputTokens = maxTokens, Temperature = temperature };
        await foreach (var update in session.Stream([new ChatMessage(ChatRole.User, prompt)], options, cancellationToken).Updates.ConfigureAwait(false))
        {
            if (first == 0 && !string.IsNullOrEmpty(update.Text))
            {
                first = Stopwatch.GetTimestamp();
            }

            tokens = (int?)update.Contents.OfType<UsageContent>().LastOrDefault()?.Details.OutputTokenCount ?? tokens;
        }

        var ended = Stopwatch.GetTimestamp();
        return new BenchSample(started, first == 0 ? ended : first, ended, tokens);
    }

    public ValueTask DisposeAsync() => session.DisposeAsync();
}
