using System.ComponentModel;
using System.Text;
using Microsoft.SemanticKernel;
using PluginAI.Runtime.Knowledge;
using PluginAI.Retrieval;

namespace PluginAI.SemanticKernel;

/// <summary>A Semantic Kernel plugin that searches a PluginAI knowledge base.</summary>
/// <remarks>
/// Its <c>search</c> function returns the best passages numbered <c>[1]</c>, <c>[2]</c>, … with their sources, ready to
/// be placed in a prompt (<c>{{knowledge.search $question}}</c>) or called by a model that uses functions.
/// Thread-safe as the knowledge base is.
/// </remarks>
/// <param name="session">The open knowledge base.</param>
public sealed class KnowledgeBaseSearchPlugin(KnowledgeBaseSession session)
{
    /// <summary>Searches the knowledge base.</summary>
    /// <param name="query">What to look for.</param>
    /// <param name="top">How many passages to return.</param>
    /// <param name="cancellationToken">A token to cancel the search.</param>
    /// <returns>The passages, numbered, each with its source.</returns>
    [KernelFunction("search")]
    [Description("Searches the user's local documents and returns the most relevant passages, numbered, with their sources.")]
    public async Task<string> SearchAsync(
        [Description("What to look for in the documents.")] string query,
        [Description("How many passages to return.")] int top = 5,
        CancellationToken cancellationToken = default)
    {
        var passages = await SearchService.SearchSessionAsync(session, new SearchRequest { Query = query, Top = top, Mode = SearchMode.Hybrid }, cancellationToken).ConfigureAwait(false);
        if (passages.Count == 0)
        {
            return "No passage in the documents matches.";
        }

        var text = new StringBuilder();
        for (var i = 0; i < passages.Count; i++)
        {
            var p = passages[i];
            text.Append('[').Append(i + 1).Append("] ").Append(p.SourcePath);
            if (p.Page is { } page)
            {
                text.Append(", page ").Append(page);
            }

            if (!string.IsNullOrEmpty(p.Section))
            {
                text.Append(", ").Append(p.Section);
            }

            text.AppendLine().AppendLine(p.Text.Trim()).AppendLine();
        }

        return text.ToString().TrimEnd();
    }
}
