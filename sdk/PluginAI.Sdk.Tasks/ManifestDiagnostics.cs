using Microsoft.Build.Framework;
using Microsoft.Build.Utilities;
using PluginAI.Manifest;

namespace PluginAI.Sdk.Tasks;

/// <summary>
/// Turns <see cref="ManifestError"/>s into MSBuild errors and warnings with PAI codes. For a manifest generated from
/// MSBuild properties the message names the property or item that feeds the field; for a hand-written manifest it names
/// the file and the field's JSON path.
/// </summary>
internal sealed class ManifestDiagnostics(TaskLoggingHelper log, string projectFile, bool generated, IReadOnlyList<ITaskItem> accelerators, IReadOnlyList<ITaskItem> variants)
{
    /// <summary>The code of a field this version does not know.</summary>
    public const string UnknownFieldCode = "PAI1100";

    public bool Report(ManifestReadResult result)
    {
        foreach (var warning in result.Warnings)
        {
            Warning(UnknownFieldCode, warning);
        }

        foreach (var error in result.Errors)
        {
            Error(CodeOf(error.Field), error);
        }

        return result.Errors.Count == 0;
    }

    public void Error(string code, ManifestError error)
    {
        if (generated)
        {
            log.LogError(null, code, null, projectFile, 0, 0, 0, 0, Describe(error));
        }
        else
        {
            log.LogError(null, code, null, error.File, 0, 0, 0, 0, FieldMessage(error));
        }
    }

    public void Error(string code, string message, string? file = null) =>
        log.LogError(null, code, null, file ?? projectFile, 0, 0, 0, 0, message);

    private void Warning(string code, ManifestError warning)
    {
        if (generated)
        {
            log.LogWarning(null, code, null, projectFile, 0, 0, 0, 0, Describe(warning));
        }
        else
        {
            log.LogWarning(null, code, null, warning.File, 0, 0, 0, 0, FieldMessage(warning));
        }
    }

    private static string FieldMessage(ManifestError error) =>
        error.Field.Length == 0 ? error.Message : $"field '{error.Field}': {error.Message}";

    /// <summary>Returns the PAI code of an error in the field at a JSON path.</summary>
    /// <param name="field">The JSON path.</param>
    /// <returns>The code.</returns>
    public static string CodeOf(string field) => TopLevel(field) switch
    {
        "" => "PAI1001",
        "schemaVersion" => "PAI1002",
        "id" => "PAI1003",
        "version" => "PAI1004",
        "kinds" => "PAI1005",
        "entry" => "PAI1006",
        "hostApi" => "PAI1007",
        "isolation" => "PAI1008",
        "requirements" => "PAI1009",
        "variants" => "PAI1010",
        "licensing" => "PAI1011",
        "certifications" => "PAI1012",
        "contributors" => "PAI1013",
        "files" => "PAI1014",
        _ => "PAI1015",
    };

    private static string TopLevel(string field)
    {
        var end = field.IndexOfAny(['.', '[']);
        return end < 0 ? field : field[..end];
    }

    private string Describe(ManifestError error)
    {
        var source = SourceOf(error.Field);
        if (source is null)
        {
            return FieldMessage(error) + " (in the manifest generated from the project's properties)";
        }

        const string Missing = "the field is missing; expected ";
        const string Empty = "the string is empty; expected ";
        if (error.Message.StartsWith(Missing, StringComparison.Ordinal))
        {
            return $"{source} is not set; expected {error.Message[Missing.Length..]}";
        }

        if (error.Message.StartsWith(Empty, StringComparison.Ordinal))
        {
            return $"{source} is empty; expected {error.Message[Empty.Length..]}";
        }

        const string UnknownKind = "unknown kind ";
        if (error.Message.StartsWith(UnknownKind, StringComparison.Ordinal))
        {
            var cut = error.Message.IndexOf("; ", StringComparison.Ordinal);
            if (cut > UnknownKind.Length)
            {
                return $"{source}: {error.Message[UnknownKind.Length..cut]} is not a plugin kind{error.Message[cut..]}";
            }
        }

        return $"{source}: {error.Message}";
    }

