using PluginAI.Hardware;
using PluginAI.Manifest;
using PluginAI.Manifest.Compatibility;

namespace PluginAI.Registry;

/// <summary>
/// Chooses what to install: the newest version whose <c>hostApi</c> contains this host's plugin API version and whose
/// requirements this machine meets, then the first variant in manifest order that fits (with the base requirements),
/// else the base build. The decisions are the host's own (<see cref="CompatibilityChecker"/>), so what is installed is
/// what the host will load.
/// </summary>
public static class PluginResolver
{
    /// <summary>Finds the candidates of a plugin in the client's sources and resolves them.</summary>
    /// <param name="client">The registry client.</param>
    /// <param name="id">The plugin id.</param>
    /// <param name="versions">A version (<c>1.2.0</c>, taken exactly), a range in NuGet notation (<c>[1.0,2.0)</c>), or <see langword="null"/> for any.</param>
    /// <param name="hardware">This machine.</param>
    /// <param name="hostApiVersion">The host's plugin API version; <see langword="null"/> for <see cref="PluginApi.Version"/>.</param>
    /// <param name="cancellationToken">A token to cancel.</param>
    /// <returns>The resolution.</returns>
    /// <exception cref="RegistryException">The version text is not a version or range.</exception>
    public static async Task<PluginResolution> ResolveAsync(RegistryClient client, string id, string? versions, HardwareProfile hardware, Manifest.SemanticVersion? hostApiVersion = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(client);
        var range = ParseVersions(versions);
        var skipped = new List<string>();
        var candidates = await client.GetCandidatesAsync(id, skipped, cancellationToken).ConfigureAwait(false);
        var resolution = Resolve(id, candidates, range, hardware, hostApiVersion);
        return skipped.Count == 0 ? resolution : resolution with { Explanation = [.. resolution.Explanation, .. skipped] };
    }

    /// <summary>Parses what a user typed after <c>--version</c>: a plain version means exactly that version.</summary>
    /// <param name="versions">The text, or <see langword="null"/>.</param>
    /// <returns>The range, or <see langword="null"/> for any version.</returns>
    /// <exception cref="RegistryException">The text is neither a version nor a range.</exception>
    public static Manifest.VersionRange? ParseVersions(string? versions)
    {
        if (string.IsNullOrWhiteSpace(versions))
        {
            return null;
        }

        var text = versions.Trim();
        if (Manifest.SemanticVersion.TryParse(text, out _))
        {
            text = $"[{text}]";
        }

        return Manifest.VersionRange.TryParse(text, out var range, out var error)
            ? range
            : throw new RegistryException($"'{versions}' is not a version or version range: {error}");
    }

    /// <summary>Resolves a plugin among known candidates.</summary>
    /// <param name="id">The plugin id, for messages.</param>
    /// <param name="candidates">The versions available, in any order.</param>
    /// <param name="versions">The versions asked for, or <see langword="null"/> for any.</param>
    /// <param name="hardware">This machine.</param>
    /// <param name="hostApiVersion">The host's plugin API version; <see langword="null"/> for <see cref="PluginApi.Version"/>.</param>
    /// <returns>The resolution, with a line for each version and build considered.</returns>
    public static PluginResolution Resolve(string id, IEnumerable<PluginPackageCandidate> candidates, Manifest.VersionRange? versions, HardwareProfile hardware, Manifest.SemanticVersion? hostApiVersion = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(id);
        ArgumentNullException.ThrowIfNull(candidates);
        ArgumentNullException.ThrowIfNull(hardware);
        var explanation = new List<string>();
        var ordered = candidates.OrderByDescending(c => c.Version).ToList();
        if (ordered.Count == 0)
        {
            explanation.Add($"{id}: no source has this plugin");
            return new PluginResolution(null, null, null, explanation);
        }

        var wantsPrerelease = versions?.Minimum?.IsPrerelease == true || versions?.Maximum?.IsPrerelease == true;
        foreach (var candidate in ordered)
        {
            var label = $"{candidate.Manifest.Version} ({candidate.SourceName})";
            if (versions is not null && !versions.Contains(candidate.Manifest.Version))
            {
                explanation.Add($"{label}: skipped: outside the requested versions {versions}");
                continue;
            }

            if (candidate.Manifest.Version.IsPrerelease && !wantsPrerelease)
            {
                explanation.Add($"{label}: skipped: a prerelease; ask for it by version to install it");
                continue;
            }

            var report = CompatibilityChecker.Check(candidate.Manifest, hardware, hostApiVersion);
            if (!report.IsCompatible)
            {
                explanation.Add($"{label}: skipped: {string.Join("; ", report.Problems)}");
                continue;
            }

            explanation.Add($"{label}: chosen: the newest version that fits this host and machine");
            explanation.AddRange(ExplainBuilds(candidate.Manifest, report));
            return new PluginResolution(candidate, report.SelectedVariant, report, explanation);
        }

        explanation.Add($"{id}: no version fits this host and machine");
        return new PluginResolution(null, null, null, explanation);
    }

    /// <summary>Explains the build decisions of a compatible plugin: each variant in manifest order, then the base build.</summary>
    /// <param name="manifest">The manifest.</param>
    /// <param name="report">The host's report for it.</param>
    /// <returns>A line per build.</returns>
    public static IReadOnlyList<string> ExplainBuilds(PluginManifest manifest, CompatibilityReport report)
    {
        ArgumentNullException.ThrowIfNull(manifest);
        ArgumentNullException.ThrowIfNull(report);
        var lines = new List<string>();
        foreach (var decision in report.Decisions)
        {
            var name = decision.Build == "base" ? "base (cpu) build" : $"variant {decision.Build}";
            lines.Add(decision switch
            {
                { Chosen: true } => $"  {name}: fits this machine → chosen",
                { Fits: true } when decision.Build == "base" => $"  {name}: fits, but variant {report.SelectedVariant} comes first",
                { Fits: true } => $"  {name}: fits, but variant {report.SelectedVariant} comes first in the manifest",
                _ => $"  {name}: {string.Join("; ", decision.Problems)} → skipped",
            });
        }

        if (report.Decisions.Count > 1 && report.SelectedVariant is null)
        {
            lines.Add("  no variant fits → base (cpu) build");
        }

        lines.AddRange(report.Notes.Select(n => $"  note: {n}"));
        return lines;
    }
}
