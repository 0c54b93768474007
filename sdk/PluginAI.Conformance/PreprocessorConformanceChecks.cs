using PluginAI.Conformance.Internal;
using PluginAI.Processing;
using PluginAI.Retrieval;

namespace PluginAI.Conformance;

/// <summary>
/// The conformance checks for preprocessors, as plain async methods that need no test framework: xunit runs them through
/// <c>PluginAI.Testing</c>'s <c>PreprocessorConformanceTests</c> (inherit that in your test project and implement
/// <see cref="CreatePreprocessor"/>), and <c>ConformanceRunner</c> runs them without a test runner. Every check runs against your preprocessor.
/// </summary>
/// <remarks>
/// The suite checks what every host relies on: input the preprocessor does not handle passes through unchanged, a
/// cancelled call (for a document or a prompt) ends in <see cref="OperationCanceledException"/> or returns its input
/// unchanged, a document the preprocessor claims but cannot read is a <see cref="PluginException"/> naming it, and
/// concurrent calls on one instance, for documents and prompts, give the same results as sequential ones.
/// </remarks>
public abstract class PreprocessorConformanceChecks
{
    /// <summary>Creates the preprocessor under test.</summary>
    /// <returns>The preprocessor.</returns>
    protected abstract IPreprocessor CreatePreprocessor();

    /// <summary>Creates a document the preprocessor handles, for the concurrency test; <see langword="null"/> when it handles none.</summary>
    /// <returns>The document, or <see langword="null"/>.</returns>
    protected virtual DocumentContent? CreateSampleDocument() => null;

    /// <summary>
    /// Creates a document of a type the preprocessor handles that it cannot read (damaged or truncated content), for the
    /// error test; <see langword="null"/> when there is no such input.
    /// </summary>
    /// <returns>The document, or <see langword="null"/>.</returns>
    protected virtual DocumentContent? CreateUnreadableDocument() => null;

    /// <summary>Creates the prompt the prompt tests send, after retrieval with one passage, as a prompt template receives it.</summary>
    /// <returns>The prompt.</returns>
    protected virtual PromptContext CreateSamplePrompt() => new()
    {
        Question = "Which lighthouse is the oldest?",
        Stage = PromptStage.AfterRetrieval,
        Passages = [new RetrievedPassage { SourcePath = "lighthouses.md", Text = "The Tower of Hercules is the oldest lighthouse still in use.", Score = 1, Section = "History" }],
    };

    /// <summary>The preprocessor describes itself.</summary>
    [ConformanceCheck]
    public virtual void Metadata_IsDescribed() => Check.False(string.IsNullOrWhiteSpace(CreatePreprocessor().Metadata.Name));

    /// <summary>A document of a type nobody handles passes through unchanged.</summary>
    /// <returns>A task.</returns>
    [ConformanceCheck]
    public virtual async Task ProcessDocument_UnknownType_PassesThroughUnchanged()
    {
        var document = new DocumentContent { SourcePath = "sample.pluginai-unknown", MediaType = "application/x-pluginai-conformance", Content = new byte[] { 1, 2, 3 } };
        var result = await CreatePreprocessor().ProcessDocumentAsync(document);
        Check.Equal(document, result);
    }

    /// <summary>A prompt before retrieval keeps its question.</summary>
    /// <returns>A task.</returns>
    [ConformanceCheck]
    public virtual async Task ProcessPrompt_BeforeRetrieval_KeepsTheQuestion()
    {
        var prompt = new PromptContext { Question = "Which lighthouse is the oldest?", Stage = PromptStage.BeforeRetrieval };
        var result = await CreatePreprocessor().ProcessPromptAsync(prompt);
        Check.Equal(prompt.Question, result.Question);
    }

    /// <summary>
    /// A call with a cancelled token throws <see cref="OperationCanceledException"/> or returns the document unchanged:
    /// never the work done despite the cancellation, never another exception.
    /// </summary>
    /// <returns>A task.</returns>
    [ConformanceCheck]
    public virtual async Task ProcessDocument_CancelledToken_ThrowsOnlyCancellation()
    {
        using var cts = new CancellationTokenSource();
        await cts.CancelAsync();
        var document = CreateSampleDocument() ?? new DocumentContent { SourcePath = "a.txt", MediaType = "text/plain", Content = "text"u8.ToArray() };
        DocumentContent? result = null;
        var error = await Check.RecordExceptionAsync(async () => result = await CreatePreprocessor().ProcessDocumentAsync(document, cts.Token));
        Check.True(error is null or OperationCanceledException, $"a cancelled call threw {error?.GetType().Name}: {error?.Message}");
        if (error is null)
        {
            Check.True(document == result, "a cancelled call returned a processed document instead of throwing OperationCanceledException");
        }
    }

