using System.Reflection;
using Microsoft.Build.Framework;
using PluginAI.Manifest;

namespace PluginAI.Sdk.Tasks;

/// <summary>
/// Validates the manifest a plugin project uses (hand-written or generated) with <see cref="ManifestReader"/>, and checks
/// its entry point against the built assembly.
/// </summary>
/// <remarks>
/// Errors: PAI1001 to PAI1015 (one code per manifest field, see docs/manifest.md), PAI1020 (the entry assembly is not the
/// built assembly), PAI1021 (the entry type is not in the built assembly), PAI1022 (the entry type is not a public,
/// non-abstract class), PAI1023 (the built assembly cannot be read). Warning PAI1100: a field this version does not know.
/// </remarks>
public sealed class ValidatePluginAIManifest : Microsoft.Build.Utilities.Task
{
    /// <summary>Gets or sets the manifest file.</summary>
    [Required]
    public string ManifestFile { get; set; } = string.Empty;

    /// <summary>Gets or sets a value indicating whether the manifest was generated from properties, so that errors name the properties.</summary>
    public bool Generated { get; set; }

    /// <summary>Gets or sets the built assembly; its file name must be the entry assembly and it must define the entry type.</summary>
    public string? AssemblyFile { get; set; }

    /// <summary>Gets or sets the project file, where errors in a generated manifest are reported.</summary>
    public string? ProjectFile { get; set; }

    /// <summary>Gets or sets the <c>PluginAIAccelerator</c> items, to name them in errors.</summary>
    public ITaskItem[] Accelerators { get; set; } = [];

    /// <summary>Gets or sets the <c>PluginAIVariant</c> items, to name them in errors.</summary>
    public ITaskItem[] Variants { get; set; } = [];

    /// <summary>Gets the kinds the manifest declares, in lower case; empty when it is not valid.</summary>
    [Output]
    public string[] Kinds { get; private set; } = [];

    /// <inheritdoc />
    public override bool Execute()
    {
        var diagnostics = new ManifestDiagnostics(Log, string.IsNullOrEmpty(ProjectFile) ? BuildEngine?.ProjectFileOfTaskNode ?? string.Empty : ProjectFile, Generated, Accelerators, Variants);
        var result = ManifestReader.ReadFileAsync(ManifestFile).GetAwaiter().GetResult();
        if (!diagnostics.Report(result))
        {
            return false;
        }

        var manifest = result.Manifest!;
        Kinds = [.. manifest.Kinds.Select(k => k.ToString().ToLowerInvariant())];
        if (!string.IsNullOrEmpty(AssemblyFile))
        {
            CheckEntry(manifest, diagnostics);
        }

        return !Log.HasLoggedErrors;
    }

    private void CheckEntry(PluginManifest manifest, ManifestDiagnostics diagnostics)
    {
        var built = Path.GetFileName(AssemblyFile!);
        if (!string.Equals(manifest.Entry.Assembly.Replace('\\', '/'), built, StringComparison.OrdinalIgnoreCase))
        {
            diagnostics.Error("PAI1020", new ManifestError(ManifestFile, "entry.assembly", $"'{manifest.Entry.Assembly}' is not the assembly this project builds; expected {built}"));
            return;
        }

        Dictionary<string, TypeAttributes> types;
        try
        {
            types = AssemblyTypes.Read(AssemblyFile!);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or BadImageFormatException)
        {
            diagnostics.Error("PAI1023", $"cannot read the types of {AssemblyFile}: {ex.Message}");
            return;
        }

        if (!types.TryGetValue(manifest.Entry.Type, out var attributes))
        {
            var near = types.Keys.Where(t => t.EndsWith("." + manifest.Entry.Type.Split('.')[^1], StringComparison.Ordinal)).Take(3).ToList();
            var hint = near.Count > 0 ? $"; did you mean {string.Join(" or ", near)}?" : "; expected the full name (namespace and class) of the class that implements PluginAI.IPlugin";
            diagnostics.Error("PAI1021", new ManifestError(ManifestFile, "entry.type", $"the type '{manifest.Entry.Type}' is not defined in {built}{hint}"));
            return;
        }

        var visibility = attributes & TypeAttributes.VisibilityMask;
        var isPublic = visibility is TypeAttributes.Public or TypeAttributes.NestedPublic;
        if (!isPublic || (attributes & TypeAttributes.Interface) != 0 || (attributes & TypeAttributes.Abstract) != 0)
        {
            diagnostics.Error("PAI1022", new ManifestError(ManifestFile, "entry.type", $"the type '{manifest.Entry.Type}' in {built} is not a public, non-abstract class; the host creates it with its parameterless constructor"));
        }
    }
}
