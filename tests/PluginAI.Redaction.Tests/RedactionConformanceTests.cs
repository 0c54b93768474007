using PluginAI.Processing;
using PluginAI.Testing;

namespace PluginAI.Redaction.Tests;

public sealed class RedactionConformanceTests : PostprocessorConformanceTests
{
    protected override IPostprocessor CreatePostprocessor() => new RedactionPostprocessor();
}
