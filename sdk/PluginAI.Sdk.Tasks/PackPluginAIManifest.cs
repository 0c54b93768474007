using System.Globalization;
using System.Security.Cryptography;
using Microsoft.Build.Framework;
using Microsoft.Build.Utilities;
using PluginAI.Contributors;
using PluginAI.Manifest;

namespace PluginAI.Sdk.Tasks;

/// <summary>
/// Writes the packed manifest: the manifest in use with the SHA-256 and size of every file that goes under
/// <c>plugin/</c> in the package and, optionally, the contributor statistics of the repository.
/// </summary>
/// <remarks>
/// Errors: the manifest errors of <see cref="ValidatePluginAIManifest"/>, PAI1030 (no manifest), PAI1031 (the manifest id
/// is not the package id), PAI1032 (the manifest version is not the package version), PAI1033 (a file cannot be read),
/// PAI1040 (contributor statistics failed: not a repository, git failed, bad weights, date or issues file). Warning
/// PAI1041: the repository is a shallow clone, so the statistics cover part of the history.
/// </remarks>
public sealed class PackPluginAIManifest : Microsoft.Build.Utilities.Task
{
    /// <summary>Gets or sets the manifest in use, hand-written or generated.</summary>
    [Required]
    public string ManifestFile { get; set; } = string.Empty;

    /// <summary>Gets or sets a value indicating whether the manifest was generated from properties.</summary>
    public bool Generated { get; set; }

    /// <summary>Gets or sets the plugin folder the files are relative to (the build output folder).</summary>
    [Required]
    public string PluginDirectory { get; set; } = string.Empty;

    /// <summary>Gets or sets the files that go under <c>plugin/</c>.</summary>
    [Required]
    public ITaskItem[] Files { get; set; } = [];

    /// <summary>Gets or sets where to write the packed manifest; its file name must be <c>pluginai.json</c>.</summary>
    [Required]
    public string OutputFile { get; set; } = string.Empty;

    /// <summary>Gets or sets the package id, which must equal the manifest id.</summary>
    public string? PackageId { get; set; }

    /// <summary>Gets or sets the package version, which must equal the manifest version.</summary>
    public string? PackageVersion { get; set; }

    /// <summary>Gets or sets whether to record contributor statistics: <c>true</c>, <c>false</c>, or empty to record them when the project is in a git work tree with history.</summary>
    public string? RecordContributors { get; set; }

    /// <summary>Gets or sets a folder inside the git repository to read.</summary>
    public string? ContributorsRepository { get; set; }

    /// <summary>Gets or sets the start of the period, an ISO 8601 date.</summary>
    public string? ContributorsSince { get; set; }

    /// <summary>Gets or sets an issues export (GitHub issues JSON or <c>login,created_at</c> CSV).</summary>
    public string? ContributorsIssues { get; set; }

    /// <summary>Gets or sets the weights, such as <c>code=0.6,issues=0.3,docs=0.1</c>.</summary>
    public string? ContributorsWeights { get; set; }

    /// <summary>Gets or sets the project file, where errors in a generated manifest are reported.</summary>
    public string? ProjectFile { get; set; }

    /// <summary>Gets or sets the <c>PluginAIAccelerator</c> items, to name them in errors.</summary>
    public ITaskItem[] Accelerators { get; set; } = [];

    /// <summary>Gets or sets the <c>PluginAIVariant</c> items, to name them in errors.</summary>
    public ITaskItem[] Variants { get; set; } = [];

    /// <summary>Gets the files to pack with their <c>PackagePath</c> metadata: the plugin files under <c>plugin/</c> and the manifest at the root.</summary>
    [Output]
    public ITaskItem[] PackageFiles { get; private set; } = [];

    /// <summary>Gets the kinds the manifest declares, in lower case.</summary>
    [Output]
    public string[] Kinds { get; private set; } = [];

