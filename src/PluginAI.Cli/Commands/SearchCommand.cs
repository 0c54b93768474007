using System.CommandLine;
using Microsoft.Extensions.DependencyInjection;
using PluginAI.Runtime.Knowledge;
using PluginAI.Retrieval;

namespace PluginAI.Cli.Commands;

/// <summary><c>pluginai search</c>: ranked passages from a knowledge base.</summary>
internal static class SearchCommand
{
    public static Command Create(CliConsole console)
    {
        var query = new Argument<string>("query") { Description = "What to look for." };
        var kb = KnowledgeOptions.KnowledgeBase();
        var top = new Option<int>("--top", "-k") { Description = "How many passages.", DefaultValueFactory = _ => 5 };
        var mode = new Option<SearchMode>("--mode") { Description = "hybrid (default), vector or keyword.", DefaultValueFactory = _ => SearchMode.Hybrid };
        var path = new Option<string?>("--path") { Description = "Only sources whose path matches this glob, such as '**/*.pdf'." };
        var type = new Option<string[]>("--type") { Description = "Only this media type, such as text/markdown (repeatable)." };
        var json = PluginAICommand.JsonOption();
        var cluster = ClusterCommand.ClusterOption();
        cluster.Description = "Search a knowledge base of a PluginAI cluster through this gateway (HOST:PORT or redis://HOST:PORT): one replica of every shard, merged.";
        var secretFile = ClusterCommand.SecretFileOption();
        var command = new Command("search", "Find the passages of a knowledge base that best match a query.") { query, kb, top, mode, path, type, json, cluster, secretFile };
        command.SetAction(async (parse, cancellationToken) =>
        {
            var request = new SearchRequest { Query = parse.GetValue(query)!, KnowledgeBase = parse.GetValue(kb)!, Top = parse.GetValue(top), Mode = parse.GetValue(mode), PathGlob = parse.GetValue(path), MediaTypes = parse.GetValue(type) ?? [] };
            IReadOnlyList<RetrievedPassage> passages;
            if (parse.GetValue(cluster) is { } gateway)
            {
                passages = await ClusterCommand.SearchAsync(gateway, ClusterCommand.ReadSecret(parse.GetValue(secretFile)), request, cancellationToken).ConfigureAwait(false);
            }
            else
            {
                await using var services = CliServices.Create(parse);
                passages = await services.GetRequiredService<SearchService>().SearchAsync(request, cancellationToken).ConfigureAwait(false);
            }

            if (parse.GetValue(json))
            {
                JsonOutput.Write(console.Out, passages);
            }
            else
            {
                console.Console.Write(SourcesTable.Create($"{passages.Count} passages for \"{parse.GetValue(query)}\"", passages, withText: true));
            }

            return 0;
        });
        return command;
    }
}
