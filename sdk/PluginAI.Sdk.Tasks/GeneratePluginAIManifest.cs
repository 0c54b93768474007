using System.Globalization;
using System.Text;
using System.Text.Json;
using Microsoft.Build.Framework;
using Microsoft.Build.Utilities;

namespace PluginAI.Sdk.Tasks;

/// <summary>
/// Writes <c>pluginai.json</c> from MSBuild properties and items, for projects without a hand-written manifest.
/// </summary>
/// <remarks>
/// The file is written as given, without validation: <see cref="ValidatePluginAIManifest"/> checks it afterwards and names
/// the property behind each wrong field. The file is only rewritten when its content changes, so that incremental builds
/// do not copy it again.
/// </remarks>
public sealed class GeneratePluginAIManifest : Microsoft.Build.Utilities.Task
{
    /// <summary>Gets or sets the file to write.</summary>
    [Required]
    public string OutputFile { get; set; } = string.Empty;

    /// <summary>Gets or sets the plugin id (<c>PluginAIId</c>).</summary>
    public string? Id { get; set; }

    /// <summary>Gets or sets the plugin version (<c>Version</c>).</summary>
    public string? Version { get; set; }

    /// <summary>Gets or sets the display name (<c>Title</c>).</summary>
    public string? DisplayName { get; set; }

    /// <summary>Gets or sets the description (<c>Description</c>).</summary>
    public string? Description { get; set; }

    /// <summary>Gets or sets the authors, separated by <c>;</c> or <c>,</c> (<c>Authors</c>).</summary>
    public string? Authors { get; set; }

    /// <summary>Gets or sets the SPDX license expression (<c>PackageLicenseExpression</c>).</summary>
    public string? License { get; set; }

    /// <summary>Gets or sets the kinds, separated by <c>;</c> or <c>,</c> (<c>PluginAIKinds</c>).</summary>
    public string? Kinds { get; set; }

    /// <summary>Gets or sets the entry assembly file name (<c>TargetFileName</c>).</summary>
    public string? EntryAssembly { get; set; }

    /// <summary>Gets or sets the full name of the entry type (<c>PluginAIEntryType</c>).</summary>
    public string? EntryType { get; set; }

    /// <summary>Gets or sets the plugin API range (<c>PluginAIHostApi</c>).</summary>
    public string? HostApi { get; set; }

    /// <summary>Gets or sets the isolation (<c>PluginAIIsolation</c>).</summary>
    public string? Isolation { get; set; }

    /// <summary>Gets or sets the runtime identifiers (<c>PluginAIRids</c>).</summary>
    public string? Rids { get; set; }

    /// <summary>Gets or sets the instruction sets (<c>PluginAIInstructionSets</c>).</summary>
    public string? InstructionSets { get; set; }

    /// <summary>Gets or sets the minimum memory in MiB (<c>PluginAIMinRamMb</c>).</summary>
    public string? MinRamMb { get; set; }

    /// <summary>Gets or sets the accelerators (<c>PluginAIAccelerator</c> items: type as identity; Api, MinApiVersion, MinVramMb, Vendor, Variant).</summary>
    public ITaskItem[] Accelerators { get; set; } = [];

    /// <summary>Gets or sets the variants (<c>PluginAIVariant</c> items: name as identity; Path, Rids, InstructionSets, MinRamMb, EntryAssembly, EntryType).</summary>
    public ITaskItem[] Variants { get; set; } = [];

    /// <summary>Gets or sets the licensing model (<c>PluginAILicensing</c>).</summary>
    public string? Licensing { get; set; }

    /// <summary>Gets or sets the product code (<c>PluginAIProductCode</c>).</summary>
    public string? ProductCode { get; set; }

    /// <summary>Gets or sets the trial length in days (<c>PluginAITrialDays</c>).</summary>
    public string? TrialDays { get; set; }

    /// <summary>Gets or sets the id of the vendor key that signs licenses (<c>PluginAIVendorKeyId</c>).</summary>
    public string? VendorKeyId { get; set; }

    /// <inheritdoc />
    public override bool Execute()
    {
        var json = ToJson();
        try
        {
            var directory = Path.GetDirectoryName(Path.GetFullPath(OutputFile));
            if (directory is not null)
            {
                Directory.CreateDirectory(directory);
            }

            if (!File.Exists(OutputFile) || File.ReadAllText(OutputFile) != json)
            {
                File.WriteAllText(OutputFile, json, new UTF8Encoding(false));
                Log.LogMessage(MessageImportance.Low, "Generated {0}", OutputFile);
            }
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            Log.LogError(null, "PAI1016", null, OutputFile, 0, 0, 0, 0, $"cannot write the generated manifest: {ex.Message}");
        }

        return !Log.HasLoggedErrors;
    }

