using PluginAI.Registry;

namespace PluginAI.Runtime.Plugins;

/// <summary>What updating one plugin did.</summary>
/// <param name="Id">The plugin id.</param>
/// <param name="Result">The update, or <see langword="null"/> when it failed.</param>
/// <param name="Error">Why it failed (the installed version is then unchanged), or <see langword="null"/>.</param>
public sealed record PluginUpdate(string Id, UpdateResult? Result, string? Error);
