using PluginAI.Manifest;

namespace PluginAI.Trust.Content;

/// <summary>The outcome of verifying a plugin's content against its signature and manifest.</summary>
public sealed class ContentVerificationResult
{
    internal ContentVerificationResult(string source, ContentVerificationStatus status, TrustedKey? publisher, PluginManifest? manifest, IReadOnlyList<ContentProblem> problems, int filesVerified, bool filesHashed = true)
    {
        FilesHashed = filesHashed;
        Source = source;
        Status = status;
        Publisher = publisher;
        Manifest = manifest;
        Problems = problems;
        FilesVerified = filesVerified;
    }

    /// <summary>Gets the folder or package verified.</summary>
    public string Source { get; }

    /// <summary>Gets the verdict.</summary>
    public ContentVerificationStatus Status { get; }

    /// <summary>Gets a value indicating whether the plugin may be installed or loaded.</summary>
    public bool IsAccepted => Status != ContentVerificationStatus.Refused;

    /// <summary>Gets the trusted publisher key that signed the manifest, or <see langword="null"/>.</summary>
    public TrustedKey? Publisher { get; }

    /// <summary>Gets the parsed manifest, or <see langword="null"/> when it is not valid.</summary>
    public PluginManifest? Manifest { get; }

    /// <summary>Gets every problem found, the ones let through by <c>--allow-unsigned</c> included (<see cref="ContentProblem.Allowed"/>).</summary>
    public IReadOnlyList<ContentProblem> Problems { get; }

    /// <summary>Gets the number of files whose size and SHA-256 matched the manifest.</summary>
    public int FilesVerified { get; }

    /// <summary>Gets a value indicating whether the files were checked; <see langword="false"/> when <see cref="ContentVerificationOptions.HashFiles"/> was off and the caller checks them itself.</summary>
    public bool FilesHashed { get; }

    /// <summary>Gets a one-line summary, such as <c>signed by acme-publisher (3f2a…), 12 files verified</c>.</summary>
    public string Summary => Status switch
    {
        ContentVerificationStatus.Trusted when !FilesHashed => $"{Source}: signed by {Publisher!.Name} ({Publisher.KeyId})",
        ContentVerificationStatus.Trusted => $"{Source}: signed by {Publisher!.Name} ({Publisher.KeyId}), {FilesVerified} file{(FilesVerified == 1 ? string.Empty : "s")} verified",
        ContentVerificationStatus.AllowedUnverified => $"{Source}: {string.Join("; ", Problems.Where(p => p.Allowed).Select(p => p.Message))}",
        _ => $"{Source}: refused: {string.Join("; ", Problems.Where(p => !p.Allowed))}",
    };

    /// <summary>Returns the result when accepted, or throws a <see cref="TrustException"/> listing the problems.</summary>
    /// <returns>This result.</returns>
    /// <exception cref="TrustException">The plugin was refused.</exception>
    public ContentVerificationResult EnsureAccepted() => IsAccepted ? this : throw new TrustException(
        $"{Source}: refused:{Environment.NewLine}  {string.Join(Environment.NewLine + "  ", Problems.Where(p => !p.Allowed))}");
}
