using System.Text.Json;
using Microsoft.Extensions.AI;
using PluginAI.Processing;
using PluginAI.Retrieval;

namespace PluginAI.Abstractions.Tests;

public sealed class ContractDataJsonTests
{
    private static readonly RetrievedPassage s_passage = new()
    {
        SourcePath = "upload:guide.md",
        Text = "Plugins run in a load context of their own.",
        Score = 0.75,
        ChunkIndex = 2,
        MediaType = "text/markdown",
        Page = 3,
        Section = "Isolation",
        StartOffset = 10,
        EndOffset = 53,
    };

    [Fact]
    public void DocumentContent_RoundTripsWithItsSectionsChunksAndEmbeddings()
    {
        var document = new DocumentContent
        {
            SourcePath = "node-2:docs/guide.md",
            MediaType = "text/markdown",
            Content = new byte[] { 1, 2, 3, 250 },
            ContentHash = "abc",
            LastModified = new DateTimeOffset(2026, 12, 1, 8, 30, 0, TimeSpan.Zero),
            Title = "Guide",
            EmbeddingModelId = "all-MiniLM-L6-v2",
            Sections = [new DocumentSection { Text = "Intro", Page = 1, Section = "Guide", StartOffset = 0 }],
            Chunks = [new DocumentChunk { Index = 0, Text = "Intro", Section = "Guide", StartOffset = 0, EndOffset = 5, TokenCount = 1, Embedding = new float[] { 0.5f, -0.25f } }],
        };

        var json = JsonSerializer.Serialize(document, PluginAIJson.Options);
        var back = JsonSerializer.Deserialize<DocumentContent>(json, PluginAIJson.Options)!;

        Assert.Contains("\"embeddingModelId\":\"all-MiniLM-L6-v2\"", json, StringComparison.Ordinal);
        Assert.Equal(document.SourcePath, back.SourcePath);
        Assert.Equal(document.Content.ToArray(), back.Content.ToArray());
        Assert.Equal(document.LastModified, back.LastModified);
        Assert.Equal(document.EmbeddingModelId, back.EmbeddingModelId);
        Assert.Equal(document.Sections.Single(), back.Sections.Single());
        var chunk = Assert.Single(back.Chunks);
        Assert.Equal([0.5f, -0.25f], chunk.Embedding.ToArray());
        Assert.Equal(document.Chunks[0] with { Embedding = default }, chunk with { Embedding = default });
    }

    [Fact]
    public void PromptContext_RoundTripsWithMessagesPassagesAndSettings()
    {
        var prompt = new PromptContext
        {
            Question = "How are plugins isolated?",
            Stage = PromptStage.AfterRetrieval,
            Passages = [s_passage],
            Messages = [new ChatMessage(ChatRole.System, "Cite sources."), new ChatMessage(ChatRole.User, "How?")],
            SearchText = "plugin isolation",
            AdditionalProperties = new AdditionalPropertiesDictionary { ["template"] = "{{ question }}" },
        };

        var json = JsonSerializer.Serialize(prompt, PluginAIJson.Options);
        var back = JsonSerializer.Deserialize<PromptContext>(json, PluginAIJson.Options)!;

        Assert.Contains("\"stage\":\"AfterRetrieval\"", json, StringComparison.Ordinal);
        Assert.Equal(prompt.Question, back.Question);
        Assert.Equal(prompt.Stage, back.Stage);
        Assert.Equal(s_passage, back.Passages.Single());
        Assert.Equal([ChatRole.System, ChatRole.User], back.Messages.Select(m => m.Role));
        Assert.Equal(["Cite sources.", "How?"], back.Messages.Select(m => m.Text));
        Assert.Equal("{{ question }}", back.AdditionalProperties!["template"]!.ToString());
    }

