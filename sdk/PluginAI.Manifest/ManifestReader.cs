using System.Globalization;
using System.Text.Json;
using System.Text.RegularExpressions;
using PluginAI.Manifest.Internal;
using PluginAI.Hardware;

namespace PluginAI.Manifest;

/// <summary>Reads and validates <c>pluginai.json</c>.</summary>
/// <remarks>
/// Every problem is reported with the file, the field and what was expected; reading never throws for bad content.
/// Fields this version does not know are reported as warnings so that newer manifests still load. Thread-safe.
/// </remarks>
public static partial class ManifestReader
{
    /// <summary>The instruction set names a manifest may require.</summary>
    public static IReadOnlyList<string> KnownInstructionSets { get; } =
    [
        "sse3", "ssse3", "sse4.1", "sse4.2", "popcnt", "avx", "avx2", "fma", "f16c", "bmi1", "bmi2", "lzcnt",
        "avx512f", "avx512bw", "avx512cd", "avx512dq", "avx512vl", "avx512vbmi", "avxvnni", "avx10.1",
        "neon", "dotprod", "rdm", "crc32", "aes", "sha1", "sha256", "sve", "sve2",
    ];

    private static readonly string[] s_kindNames = ["backend", "preprocessor", "postprocessor", "retriever"];

    /// <summary>Reads a manifest file.</summary>
    /// <param name="path">The path of <c>pluginai.json</c>.</param>
    /// <param name="cancellationToken">A token to cancel the read.</param>
    /// <returns>The result; a missing or unreadable file is reported as an error, not thrown.</returns>
    public static async Task<ManifestReadResult> ReadFileAsync(string path, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        string json;
        try
        {
            json = await File.ReadAllTextAsync(path, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            var reason = ex is FileNotFoundException or DirectoryNotFoundException ? "the file does not exist" : $"the file cannot be read: {ex.Message}";
            return new ManifestReadResult(null, [new ManifestError(path, string.Empty, reason)], []);
        }

        return Parse(json, path);
    }

    /// <summary>Parses and validates manifest text.</summary>
    /// <param name="json">The JSON text.</param>
    /// <param name="source">The file name to put in messages.</param>
    /// <returns>The result.</returns>
    public static ManifestReadResult Parse(string json, string source = PluginManifest.FileName)
    {
        ArgumentNullException.ThrowIfNull(json);
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(json, new JsonDocumentOptions { CommentHandling = JsonCommentHandling.Skip, AllowTrailingCommas = true });
        }
        catch (JsonException ex)
        {
            var where = ex.LineNumber is { } line ? $" at line {line + 1}, position {(ex.BytePositionInLine ?? 0) + 1}" : string.Empty;
            return new ManifestReadResult(null, [new ManifestError(source, string.Empty, $"not valid JSON{where}: expected a JSON object with the plugin manifest ({FirstSentence(ex.Message)})")], []);
        }

        using (document)
        {
            var walker = new Walker(source);
            var manifest = walker.ReadManifest(document.RootElement);
            return new ManifestReadResult(manifest, walker.Errors, walker.Warnings);
        }
    }

    private static string FirstSentence(string message)
    {
        var cut = message.IndexOf(". ", StringComparison.Ordinal);
        return (cut > 0 ? message[..cut] : message).TrimEnd('.');
    }

    [GeneratedRegex(@"^[A-Za-z0-9_]+([.-][A-Za-z0-9_]+)*$", RegexOptions.CultureInvariant)]
    private static partial Regex PackageIdPattern();

    [GeneratedRegex("^[0-9a-f]{64}$", RegexOptions.CultureInvariant)]
    private static partial Regex Sha256Pattern();