    /// <summary>Names the MSBuild property, or the item and metadata, that feeds a field of a generated manifest.</summary>
    private string? SourceOf(string field)
    {
        var segments = Segments(field);
        if (segments.Count == 0)
        {
            return null;
        }

        switch (segments[0].Name)
        {
            case "id": return "PluginAIId";
            case "version": return "Version";
            case "displayName": return "Title";
            case "description": return "Description";
            case "authors": return "Authors";
            case "license": return "PackageLicenseExpression";
            case "kinds": return "PluginAIKinds";
            case "hostApi": return "PluginAIHostApi";
            case "isolation": return "PluginAIIsolation";
            case "entry":
                return segments.Count > 1 && segments[1].Name == "type" ? "PluginAIEntryType" : "TargetFileName";
            case "requirements":
                return RequirementSource(segments, 1, null);
            case "licensing":
                return segments.Count < 2 ? "PluginAILicensing" : segments[1].Name switch
                {
                    "productCode" => "PluginAIProductCode",
                    "trialDays" => "PluginAITrialDays",
                    "vendorKeyId" => "PluginAIVendorKeyId",
                    _ => "PluginAILicensing",
                };
            case "variants":
                return VariantSource(segments);
            default:
                return null;
        }
    }

    private string VariantSource(List<(string Name, int Index)> segments)
    {
        var index = segments[0].Index;
        var name = index >= 0 && index < variants.Count ? variants[index].ItemSpec : null;
        var item = name is null ? "PluginAIVariant" : $"PluginAIVariant '{name}'";
        if (segments.Count < 2)
        {
            return item;
        }

        return segments[1].Name switch
        {
            "name" => item,
            "path" => $"{item} (metadata Path)",
            "entry" => segments.Count > 2 && segments[2].Name == "type" ? $"{item} (metadata EntryType)" : $"{item} (metadata EntryAssembly)",
            "requirements" => RequirementSource(segments, 2, name),
            _ => item,
        };
    }

    private string RequirementSource(List<(string Name, int Index)> segments, int at, string? variant)
    {
        var holder = variant is null ? null : $"PluginAIVariant '{variant}'";
        if (segments.Count <= at)
        {
            return holder ?? "PluginAIRids";
        }

        string Named(string property, string metadata) => holder is null ? property : $"{holder} (metadata {metadata})";
        switch (segments[at].Name)
        {
            case "rids": return Named("PluginAIRids", "Rids");
            case "instructionSets": return Named("PluginAIInstructionSets", "InstructionSets");
            case "minRamMb": return Named("PluginAIMinRamMb", "MinRamMb");
            case "accelerators":
                var mine = accelerators.Where(a => string.Equals(a.GetMetadata("Variant"), variant ?? string.Empty, StringComparison.OrdinalIgnoreCase)).ToList();
                var index = segments[at].Index;
                var item = index >= 0 && index < mine.Count ? $"PluginAIAccelerator '{mine[index].ItemSpec}'" : "PluginAIAccelerator";
                if (variant is not null)
                {
                    item += $" of variant '{variant}'";
                }

                if (segments.Count <= at + 1)
                {
                    return item;
                }

                return segments[at + 1].Name switch
                {
                    "type" => item,
                    "api" => $"{item} (metadata Api)",
                    "minApiVersion" => $"{item} (metadata MinApiVersion)",
                    "minVramMb" => $"{item} (metadata MinVramMb)",
                    "vendor" => $"{item} (metadata Vendor)",
                    _ => item,
                };
            default:
                return holder ?? "PluginAIRids";
        }
    }

    /// <summary>Splits <c>variants[1].requirements.accelerators[0].api</c> into names with their array indexes (-1 when none).</summary>
    private static List<(string Name, int Index)> Segments(string field)
    {
        var list = new List<(string, int)>();
        if (field.Length == 0)
        {
            return list;
        }

        foreach (var part in field.Split('.'))
        {
            var bracket = part.IndexOf('[', StringComparison.Ordinal);
            if (bracket < 0)
            {
                list.Add((part, -1));
                continue;
            }

            var close = part.IndexOf(']', bracket);
            var index = close > bracket && int.TryParse(part.AsSpan(bracket + 1, close - bracket - 1), System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var i) ? i : -1;
            list.Add((part[..bracket], index));
        }

        return list;
    }
}
