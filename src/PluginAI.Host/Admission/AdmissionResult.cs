using PluginAI.Manifest;

namespace PluginAI.Host.Admission;

/// <summary>The admission decision for one plugin folder: refused (the record says why) or admitted with the build to load.</summary>
/// <param name="Record">The record, with the status and reason when refused.</param>
/// <param name="ManifestPath">The manifest file, when admitted.</param>
/// <param name="Entry">The entry point of the chosen build, when admitted.</param>
/// <param name="EntryFolder">The folder of the chosen build, when admitted.</param>
internal sealed record AdmissionResult(PluginRecord Record, string? ManifestPath, PluginEntryPoint? Entry, string? EntryFolder)
{
    public bool Admitted => Entry is not null;
}