    private sealed class Walker(string source) : ManifestJsonReader(source)
    {
        public PluginManifest? ReadManifest(JsonElement root)
        {
            if (root.ValueKind != JsonValueKind.Object)
            {
                Error(string.Empty, $"expected a JSON object with the plugin manifest, found {Describe(root)}");
                return null;
            }

            WarnUnknown(root, string.Empty, "schemaVersion", "id", "version", "displayName", "description", "authors", "license", "kinds", "entry", "hostApi", "isolation", "requirements", "variants", "licensing", "certifications", "contributors", "files");

            var schema = Int(root, string.Empty, "schemaVersion", required: false, min: 1) ?? PluginManifest.CurrentSchemaVersion;
            if (schema > PluginManifest.CurrentSchemaVersion)
            {
                Error("schemaVersion", $"the manifest uses schema {schema}, but this host reads schema {PluginManifest.CurrentSchemaVersion} and older; update PluginAI");
            }

            var id = String(root, string.Empty, "id", required: true, "a package id such as Acme.Redaction");
            if (id is not null && (id.Length > 100 || !PackageIdPattern().IsMatch(id)))
            {
                Error("id", $"'{id}' is not a valid plugin id; expected letters, digits and '_' separated by '.' or '-', at most 100 characters, such as Acme.Redaction");
                id = null;
            }

            var version = Version(root, string.Empty, "version", required: true);
            var kinds = Kinds(root);
            var entry = Entry(root, string.Empty, required: true);
            var hostApi = Range(root, string.Empty, "hostApi", required: true);
            var isolationText = Enum(root, string.Empty, "isolation", ["in-process", "out-of-process"]);
            var isolation = isolationText switch
            {
                "out-of-process" => PluginIsolation.OutOfProcess,
                _ => PluginIsolation.InProcess,
            };

            var requirements = Requirements(root, string.Empty);
            var variants = Variants(root);
            var licensing = Licensing(root);
            var certifications = Array(root, string.Empty, "certifications", Certification);
            var contributors = Contributors(root);
            var files = Array(root, string.Empty, "files", FileHash);

            if (id is null || version is null || kinds is null || entry is null || hostApi is null)
            {
                return null;
            }

            return new PluginManifest
            {
                SchemaVersion = schema,
                Id = id,
                Version = version,
                DisplayName = String(root, string.Empty, "displayName", required: false, "a string"),
                Description = String(root, string.Empty, "description", required: false, "a string"),
                Authors = StringArray(root, string.Empty, "authors") ?? [],
                License = String(root, string.Empty, "license", required: false, "an SPDX licence expression such as MIT"),
                Kinds = kinds,
                Entry = entry,
                HostApi = hostApi,
                Isolation = isolation,
                IsolationDeclared = isolationText is not null,
                Requirements = requirements ?? HardwareRequirements.None,
                Variants = variants,
                Licensing = licensing,
                Certifications = certifications,
                Contributors = contributors,
                Files = files,
            };
        }

        private List<PluginKind>? Kinds(JsonElement root)
        {
            if (!Get(root, string.Empty, "kinds", required: true, JsonValueKind.Array, "an array of kinds such as [\"postprocessor\"]", out var array))
            {
                return null;
            }

            var kinds = new List<PluginKind>();
            var i = 0;
            foreach (var item in array.EnumerateArray())
            {
                var path = $"kinds[{i++}]";
                var name = item.ValueKind == JsonValueKind.String ? item.GetString() : null;
                var index = name is null ? -1 : System.Array.IndexOf(s_kindNames, name);
                if (index < 0)
                {
                    Error(path, $"unknown kind {(name is null ? Describe(item) : $"'{name}'")}; expected one of {string.Join(", ", s_kindNames)}");
                    continue;
                }

                if (kinds.Contains((PluginKind)index))
                {
                    Error(path, $"the kind '{name}' is listed twice");
                    continue;
                }

                kinds.Add((PluginKind)index);
            }

            if (i == 0)
            {
                Error("kinds", $"the array is empty; expected at least one of {string.Join(", ", s_kindNames)}");
                return null;
            }

            return kinds.Count == i ? kinds : null;
        }

        private PluginEntryPoint? Entry(JsonElement parent, string parentPath, bool required)
        {
            var path = Join(parentPath, "entry");
            if (!Get(parent, parentPath, "entry", required, JsonValueKind.Object, "an object with \"assembly\" and \"type\"", out var entry))
            {
                return null;
            }

            WarnUnknown(entry, path, "assembly", "type");
            var assembly = String(entry, path, "assembly", required: true, "the entry assembly file name such as Acme.Redaction.dll");
            if (assembly is not null && (!assembly.EndsWith(".dll", StringComparison.OrdinalIgnoreCase) || !IsSafeRelativePath(assembly)))
            {
                Error(Join(path, "assembly"), $"'{assembly}' is not a valid entry assembly; expected a .dll file name inside the plugin folder, such as Acme.Redaction.dll");
                assembly = null;
            }

            var type = String(entry, path, "type", required: true, "the full name of the type that implements PluginAI.IPlugin");
            return assembly is null || type is null ? null : new PluginEntryPoint(assembly, type);
        }

