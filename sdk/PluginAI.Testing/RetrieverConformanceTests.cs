using PluginAI.Conformance;
using Xunit;

namespace PluginAI.Testing;

/// <summary>
/// The conformance suite for retrievers as xunit tests. Inherit it in your test project and implement
/// <see cref="RetrieverConformanceChecks.CreateRetriever"/>; every check of <see cref="RetrieverConformanceChecks"/> then runs as a test of the same name.
/// </summary>
public abstract class RetrieverConformanceTests : RetrieverConformanceChecks
{
    /// <inheritdoc />
    [Fact]
    public override Task Upsert_ThenSearch_FindsChunksWithTheirSource() => base.Upsert_ThenSearch_FindsChunksWithTheirSource();

    /// <inheritdoc />
    [Fact]
    public override Task Upsert_ReplacesWholeDocument_AndRemoveDeletesIt() => base.Upsert_ReplacesWholeDocument_AndRemoveDeletesIt();

    /// <inheritdoc />
    [Fact]
    public override Task List_ReturnsDocumentsOrderedByPath() => base.List_ReturnsDocumentsOrderedByPath();

    /// <inheritdoc />
    [Fact]
    public override Task Upsert_Cancelled_StoresNothing() => base.Upsert_Cancelled_StoresNothing();

    /// <inheritdoc />
    [Fact]
    public override Task Open_WithAnotherEmbeddingModel_IsRefused() => base.Open_WithAnotherEmbeddingModel_IsRefused();

    /// <inheritdoc />
    [Fact]
    public override Task Search_DuringWrites_IsSafe() => base.Search_DuringWrites_IsSafe();

    /// <inheritdoc />
    [Fact]
    public override Task Search_CancelledToken_Throws() => base.Search_CancelledToken_Throws();

    /// <inheritdoc />
    [Fact]
    public override Task Search_ConcurrentSearches_GiveTheSameResults() => base.Search_ConcurrentSearches_GiveTheSameResults();

    /// <inheritdoc />
    [Fact]
    public override Task Search_WithFilters_ReturnsOnlyMatchingDocuments() => base.Search_WithFilters_ReturnsOnlyMatchingDocuments();

    /// <inheritdoc />
    [Fact]
    public override Task Search_RespectsTop_AndOrdersByScore() => base.Search_RespectsTop_AndOrdersByScore();

    /// <inheritdoc />
    [Fact]
    public override Task Disposed_KnowledgeBase_ThrowsObjectDisposedException() => base.Disposed_KnowledgeBase_ThrowsObjectDisposedException();
}
