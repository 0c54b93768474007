using PluginAI.Processing;
using Xunit;

namespace PluginAI.Testing;

/// <summary>
/// The conformance suite for preprocessors. Inherit it in your preprocessor's test project and implement
/// <see cref="CreatePreprocessor"/>; every test below then runs against your preprocessor.
/// </summary>
/// <remarks>
/// The suite checks what every host relies on: input the preprocessor does not handle passes through unchanged, a
/// cancelled call ends in <see cref="OperationCanceledException"/> if it ends in an exception at all, and concurrent
/// calls on one instance give the same results as sequential ones.
/// </remarks>
public abstract class PreprocessorConformanceTests
{
    /// <summary>Creates the preprocessor under test.</summary>
    /// <returns>The preprocessor.</returns>
    protected abstract IPreprocessor CreatePreprocessor();

    /// <summary>Creates a document the preprocessor handles, for the concurrency test; <see langword="null"/> when it handles none.</summary>
    /// <returns>The document, or <see langword="null"/>.</returns>
    protected virtual DocumentContent? CreateSampleDocument() => null;

    /// <summary>The preprocessor describes itself.</summary>
    [Fact]
    public void Metadata_IsDescribed() => Assert.False(string.IsNullOrWhiteSpace(CreatePreprocessor().Metadata.Name));

    /// <summary>A document of a type nobody handles passes through unchanged.</summary>
    /// <returns>A task.</returns>
    [Fact]
    public async Task ProcessDocument_UnknownType_PassesThroughUnchanged()
    {
        var document = new DocumentContent { SourcePath = "sample.pluginai-unknown", MediaType = "application/x-pluginai-conformance", Content = new byte[] { 1, 2, 3 } };
        var result = await CreatePreprocessor().ProcessDocumentAsync(document);
        Assert.Equal(document, result);
    }

    /// <summary>A prompt before retrieval keeps its question.</summary>
    /// <returns>A task.</returns>
    [Fact]
    public async Task ProcessPrompt_BeforeRetrieval_KeepsTheQuestion()
    {
        var prompt = new PromptContext { Question = "Which lighthouse is the oldest?", Stage = PromptStage.BeforeRetrieval };
        var result = await CreatePreprocessor().ProcessPromptAsync(prompt);
        Assert.Equal(prompt.Question, result.Question);
    }

    /// <summary>A call with a cancelled token either completes or throws <see cref="OperationCanceledException"/>, never anything else.</summary>
    /// <returns>A task.</returns>
    [Fact]
    public async Task ProcessDocument_CancelledToken_ThrowsOnlyCancellation()
    {
        using var cts = new CancellationTokenSource();
        await cts.CancelAsync();
        var document = CreateSampleDocument() ?? new DocumentContent { SourcePath = "a.txt", MediaType = "text/plain", Content = "text"u8.ToArray() };
        var error = await Record.ExceptionAsync(() => CreatePreprocessor().ProcessDocumentAsync(document, cts.Token));
        Assert.True(error is null or OperationCanceledException, $"a cancelled call threw {error?.GetType().Name}: {error?.Message}");
    }

    /// <summary>Concurrent calls on one instance give the same results as one call.</summary>
    /// <returns>A task.</returns>
    [Fact]
    public async Task ProcessDocument_ConcurrentCalls_GiveTheSameResult()
    {
        if (CreateSampleDocument() is not { } document)
        {
            return;
        }

        var preprocessor = CreatePreprocessor();
        var expected = await preprocessor.ProcessDocumentAsync(document);
        var results = await Task.WhenAll(Enumerable.Range(0, 8).Select(_ => preprocessor.ProcessDocumentAsync(document)));
        foreach (var result in results)
        {
            Assert.Equal(expected.MediaType, result.MediaType);
            Assert.Equal(expected.Sections.Select(s => s.Text), result.Sections.Select(s => s.Text));
            Assert.Equal(expected.Chunks.Select(c => c.Text), result.Chunks.Select(c => c.Text));
        }
    }
}