        private HardwareRequirements? Requirements(JsonElement parent, string parentPath)
        {
            var path = Join(parentPath, "requirements");
            if (!Get(parent, parentPath, "requirements", required: false, JsonValueKind.Object, "an object with rids, instructionSets, minRamMb and accelerators", out var element))
            {
                return null;
            }

            WarnUnknown(element, path, "rids", "instructionSets", "minRamMb", "accelerators");
            var isas = StringArray(element, path, "instructionSets") ?? [];
            for (var i = 0; i < isas.Count; i++)
            {
                if (!KnownInstructionSets.Contains(isas[i], StringComparer.OrdinalIgnoreCase))
                {
                    Error($"{path}.instructionSets[{i}]", $"unknown instruction set '{isas[i]}'; expected one of {string.Join(", ", KnownInstructionSets)}");
                }
            }

            return new HardwareRequirements
            {
                RuntimeIdentifiers = StringArray(element, path, "rids") ?? [],
                InstructionSets = isas.Select(s => s.ToLowerInvariant()).ToList(),
                MinRamMb = Long(element, path, "minRamMb", min: 1),
                Accelerators = Array(element, path, "accelerators", Accelerator),
            };
        }

        private AcceleratorRequirement? Accelerator(JsonElement element, string path)
        {
            WarnUnknown(element, path, "type", "api", "minApiVersion", "minVramMb", "vendor");
            var type = Enum(element, path, "type", ["gpu", "npu"], required: true);
            var api = Enum(element, path, "api", AcceleratorRequirement.KnownApis, required: true);
            if (type is null || api is null)
            {
                return null;
            }

            return new AcceleratorRequirement
            {
                Type = type == "gpu" ? AcceleratorType.Gpu : AcceleratorType.Npu,
                Api = api,
                MinApiVersion = Version(element, path, "minApiVersion", required: false),
                MinVramMb = Long(element, path, "minVramMb", min: 1),
                Vendor = String(element, path, "vendor", required: false, "a vendor such as nvidia, amd or intel")?.ToLowerInvariant(),
            };
        }

        private List<PluginVariant> Variants(JsonElement root)
        {
            var variants = Array(root, string.Empty, "variants", (element, path) =>
            {
                WarnUnknown(element, path, "name", "requirements", "path", "entry");
                var name = String(element, path, "name", required: true, "a variant name such as cuda12");
                var folder = String(element, path, "path", required: false, "a sub-folder of the plugin folder");
                if (folder is not null && !IsSafeRelativePath(folder))
                {
                    Error(Join(path, "path"), $"'{folder}' is not a valid variant folder; expected a relative path inside the plugin folder without '..'");
                }

                var entry = element.TryGetProperty("entry", out _) ? Entry(element, path, required: false) : null;
                return name is null ? null : new PluginVariant { Name = name, Requirements = Requirements(element, path) ?? HardwareRequirements.None, Path = folder, Entry = entry };
            });

            for (var i = 0; i < variants.Count; i++)
            {
                if (variants.FindIndex(v => string.Equals(v.Name, variants[i].Name, StringComparison.OrdinalIgnoreCase)) < i)
                {
                    Error($"variants[{i}].name", $"the variant name '{variants[i].Name}' is used twice");
                }
            }

            return variants;
        }

        private LicensingInfo Licensing(JsonElement root)
        {
            if (!Get(root, string.Empty, "licensing", required: false, JsonValueKind.Object, "an object with \"model\" (free, trial or paid)", out var element))
            {
                return LicensingInfo.Free;
            }

            WarnUnknown(element, "licensing", "model", "productCode", "trialDays", "vendorKeyId");
            var model = Enum(element, "licensing", "model", ["free", "trial", "paid"], required: true) switch
            {
                "trial" => LicensingModel.Trial,
                "paid" => LicensingModel.Paid,
                _ => LicensingModel.Free,
            };
            var productCode = String(element, "licensing", "productCode", required: model != LicensingModel.Free, "the vendor's product code that licence files name");
            var trialDays = Int(element, "licensing", "trialDays", required: model == LicensingModel.Trial, min: 1);
            return new LicensingInfo
            {
                Model = model,
                ProductCode = productCode,
                TrialDays = trialDays,
                VendorKeyId = String(element, "licensing", "vendorKeyId", required: false, "the id of the key that signs licences"),
            };
        }

