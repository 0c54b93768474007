namespace PluginAI.Processing;

/// <summary>Something a postprocessor changed or noticed in the output.</summary>
/// <param name="Postprocessor">The name of the postprocessor.</param>
/// <param name="Code">A short machine-readable code, such as <c>citation.dropped</c> or <c>pii.email</c>.</param>
/// <param name="Message">What happened, in words a user understands.</param>
public sealed record PostprocessorFinding(string Postprocessor, string Code, string Message);
