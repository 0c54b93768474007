using System.Text;
using Microsoft.Extensions.AI;

namespace PluginAI.Backends.Llama.Tests;

/// <summary>Reads a streamed answer the way a caller does.</summary>
internal static class Updates
{
    /// <summary>Reads every update; returns each update's text, and all of it joined.</summary>
    public static async Task<(List<string> Chunks, string Text)> CollectAsync(IAsyncEnumerable<ChatResponseUpdate> updates)
    {
        var chunks = new List<string>();
        var text = new StringBuilder();
        await foreach (var update in updates)
        {
            chunks.Add(update.Text);
            text.Append(update.Text);
        }

        return (chunks, text.ToString());
    }
}