    /// <summary>
    /// A prompt call with a cancelled token, before or after retrieval, throws <see cref="OperationCanceledException"/>
    /// or returns the prompt unchanged: never the work done despite the cancellation, never another exception.
    /// </summary>
    /// <returns>A task.</returns>
    [ConformanceCheck]
    public virtual async Task ProcessPrompt_CancelledToken_ThrowsOnlyCancellation()
    {
        using var cts = new CancellationTokenSource();
        await cts.CancelAsync();
        var preprocessor = CreatePreprocessor();
        var sample = CreateSamplePrompt();
        foreach (var prompt in new[] { sample with { Stage = PromptStage.BeforeRetrieval, Passages = [] }, sample })
        {
            PromptContext? result = null;
            var error = await Check.RecordExceptionAsync(async () => result = await preprocessor.ProcessPromptAsync(prompt, cts.Token));
            Check.True(error is null or OperationCanceledException, $"a cancelled call ({prompt.Stage}) threw {error?.GetType().Name}: {error?.Message}");
            if (error is null)
            {
                Check.True(prompt == result, $"a cancelled call ({prompt.Stage}) returned a processed prompt instead of throwing OperationCanceledException");
            }
        }
    }

    /// <summary>A document the preprocessor handles but cannot read is a <see cref="PluginException"/> that names the document.</summary>
    /// <returns>A task.</returns>
    [ConformanceCheck]
    public virtual async Task ProcessDocument_Unreadable_ThrowsPluginExceptionNamingTheDocument()
    {
        if (CreateUnreadableDocument() is not { } document)
        {
            return;
        }

        var error = await Check.RecordExceptionAsync(() => CreatePreprocessor().ProcessDocumentAsync(document));
        var ex = Check.IsType<PluginException>(error, exactMatch: false);
        Check.Contains(document.SourcePath, ex.Message, StringComparison.Ordinal);
        if (ex.FilePath is not null)
        {
            Check.Equal(document.SourcePath, ex.FilePath);
        }
    }

    /// <summary>Concurrent calls on one instance give the same results as one call.</summary>
    /// <returns>A task.</returns>
    [ConformanceCheck]
    public virtual async Task ProcessDocument_ConcurrentCalls_GiveTheSameResult()
    {
        if (CreateSampleDocument() is not { } document)
        {
            return;
        }

        var preprocessor = CreatePreprocessor();
        var expected = await preprocessor.ProcessDocumentAsync(document);
        var results = await Task.WhenAll(Enumerable.Range(0, 8).Select(_ => Task.Run(() => preprocessor.ProcessDocumentAsync(document))));
        foreach (var result in results)
        {
            Check.Equal(expected.MediaType, result.MediaType);
            Check.Equal(expected.Sections.Select(s => s.Text), result.Sections.Select(s => s.Text));
            Check.Equal(expected.Chunks.Select(c => c.Text), result.Chunks.Select(c => c.Text));
        }
    }

    /// <summary>Concurrent prompt calls on one instance give the same results as one call.</summary>
    /// <returns>A task.</returns>
    [ConformanceCheck]
    public virtual async Task ProcessPrompt_ConcurrentCalls_GiveTheSameResult()
    {
        var preprocessor = CreatePreprocessor();
        var prompt = CreateSamplePrompt();
        var expected = await preprocessor.ProcessPromptAsync(prompt);
        var results = await Task.WhenAll(Enumerable.Range(0, 8).Select(_ => Task.Run(() => preprocessor.ProcessPromptAsync(prompt))));
        foreach (var result in results)
        {
            Check.Equal(expected.Question, result.Question);
            Check.Equal(expected.SearchText, result.SearchText);
            Check.Equal(expected.Messages.Select(m => (m.Role, m.Text)), result.Messages.Select(m => (m.Role, m.Text)));
        }
    }
}
