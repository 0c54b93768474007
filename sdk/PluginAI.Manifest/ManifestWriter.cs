using System.Text;
using System.Text.Json;
using PluginAI.Hardware;

namespace PluginAI.Manifest;

/// <summary>Writes a <see cref="PluginManifest"/> as <c>pluginai.json</c>, in the form <see cref="ManifestReader"/> reads.</summary>
public static class ManifestWriter
{
    /// <summary>Serializes a manifest to indented JSON.</summary>
    /// <param name="manifest">The manifest.</param>
    /// <returns>The JSON text.</returns>
    public static string ToJson(PluginManifest manifest)
    {
        ArgumentNullException.ThrowIfNull(manifest);
        using var stream = new MemoryStream();
        using (var w = new Utf8JsonWriter(stream, new JsonWriterOptions { Indented = true }))
        {
            Write(w, manifest);
        }

        return Encoding.UTF8.GetString(stream.ToArray());
    }

    /// <summary>Writes a manifest file, replacing it atomically.</summary>
    /// <param name="manifest">The manifest.</param>
    /// <param name="path">The file path.</param>
    /// <param name="cancellationToken">A token to cancel the write.</param>
    /// <returns>A task that completes when the file is in place.</returns>
    public static async Task WriteFileAsync(PluginManifest manifest, string path, CancellationToken cancellationToken = default)
    {
        var temp = path + ".tmp";
        await File.WriteAllTextAsync(temp, ToJson(manifest), cancellationToken).ConfigureAwait(false);
        File.Move(temp, path, overwrite: true);
    }

    private static void Write(Utf8JsonWriter w, PluginManifest m)
    {
        w.WriteStartObject();
        w.WriteNumber("schemaVersion", m.SchemaVersion);
        w.WriteString("id", m.Id);
        w.WriteString("version", m.Version.ToString());
        WriteOptional(w, "displayName", m.DisplayName);
        WriteOptional(w, "description", m.Description);
        WriteStrings(w, "authors", m.Authors);
        WriteOptional(w, "license", m.License);
        w.WriteStartArray("kinds");
        foreach (var kind in m.Kinds)
        {
            w.WriteStringValue(kind.ToString().ToLowerInvariant());
        }

        w.WriteEndArray();
        WriteEntry(w, m.Entry);
        w.WriteString("hostApi", m.HostApi.ToString());
        if (m.IsolationDeclared || m.Isolation == PluginIsolation.OutOfProcess)
        {
            w.WriteString("isolation", m.Isolation == PluginIsolation.OutOfProcess ? "out-of-process" : "in-process");
        }

        WriteRequirements(w, m.Requirements);
        if (m.Variants.Count > 0)
        {
            w.WriteStartArray("variants");
            foreach (var v in m.Variants)
            {
                w.WriteStartObject();
                w.WriteString("name", v.Name);
                WriteOptional(w, "path", v.Path);
                if (v.Entry is not null)
                {
                    WriteEntry(w, v.Entry);
                }

                WriteRequirements(w, v.Requirements);
                w.WriteEndObject();
            }

            w.WriteEndArray();
        }

        if (m.Licensing.Model != LicensingModel.Free || m.Licensing.ProductCode is not null)
        {
            w.WriteStartObject("licensing");
            w.WriteString("model", m.Licensing.Model.ToString().ToLowerInvariant());
            WriteOptional(w, "productCode", m.Licensing.ProductCode);
            if (m.Licensing.TrialDays is { } days)
            {
                w.WriteNumber("trialDays", days);
            }

            WriteOptional(w, "vendorKeyId", m.Licensing.VendorKeyId);
            w.WriteEndObject();
        }

        if (m.Certifications.Count > 0)
        {
            w.WriteStartArray("certifications");
            foreach (var c in m.Certifications)
            {
                WriteCertification(w, c);
            }

            w.WriteEndArray();
        }

        if (m.Contributors is { } contributors)
        {
            WriteContributors(w, contributors);
        }

        if (m.Files.Count > 0)
        {
            w.WriteStartArray("files");
            foreach (var f in m.Files)
            {
                w.WriteStartObject();
                w.WriteString("path", f.Path);
                w.WriteString("sha256", f.Sha256);
                w.WriteNumber("size", f.Size);
                w.WriteEndObject();
            }

            w.WriteEndArray();
        }

        w.WriteEndObject();
    }

