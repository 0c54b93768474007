namespace PluginAI.Runtime.Models;

/// <summary>A model registered by name with <c>pluginai models add</c>.</summary>
/// <param name="Name">The name, such as <c>mistral</c>.</param>
/// <param name="Path">The model file, or the name of a model a backend has built in.</param>
/// <param name="AddedAt">When it was registered.</param>
public sealed record RegisteredModel(string Name, string Path, DateTimeOffset AddedAt);