    [Fact]
    public void PostprocessorContextAndFindings_RoundTrip()
    {
        var context = new PostprocessorContext { Messages = [new ChatMessage(ChatRole.User, "Hi")], Sources = [s_passage] };
        var finding = new PostprocessorFinding("citation-check", "citation.dropped", "dropped citation [7]");

        var backContext = JsonSerializer.Deserialize<PostprocessorContext>(JsonSerializer.Serialize(context, PluginAIJson.Options), PluginAIJson.Options)!;
        var backFinding = JsonSerializer.Deserialize<PostprocessorFinding>(JsonSerializer.Serialize(finding, PluginAIJson.Options), PluginAIJson.Options);

        Assert.Equal("Hi", backContext.Messages.Single().Text);
        Assert.Equal(s_passage, backContext.Sources.Single());
        Assert.Equal(finding, backFinding);
    }

    [Fact]
    public void RetrievalQueryAndDocumentInfo_RoundTrip()
    {
        var statistics = new KeywordStatistics { Chunks = 120, Tokens = 5400, TermChunks = new Dictionary<string, long> { ["isol"] = 7, ["plugin run"] = 2 } };
        var query = new RetrievalQuery { Text = "isolation", Embedding = new float[] { 1, 0 }, Top = 3, Mode = SearchMode.Keyword, PathGlob = "**/*.md", MediaTypes = ["text/markdown"], KeywordStatistics = statistics };
        var info = new KnowledgeDocumentInfo { SourcePath = "upload:a.md", MediaType = "text/markdown", ContentHash = "h", ChunkCount = 4, IndexedAt = DateTimeOffset.UnixEpoch };

        var backQuery = JsonSerializer.Deserialize<RetrievalQuery>(JsonSerializer.Serialize(query, PluginAIJson.Options), PluginAIJson.Options)!;
        var backInfo = JsonSerializer.Deserialize<KnowledgeDocumentInfo>(JsonSerializer.Serialize(info, PluginAIJson.Options), PluginAIJson.Options);

        Assert.Equal([1f, 0f], backQuery.Embedding.ToArray());
        Assert.Equal(query with { Embedding = default, MediaTypes = [], KeywordStatistics = null }, backQuery with { Embedding = default, MediaTypes = [], KeywordStatistics = null });
        Assert.Equal((120L, 5400L), (backQuery.KeywordStatistics!.Chunks, backQuery.KeywordStatistics.Tokens));
        Assert.Equal(statistics.TermChunks.OrderBy(p => p.Key, StringComparer.Ordinal), backQuery.KeywordStatistics.TermChunks.OrderBy(p => p.Key, StringComparer.Ordinal));
        Assert.Equal(query.MediaTypes, backQuery.MediaTypes);
        Assert.Equal(info, backInfo);
    }

    [Fact]
    public void ContractDataTypes_CarryNoServicesOrDelegates()
    {
        var types = new[] { typeof(DocumentContent), typeof(DocumentSection), typeof(DocumentChunk), typeof(RetrievalQuery), typeof(RetrievedPassage), typeof(KnowledgeDocumentInfo), typeof(PromptContext), typeof(PostprocessorContext), typeof(PostprocessorFinding) };

        var live = types.SelectMany(t => t.GetProperties().Select(p => (t, p)))
            .Where(x => x.p.PropertyType.IsInterface && !x.p.PropertyType.IsGenericType || typeof(Delegate).IsAssignableFrom(x.p.PropertyType))
            .Select(x => $"{x.t.Name}.{x.p.Name}: {x.p.PropertyType.Name}")
            .ToList();
        var methods = types.SelectMany(t => t.GetMethods(System.Reflection.BindingFlags.Public | System.Reflection.BindingFlags.Instance | System.Reflection.BindingFlags.DeclaredOnly))
            .Where(m => !m.IsSpecialName && m.Name is not ("Equals" or "GetHashCode" or "ToString" or "Deconstruct" or "<Clone>$" or "PrintMembers"))
            .Select(m => $"{m.DeclaringType!.Name}.{m.Name}")
            .ToList();

        Assert.Empty(live);
        Assert.Empty(methods);
    }
}
