using PluginAI.Conformance;
using Xunit;

namespace PluginAI.Testing;

/// <summary>
/// The conformance suite for postprocessors as xunit tests. Inherit it in your test project and implement
/// <see cref="PostprocessorConformanceChecks.CreatePostprocessor"/>; every check of <see cref="PostprocessorConformanceChecks"/> then runs as a test of the same name.
/// </summary>
public abstract class PostprocessorConformanceTests : PostprocessorConformanceChecks
{
    /// <inheritdoc />
    [Fact]
    public override void Metadata_IsDescribed() => base.Metadata_IsDescribed();

    /// <inheritdoc />
    [Fact]
    public override void Process_ReturnsTheStreamWithoutReadingTheInput() => base.Process_ReturnsTheStreamWithoutReadingTheInput();

    /// <inheritdoc />
    [Fact]
    public override Task Process_KeepsTextInOrder_AndPassesOtherUpdatesThrough() => base.Process_KeepsTextInOrder_AndPassesOtherUpdatesThrough();

    /// <inheritdoc />
    [Fact]
    public override Task Process_Cancelled_StopsAnEndlessStreamPromptly() => base.Process_Cancelled_StopsAnEndlessStreamPromptly();

    /// <inheritdoc />
    [Fact]
    public override Task Process_ConcurrentStreams_DoNotInterfere() => base.Process_ConcurrentStreams_DoNotInterfere();

    /// <inheritdoc />
    [Fact]
    public override Task Process_KeepsOtherContentsAndTheFinishReasonInOrder() => base.Process_KeepsOtherContentsAndTheFinishReasonInOrder();

    /// <inheritdoc />
    [Fact]
    public override Task Process_YieldsTextBeforeTheInputEnds() => base.Process_YieldsTextBeforeTheInputEnds();

    /// <inheritdoc />
    [Fact]
    public override Task Process_InputThatThrows_PropagatesTheException() => base.Process_InputThatThrows_PropagatesTheException();

    /// <inheritdoc />
    [Fact]
    public override Task Process_CancelledBeforeTheFirstUpdate_PassesNothingOn() => base.Process_CancelledBeforeTheFirstUpdate_PassesNothingOn();
}
