using PluginAI.Conformance;
using Xunit;

namespace PluginAI.Testing;

/// <summary>
/// The conformance suite for inference backends as xunit tests. Inherit it in your test project and implement
/// <see cref="BackendConformanceChecks.CreateBackend"/> and <see cref="BackendConformanceChecks.CreateModelRequest"/>; every check of <see cref="BackendConformanceChecks"/> then runs as a test of the same name.
/// </summary>
public abstract class BackendConformanceTests : BackendConformanceChecks, IAsyncLifetime
{
    /// <inheritdoc />
    [Fact]
    public override void Metadata_DescribesBackendAndModel() => base.Metadata_DescribesBackendAndModel();

    /// <inheritdoc />
    [Fact]
    public override Task Load_MissingFile_ThrowsPluginExceptionNamingTheFile() => base.Load_MissingFile_ThrowsPluginExceptionNamingTheFile();

    /// <inheritdoc />
    [Fact]
    public override Task Load_FileThatIsNotAModel_ThrowsPluginExceptionNamingTheFile() => base.Load_FileThatIsNotAModel_ThrowsPluginExceptionNamingTheFile();

    /// <inheritdoc />
    [Fact]
    public override Task Load_CancelledToken_Throws() => base.Load_CancelledToken_Throws();

    /// <inheritdoc />
    [Fact]
    public override Task Chat_Streaming_YieldsText() => base.Chat_Streaming_YieldsText();

    /// <inheritdoc />
    [Fact]
    public override Task Chat_SameSeed_SameAnswer() => base.Chat_SameSeed_SameAnswer();

    /// <inheritdoc />
    [Fact]
    public override Task Chat_MaxOutputTokens_IsRespected() => base.Chat_MaxOutputTokens_IsRespected();

    /// <inheritdoc />
    [Fact]
    public override Task Chat_CancelledMidStream_StopsPromptly() => base.Chat_CancelledMidStream_StopsPromptly();

    /// <inheritdoc />
    [Fact]
    public override void Chat_GettingTheStream_DoesNotBlockTheCaller() => base.Chat_GettingTheStream_DoesNotBlockTheCaller();

    /// <inheritdoc />
    [Fact]
    public override Task Chat_CancelledBeforeStart_ThrowsWithoutProducingAnything() => base.Chat_CancelledBeforeStart_ThrowsWithoutProducingAnything();

    /// <inheritdoc />
    [Fact]
    public override Task Chat_ConcurrentRequests_AreSafe() => base.Chat_ConcurrentRequests_AreSafe();

    /// <inheritdoc />
    [Fact]
    public override void Chat_GetService_ReturnsClientMetadata() => base.Chat_GetService_ReturnsClientMetadata();

    /// <inheritdoc />
    [Fact]
    public override Task Embeddings_HaveTheDeclaredDimension() => base.Embeddings_HaveTheDeclaredDimension();

    /// <inheritdoc />
    [Fact]
    public override Task Embeddings_ConcurrentCalls_AreSafe() => base.Embeddings_ConcurrentCalls_AreSafe();

    /// <inheritdoc />
    [Fact]
    public override Task Embeddings_CancelledToken_Throws() => base.Embeddings_CancelledToken_Throws();

    /// <inheritdoc />
    [Fact]
    public override Task Embeddings_EmptyBatch_GivesNoEmbeddings() => base.Embeddings_EmptyBatch_GivesNoEmbeddings();
}