    private string ToJson()
    {
        using var stream = new MemoryStream();
        using (var w = new Utf8JsonWriter(stream, new JsonWriterOptions { Indented = true }))
        {
            w.WriteStartObject();
            w.WriteNumber("schemaVersion", 1);
            Optional(w, "id", Id);
            Optional(w, "version", Version);
            Optional(w, "displayName", DisplayName);
            Optional(w, "description", Description);
            Strings(w, "authors", Authors);
            Optional(w, "license", License);
            w.WriteStartArray("kinds");
            foreach (var kind in Split(Kinds))
            {
                w.WriteStringValue(kind);
            }

            w.WriteEndArray();
            Entry(w, EntryAssembly, EntryType);
            Optional(w, "hostApi", HostApi);
            Optional(w, "isolation", Isolation);
            Requirements(w, Rids, InstructionSets, MinRamMb, string.Empty);
            if (Variants.Length > 0)
            {
                w.WriteStartArray("variants");
                foreach (var variant in Variants)
                {
                    w.WriteStartObject();
                    w.WriteString("name", variant.ItemSpec);
                    Optional(w, "path", variant.GetMetadata("Path"));
                    var assembly = variant.GetMetadata("EntryAssembly");
                    var type = variant.GetMetadata("EntryType");
                    if (assembly.Length > 0 || type.Length > 0)
                    {
                        Entry(w, assembly.Length > 0 ? assembly : EntryAssembly, type.Length > 0 ? type : EntryType);
                    }

                    Requirements(w, variant.GetMetadata("Rids"), variant.GetMetadata("InstructionSets"), variant.GetMetadata("MinRamMb"), variant.ItemSpec);
                    w.WriteEndObject();
                }

                w.WriteEndArray();
            }

            if (!string.IsNullOrWhiteSpace(Licensing) || !string.IsNullOrWhiteSpace(ProductCode))
            {
                w.WriteStartObject("licensing");
                w.WriteString("model", string.IsNullOrWhiteSpace(Licensing) ? "free" : Licensing.Trim());
                Optional(w, "productCode", ProductCode);
                Number(w, "trialDays", TrialDays);
                Optional(w, "vendorKeyId", VendorKeyId);
                w.WriteEndObject();
            }

            w.WriteEndObject();
        }

        return Encoding.UTF8.GetString(stream.ToArray()) + "\n";
    }

    private static void Entry(Utf8JsonWriter w, string? assembly, string? type)
    {
        w.WriteStartObject("entry");
        Optional(w, "assembly", assembly);
        Optional(w, "type", type);
        w.WriteEndObject();
    }

    private void Requirements(Utf8JsonWriter w, string? rids, string? instructionSets, string? minRamMb, string variant)
    {
        var accelerators = Accelerators.Where(a => string.Equals(a.GetMetadata("Variant"), variant, StringComparison.OrdinalIgnoreCase)).ToList();
        if (Split(rids).Count == 0 && Split(instructionSets).Count == 0 && string.IsNullOrWhiteSpace(minRamMb) && accelerators.Count == 0)
        {
            return;
        }

        w.WriteStartObject("requirements");
        Strings(w, "rids", rids);
        Strings(w, "instructionSets", instructionSets);
        Number(w, "minRamMb", minRamMb);
        if (accelerators.Count > 0)
        {
            w.WriteStartArray("accelerators");
            foreach (var accelerator in accelerators)
            {
                w.WriteStartObject();
                w.WriteString("type", accelerator.ItemSpec);
                Optional(w, "api", accelerator.GetMetadata("Api"));
                Optional(w, "minApiVersion", accelerator.GetMetadata("MinApiVersion"));
                Number(w, "minVramMb", accelerator.GetMetadata("MinVramMb"));
                Optional(w, "vendor", accelerator.GetMetadata("Vendor"));
                w.WriteEndObject();
            }

            w.WriteEndArray();
        }

        w.WriteEndObject();
    }

    private static void Optional(Utf8JsonWriter w, string name, string? value)
    {
        if (!string.IsNullOrWhiteSpace(value))
        {
            w.WriteString(name, value.Trim());
        }
    }

    /// <summary>Writes a whole number as a number, and anything else as a string so that validation names the property.</summary>
    private static void Number(Utf8JsonWriter w, string name, string? value)
    {
        if (string.IsNullOrWhiteSpace(value))
        {
            return;
        }

        if (long.TryParse(value.Trim(), NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var number))
        {
            w.WriteNumber(name, number);
        }
        else
        {
            w.WriteString(name, value.Trim());
        }
    }

    private static void Strings(Utf8JsonWriter w, string name, string? value)
    {
        var items = Split(value);
        if (items.Count == 0)
        {
            return;
        }

        w.WriteStartArray(name);
        foreach (var item in items)
        {
            w.WriteStringValue(item);
        }

        w.WriteEndArray();
    }

    internal static List<string> Split(string? value) =>
        string.IsNullOrWhiteSpace(value) ? [] : [.. value.Split([';', ','], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Where(s => s.Length > 0)];
}
