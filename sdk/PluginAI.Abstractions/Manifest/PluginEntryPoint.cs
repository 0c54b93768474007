namespace PluginAI.Manifest;

/// <summary>The entry assembly and type of a plugin.</summary>
/// <param name="Assembly">The assembly file name relative to the plugin folder, such as <c>Acme.Redaction.dll</c>.</param>
/// <param name="Type">The full name of the type that implements <see cref="IPlugin"/>.</param>
public sealed record PluginEntryPoint(string Assembly, string Type);
