using System.Text;
using PluginAI.Processing;
using PluginAI.Testing;

namespace Acme.Plugin._1.Tests;

/// <summary>Runs the PluginAI preprocessor conformance suite against <see cref="SubtitlePreprocessor"/>.</summary>
public sealed class SubtitleConformanceTests : PreprocessorConformanceTests
{
    protected override IPreprocessor CreatePreprocessor() => new SubtitlePreprocessor();

    protected override DocumentContent? CreateSampleDocument() => new()
    {
        SourcePath = "tour.srt",
        MediaType = "text/plain",
        Content = Encoding.UTF8.GetBytes("1\n00:00:01,000 --> 00:00:04,000\nWelcome to the lighthouse.\n\n2\n00:00:05,000 --> 00:00:08,000\nIt was built in 1848.\n"),
    };

    /// <summary>Creates a subtitle file whose cue has no timing line, which the preprocessor must refuse naming the file.</summary>
    protected override DocumentContent? CreateUnreadableDocument() => new()
    {
        SourcePath = "broken.srt",
        MediaType = SubtitlePreprocessor.MediaType,
        Content = Encoding.UTF8.GetBytes("1\nWelcome to the lighthouse.\n"),
    };
}
