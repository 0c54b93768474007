using System.Text;
using PluginAI;
using PluginAI.Processing;

namespace Acme.Plugin._1.Tests;

public sealed class SubtitlePreprocessorTests
{
    [Fact]
    public async Task ParsesOneSectionPerCue_HeadedByItsStartTime()
    {
        const string srt = "\uFEFF1\r\n00:00:01,000 --> 00:00:04,000\r\n<i>Welcome</i> to the\r\nlighthouse tour.\r\n\r\n2\r\n00:01:05,500 --> 00:01:08,000\r\nIt was built in 1848.\r\n";
        var document = new DocumentContent { SourcePath = "videos/tour.srt", MediaType = "text/plain", Content = Encoding.UTF8.GetBytes(srt) };

        var result = await new SubtitlePreprocessor().ProcessDocumentAsync(document);

        Assert.Equal(SubtitlePreprocessor.MediaType, result.MediaType);
        Assert.Equal("tour", result.Title);
        Assert.Collection(
            result.Sections,
            s => Assert.Equal(("Welcome to the lighthouse tour.", "00:00:01", 0), (s.Text, s.Section, s.StartOffset)),
            s => Assert.Equal(("It was built in 1848.", "00:01:05", 32), (s.Text, s.Section, s.StartOffset)));
    }

    [Fact]
    public async Task ACueWithoutTiming_IsAPluginExceptionNamingTheFile()
    {
        var document = new DocumentContent { SourcePath = "broken.srt", MediaType = "text/plain", Content = "1\nno timing here\n"u8.ToArray() };

        var ex = await Assert.ThrowsAsync<PluginException>(() => new SubtitlePreprocessor().ProcessDocumentAsync(document));

        Assert.Equal("broken.srt", ex.FilePath);
        Assert.Contains("broken.srt, line 1", ex.Message, StringComparison.Ordinal);
    }
}
