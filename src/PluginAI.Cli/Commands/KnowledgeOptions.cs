using System.CommandLine;
using PluginAI.Runtime.Knowledge;

namespace PluginAI.Cli.Commands;

/// <summary>Options shared by the knowledge-base commands.</summary>
internal static class KnowledgeOptions
{
    public static Option<string> KnowledgeBase() => new("--kb")
    {
        Description = "The knowledge base.",
        DefaultValueFactory = _ => KnowledgeBaseService.DefaultName,
    };
}