        private CertificationRecord? Certification(JsonElement element, string path)
        {
            WarnUnknown(element, path, "certifier", "pluginId", "versions", "devices", "suiteVersion", "reportSha256", "expires", "keyId", "signature");
            var certifier = String(element, path, "certifier", required: true, "the certifier such as nvidia");
            var pluginId = String(element, path, "pluginId", required: true, "the id of the certified plugin");
            var versions = Range(element, path, "versions", required: true);
            var devices = Array(element, path, "devices", (device, devicePath) =>
            {
                WarnUnknown(device, devicePath, "vendor", "pciIds", "drivers");
                var vendor = String(device, devicePath, "vendor", required: true, "a vendor such as nvidia");
                return vendor is null ? null : new CertifiedDevice
                {
                    Vendor = vendor.ToLowerInvariant(),
                    PciIds = StringArray(device, devicePath, "pciIds") ?? [],
                    Drivers = Range(device, devicePath, "drivers", required: false),
                };
            });
            var sha = String(element, path, "reportSha256", required: false, "a SHA-256 in lower-case hex");
            if (sha is not null && !Sha256Pattern().IsMatch(sha))
            {
                Error(Join(path, "reportSha256"), "expected 64 lower-case hex digits");
            }

            return certifier is null || pluginId is null || versions is null ? null : new CertificationRecord
            {
                Certifier = certifier,
                PluginId = pluginId,
                Versions = versions,
                Devices = devices,
                SuiteVersion = String(element, path, "suiteVersion", required: false, "the conformance suite version"),
                ReportSha256 = sha,
                Expires = Date(element, path, "expires"),
                KeyId = String(element, path, "keyId", required: false, "the id of the signing key"),
                Signature = String(element, path, "signature", required: false, "a base64 signature"),
            };
        }

        private ContributorsSection? Contributors(JsonElement root)
        {
            const string Path = "contributors";
            if (!Get(root, string.Empty, Path, required: false, JsonValueKind.Object, "an object with weights and entries", out var element))
            {
                return null;
            }

            WarnUnknown(element, Path, "since", "until", "weights", "entries");
            double code = 0.6, issues = 0.3, docs = 0.1;
            if (Get(element, Path, "weights", required: false, JsonValueKind.Object, "an object with code, issues and docs weights", out var weights))
            {
                WarnUnknown(weights, "contributors.weights", "code", "issues", "docs");
                code = Double(weights, "contributors.weights", "code") ?? code;
                issues = Double(weights, "contributors.weights", "issues") ?? issues;
                docs = Double(weights, "contributors.weights", "docs") ?? docs;
                if (Math.Abs(code + issues + docs - 1.0) > 1e-6)
                {
                    Error("contributors.weights", string.Create(CultureInfo.InvariantCulture, $"the weights sum to {code + issues + docs:0.######}; expected weights that sum to 1, such as code 0.6, issues 0.3, docs 0.1"));
                }
            }

            var entries = Array(element, Path, "entries", (entry, entryPath) =>
            {
                WarnUnknown(entry, entryPath, "id", "name", "codeCommits", "docCommits", "issues", "linesAdded", "linesRemoved", "share");
                var id = String(entry, entryPath, "id", required: true, "the contributor's identity");
                return id is null ? null : new ContributorEntry
                {
                    Id = id,
                    Name = String(entry, entryPath, "name", required: false, "a display name"),
                    CodeCommits = Int(entry, entryPath, "codeCommits", required: false, min: 0) ?? 0,
                    DocCommits = Int(entry, entryPath, "docCommits", required: false, min: 0) ?? 0,
                    Issues = Int(entry, entryPath, "issues", required: false, min: 0) ?? 0,
                    LinesAdded = Long(entry, entryPath, "linesAdded", min: 0) ?? 0,
                    LinesRemoved = Long(entry, entryPath, "linesRemoved", min: 0) ?? 0,
                    Share = Double(entry, entryPath, "share") ?? 0,
                };
            });

            return new ContributorsSection
            {
                Since = Date(element, Path, "since"),
                Until = Date(element, Path, "until"),
                CodeWeight = code,
                IssuesWeight = issues,
                DocsWeight = docs,
                Entries = entries,
            };
        }

        private PackageFileHash? FileHash(JsonElement element, string path)
        {
            WarnUnknown(element, path, "path", "sha256", "size");
            var file = String(element, path, "path", required: true, "a path relative to the plugin folder");
            if (file is not null && !IsSafeRelativePath(file))
            {
                Error(Join(path, "path"), $"'{file}' is not a safe relative path; expected a path inside the plugin folder without '..'");
                file = null;
            }

            var sha = String(element, path, "sha256", required: true, "a SHA-256 in lower-case hex");
            if (sha is not null && !Sha256Pattern().IsMatch(sha))
            {
                Error(Join(path, "sha256"), "expected 64 lower-case hex digits");
                sha = null;
            }

            var size = Long(element, path, "size", min: 0) ?? 0;
            return file is null || sha is null ? null : new PackageFileHash(file, sha, size);
        }
    }

    internal static bool IsSafeRelativePath(string path) =>
        !Path.IsPathRooted(path)
        && !path.Contains(':', StringComparison.Ordinal)
        && !path.Replace('\\', '/').Split('/').Any(segment => segment is ".." || segment.Length == 0);
}
