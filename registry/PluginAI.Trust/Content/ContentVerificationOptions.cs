using PluginAI.Manifest;

namespace PluginAI.Trust.Content;

/// <summary>How a plugin's content is verified.</summary>
public sealed record ContentVerificationOptions
{
    /// <summary>Gets the default options: signature required unless the policy allows unsigned plugins, every listed file present.</summary>
    public static ContentVerificationOptions Default { get; } = new();

    /// <summary>Gets a value indicating whether unsigned, untrusted or unpacked plugins are let through (<c>--allow-unsigned</c>); the policy's own setting counts too.</summary>
    public bool AllowUnsigned { get; init; }

    /// <summary>
    /// Gets which files listed in the manifest must be present, given the manifest and the file's path; <see langword="null"/> means all.
    /// A listed file that is present is always verified.
    /// </summary>
    public Func<PluginManifest, string, bool>? ExpectPresent { get; init; }

    /// <summary>
    /// Gets a value indicating whether every file's size and SHA-256 are checked (the default). Off, only the signature
    /// and the manifest are: for callers that check each file themselves as they use it, such as an installer that
    /// hashes while it extracts, so the files are not read twice.
    /// </summary>
    public bool HashFiles { get; init; } = true;

    /// <summary>Gets the total size in bytes above which files are hashed in parallel.</summary>
    public long ParallelThresholdBytes { get; init; } = 4 * 1024 * 1024;

    /// <summary>Gets the most files hashed at once; 0 means the processor count.</summary>
    public int MaxDegreeOfParallelism { get; init; }

    /// <summary>
    /// Creates the rule of an installation that holds the base files plus one variant's sub-folder: files under the
    /// <c>path</c> of any other variant may be absent.
    /// </summary>
    /// <param name="variant">The installed variant's name, or <see langword="null"/> for the base build alone.</param>
    /// <returns>The predicate for <see cref="ExpectPresent"/>.</returns>
    public static Func<PluginManifest, string, bool> BaseAndVariant(string? variant) => (manifest, path) =>
    {
        ArgumentNullException.ThrowIfNull(manifest);
        ArgumentNullException.ThrowIfNull(path);
        var chosen = variant is null ? null : manifest.Variants.FirstOrDefault(v => string.Equals(v.Name, variant, StringComparison.Ordinal));
        if (chosen?.Path is { } chosenPath && IsUnder(path, chosenPath))
        {
            return true;
        }

        return !manifest.Variants.Any(v => v.Path is { } other && !ReferenceEquals(v, chosen) && IsUnder(path, other));
    };

    private static bool IsUnder(string path, string folder)
    {
        var prefix = folder.Replace('\\', '/').Trim('/');
        return prefix.Length > 0 && path.Length > prefix.Length && path[prefix.Length] == '/' && path.StartsWith(prefix, StringComparison.Ordinal);
    }
}