    /// <inheritdoc />
    public override bool Execute()
    {
        var project = string.IsNullOrEmpty(ProjectFile) ? BuildEngine?.ProjectFileOfTaskNode ?? string.Empty : ProjectFile;
        var diagnostics = new ManifestDiagnostics(Log, project, Generated, Accelerators, Variants);
        if (!File.Exists(ManifestFile))
        {
            diagnostics.Error("PAI1030", $"there is no manifest to pack: add {PluginManifest.FileName} next to the project, or set PluginAIEntryType (and PluginAIKinds) to generate one");
            return false;
        }

        var result = ManifestReader.ReadFileAsync(ManifestFile).GetAwaiter().GetResult();
        if (!diagnostics.Report(result))
        {
            return false;
        }

        var manifest = result.Manifest!;
        CheckPackageIdentity(manifest, diagnostics);
        var files = Hash(out var packageFiles);
        var contributors = Contributors(project);
        if (Log.HasLoggedErrors)
        {
            return false;
        }

        var packed = manifest with { Files = files, Contributors = contributors ?? manifest.Contributors };
        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(OutputFile))!);
        ManifestWriter.WriteFileAsync(packed, OutputFile).GetAwaiter().GetResult();

        var manifestItem = new TaskItem(Path.GetFullPath(OutputFile));
        manifestItem.SetMetadata("PackagePath", "/");
        manifestItem.SetMetadata("Pack", "true");
        packageFiles.Add(manifestItem);
        PackageFiles = [.. packageFiles];
        Kinds = [.. manifest.Kinds.Select(k => k.ToString().ToLowerInvariant())];
        return true;
    }

    private void CheckPackageIdentity(PluginManifest manifest, ManifestDiagnostics diagnostics)
    {
        if (!string.IsNullOrEmpty(PackageId) && !string.Equals(manifest.Id, PackageId, StringComparison.OrdinalIgnoreCase))
        {
            diagnostics.Error("PAI1031", new ManifestError(ManifestFile, "id", $"the manifest id '{manifest.Id}' is not the package id '{PackageId}'; set PackageId or the manifest id so they match"));
        }

        if (!string.IsNullOrEmpty(PackageVersion) && !string.Equals(manifest.Version.ToString(), PackageVersion, StringComparison.OrdinalIgnoreCase))
        {
            diagnostics.Error("PAI1032", new ManifestError(ManifestFile, "version", $"the manifest version '{manifest.Version}' is not the package version '{PackageVersion}'; set Version or the manifest version so they match"));
        }
    }

    private List<PackageFileHash> Hash(out List<ITaskItem> packageFiles)
    {
        var root = Path.GetFullPath(PluginDirectory);
        var hashes = new List<PackageFileHash>();
        packageFiles = [];
        foreach (var file in Files.Select(f => Path.GetFullPath(f.ItemSpec)).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal))
        {
            var relative = Path.GetRelativePath(root, file).Replace('\\', '/');
            if (relative.StartsWith("../", StringComparison.Ordinal) || Path.IsPathRooted(relative))
            {
                Log.LogError(null, "PAI1033", null, file, 0, 0, 0, 0, $"the file is outside the plugin folder {root}");
                continue;
            }

            if (relative == PluginManifest.FileName)
            {
                // The packed manifest goes to the package root; the installer puts it next to the entry assembly.
                continue;
            }

            try
            {
                using var stream = File.OpenRead(file);
                var sha = Convert.ToHexStringLower(SHA256.HashData(stream));
                hashes.Add(new PackageFileHash(relative, sha, stream.Length));
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                Log.LogError(null, "PAI1033", null, file, 0, 0, 0, 0, $"cannot read the file to hash it: {ex.Message}");
                continue;
            }

            var directory = Path.GetDirectoryName(relative)?.Replace('\\', '/');
            var item = new TaskItem(file);
            item.SetMetadata("PackagePath", string.IsNullOrEmpty(directory) ? "plugin/" : $"plugin/{directory}/");
            item.SetMetadata("Pack", "true");
            packageFiles.Add(item);
        }

        hashes.Sort((a, b) => string.CompareOrdinal(a.Path, b.Path));
        return hashes;
    }

    private ContributorsSection? Contributors(string project)
    {
        var record = RecordContributors?.Trim();
        if (string.Equals(record, "false", StringComparison.OrdinalIgnoreCase))
        {
            return null;
        }

        var required = string.Equals(record, "true", StringComparison.OrdinalIgnoreCase);
        var repository = string.IsNullOrWhiteSpace(ContributorsRepository) ? Path.GetDirectoryName(project) ?? "." : ContributorsRepository;
        try
        {
            DateTimeOffset? since = null;
            if (!string.IsNullOrWhiteSpace(ContributorsSince))
            {
                if (!DateTimeOffset.TryParse(ContributorsSince, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var date))
                {
                    Log.LogError(null, "PAI1040", null, project, 0, 0, 0, 0, $"PluginAIContributorsSince: '{ContributorsSince}' is not a date; expected an ISO 8601 date such as 2026-01-31");
                    return null;
                }

                since = date;
            }

            var weights = string.IsNullOrWhiteSpace(ContributorsWeights) ? ContributionWeights.Default : ContributionWeights.Parse(ContributorsWeights);
            var options = new ContributorStatisticsOptions { Since = since };
            ContributorAnalysis analysis;
            try
            {
                analysis = ContributorAnalysis.RunAsync(repository, weights, options, string.IsNullOrWhiteSpace(ContributorsIssues) ? null : ContributorsIssues).GetAwaiter().GetResult();
            }
            catch (PluginException ex) when (!required && ex.ErrorCode == "contributors.not-a-repository")
            {
                Log.LogMessage(MessageImportance.Low, "Contributor statistics not recorded: {0}", ex.Message);
                return null;
            }

            if (analysis.History.CommitsRead == 0 && !required)
            {
                Log.LogMessage(MessageImportance.Low, "Contributor statistics not recorded: the repository has no commits");
                return null;
            }

            if (analysis.History.IsShallow)
            {
                Log.LogWarning(null, "PAI1041", null, project, 0, 0, 0, 0, $"the repository at {repository} is a shallow clone, so the contributor statistics cover only part of its history; fetch the full history (git fetch --unshallow) before packing, or set PluginAIRecordContributors to false");
            }

            Log.LogMessage(MessageImportance.Normal, "Recorded the statistics of {0} contributors from {1} commits", analysis.Scores.Count, analysis.History.CommitsRead);
            return analysis.ToManifestSection();
        }
        catch (Exception ex) when (ex is PluginException or IOException or InvalidDataException or UnauthorizedAccessException)
        {
            Log.LogError(null, "PAI1040", null, project, 0, 0, 0, 0, $"cannot record contributor statistics (PluginAIRecordContributors): {ex.Message}");
            return null;
        }
    }
}
