using PluginAI.Processing;
using PluginAI.Testing;

namespace PluginAI.Citations.Tests;

public sealed class CitationConformanceTests : PostprocessorConformanceTests
{
    protected override IPostprocessor CreatePostprocessor() => new CitationPostprocessor();
}
