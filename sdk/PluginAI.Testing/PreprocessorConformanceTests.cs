using PluginAI.Conformance;
using Xunit;

namespace PluginAI.Testing;

/// <summary>
/// The conformance suite for preprocessors as xunit tests. Inherit it in your test project and implement
/// <see cref="PreprocessorConformanceChecks.CreatePreprocessor"/>; every check of <see cref="PreprocessorConformanceChecks"/> then runs as a test of the same name.
/// </summary>
public abstract class PreprocessorConformanceTests : PreprocessorConformanceChecks
{
    /// <inheritdoc />
    [Fact]
    public override void Metadata_IsDescribed() => base.Metadata_IsDescribed();

    /// <inheritdoc />
    [Fact]
    public override Task ProcessDocument_UnknownType_PassesThroughUnchanged() => base.ProcessDocument_UnknownType_PassesThroughUnchanged();

    /// <inheritdoc />
    [Fact]
    public override Task ProcessPrompt_BeforeRetrieval_KeepsTheQuestion() => base.ProcessPrompt_BeforeRetrieval_KeepsTheQuestion();

    /// <inheritdoc />
    [Fact]
    public override Task ProcessDocument_CancelledToken_ThrowsOnlyCancellation() => base.ProcessDocument_CancelledToken_ThrowsOnlyCancellation();

    /// <inheritdoc />
    [Fact]
    public override Task ProcessPrompt_CancelledToken_ThrowsOnlyCancellation() => base.ProcessPrompt_CancelledToken_ThrowsOnlyCancellation();

    /// <inheritdoc />
    [Fact]
    public override Task ProcessDocument_Unreadable_ThrowsPluginExceptionNamingTheDocument() => base.ProcessDocument_Unreadable_ThrowsPluginExceptionNamingTheDocument();

    /// <inheritdoc />
    [Fact]
    public override Task ProcessDocument_ConcurrentCalls_GiveTheSameResult() => base.ProcessDocument_ConcurrentCalls_GiveTheSameResult();

    /// <inheritdoc />
    [Fact]
    public override Task ProcessPrompt_ConcurrentCalls_GiveTheSameResult() => base.ProcessPrompt_ConcurrentCalls_GiveTheSameResult();
}