    /// <summary>Writes a certification record as a JSON object; also the canonical form that its signature covers when <paramref name="includeSignature"/> is false.</summary>
    /// <param name="w">The writer.</param>
    /// <param name="c">The record.</param>
    /// <param name="includeSignature">Whether to write the signature field.</param>
    internal static void WriteCertification(Utf8JsonWriter w, CertificationRecord c, bool includeSignature = true)
    {
        w.WriteStartObject();
        w.WriteString("certifier", c.Certifier);
        w.WriteString("pluginId", c.PluginId);
        w.WriteString("versions", c.Versions.ToString());
        w.WriteStartArray("devices");
        foreach (var d in c.Devices)
        {
            w.WriteStartObject();
            w.WriteString("vendor", d.Vendor);
            WriteStrings(w, "pciIds", d.PciIds);
            WriteOptional(w, "drivers", d.Drivers?.ToString());
            w.WriteEndObject();
        }

        w.WriteEndArray();
        WriteOptional(w, "suiteVersion", c.SuiteVersion);
        WriteOptional(w, "reportSha256", c.ReportSha256);
        WriteOptional(w, "expires", c.Expires?.ToUniversalTime().ToString("O", System.Globalization.CultureInfo.InvariantCulture));
        WriteOptional(w, "keyId", c.KeyId);
        if (includeSignature)
        {
            WriteOptional(w, "signature", c.Signature);
        }

        w.WriteEndObject();
    }

    private static void WriteContributors(Utf8JsonWriter w, ContributorsSection c)
    {
        w.WriteStartObject("contributors");
        WriteOptional(w, "since", c.Since?.ToUniversalTime().ToString("O", System.Globalization.CultureInfo.InvariantCulture));
        WriteOptional(w, "until", c.Until?.ToUniversalTime().ToString("O", System.Globalization.CultureInfo.InvariantCulture));
        w.WriteStartObject("weights");
        w.WriteNumber("code", c.CodeWeight);
        w.WriteNumber("issues", c.IssuesWeight);
        w.WriteNumber("docs", c.DocsWeight);
        w.WriteEndObject();
        w.WriteStartArray("entries");
        foreach (var e in c.Entries)
        {
            w.WriteStartObject();
            w.WriteString("id", e.Id);
            WriteOptional(w, "name", e.Name);
            w.WriteNumber("codeCommits", e.CodeCommits);
            w.WriteNumber("docCommits", e.DocCommits);
            w.WriteNumber("issues", e.Issues);
            w.WriteNumber("linesAdded", e.LinesAdded);
            w.WriteNumber("linesRemoved", e.LinesRemoved);
            w.WriteNumber("share", e.Share);
            w.WriteEndObject();
        }

        w.WriteEndArray();
        w.WriteEndObject();
    }

    private static void WriteEntry(Utf8JsonWriter w, PluginEntryPoint entry)
    {
        w.WriteStartObject("entry");
        w.WriteString("assembly", entry.Assembly);
        w.WriteString("type", entry.Type);
        w.WriteEndObject();
    }

    private static void WriteRequirements(Utf8JsonWriter w, HardwareRequirements r)
    {
        if (r.IsEmpty)
        {
            return;
        }

        w.WriteStartObject("requirements");
        WriteStrings(w, "rids", r.RuntimeIdentifiers);
        WriteStrings(w, "instructionSets", r.InstructionSets);
        if (r.MinRamMb is { } ram)
        {
            w.WriteNumber("minRamMb", ram);
        }

        if (r.Accelerators.Count > 0)
        {
            w.WriteStartArray("accelerators");
            foreach (var a in r.Accelerators)
            {
                w.WriteStartObject();
                w.WriteString("type", a.Type == AcceleratorType.Gpu ? "gpu" : "npu");
                w.WriteString("api", a.Api);
                WriteOptional(w, "minApiVersion", a.MinApiVersion?.ToString());
                if (a.MinVramMb is { } vram)
                {
                    w.WriteNumber("minVramMb", vram);
                }

                WriteOptional(w, "vendor", a.Vendor);
                w.WriteEndObject();
            }

            w.WriteEndArray();
        }

        w.WriteEndObject();
    }

    private static void WriteStrings(Utf8JsonWriter w, string name, IReadOnlyList<string> values)
    {
        if (values.Count == 0)
        {
            return;
        }

        w.WriteStartArray(name);
        foreach (var value in values)
        {
            w.WriteStringValue(value);
        }

        w.WriteEndArray();
    }

    private static void WriteOptional(Utf8JsonWriter w, string name, string? value)
    {
        if (value is not null)
        {
            w.WriteString(name, value);
        }
    }
}
