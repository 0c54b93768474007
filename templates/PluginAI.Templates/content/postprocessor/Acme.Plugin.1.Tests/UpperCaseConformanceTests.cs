using PluginAI.Processing;
using PluginAI.Testing;

namespace Acme.Plugin._1.Tests;

/// <summary>Runs the PluginAI postprocessor conformance suite against <see cref="UpperCasePostprocessor"/>.</summary>
public sealed class UpperCaseConformanceTests : PostprocessorConformanceTests
{
    /// <summary>Gets text that is upper case already, so that the postprocessor leaves it unchanged.</summary>
    protected override IReadOnlyList<string> UnchangedText { get; } = ["THE QUICK ", "BROWN FOX ", "JUMPS OVER ", "THE LAZY DOG."];

    protected override IPostprocessor CreatePostprocessor() => new UpperCasePostprocessor();
}
