using PluginAI.Processing;
using PluginAI.Testing;

namespace PluginAI.Prompting.Tests;

public sealed class TemplateConformanceTests : PreprocessorConformanceTests
{
    protected override IPreprocessor CreatePreprocessor() => new TemplatePreprocessor(Path.GetTempPath());
}
