using System.Buffers;
using System.Security.Cryptography;
using System.Text;
using PluginAI.Manifest;

namespace PluginAI.Trust.Content;

/// <summary>
/// Verifies a plugin, installed or packaged, against its publisher signature and the SHA-256 and size of every file its
/// manifest lists. A signature that does not match its manifest, and a file that differs from the manifest, are always
/// refused; an unsigned plugin, one signed by a key this machine does not trust, and one whose manifest lists no files,
/// are refused unless unsigned plugins are allowed.
/// </summary>
public static class PluginContentVerifier
{
    private const int BufferSize = 128 * 1024;

    /// <summary>Verifies an installed plugin folder.</summary>
    /// <param name="directory">The plugin folder holding <c>pluginai.json</c>.</param>
    /// <param name="policy">The trust policy.</param>
    /// <param name="options">The options; <see langword="null"/> for <see cref="ContentVerificationOptions.Default"/>.</param>
    /// <param name="ignoredFileNames">Files at the top of the folder that are not part of the plugin, such as the install receipt.</param>
    /// <param name="cancellationToken">A token to cancel hashing.</param>
    /// <returns>The result.</returns>
    /// <exception cref="TrustException">The folder or its manifest does not exist.</exception>
    public static ContentVerificationResult VerifyDirectory(string directory, TrustPolicy policy, ContentVerificationOptions? options = null, IEnumerable<string>? ignoredFileNames = null, CancellationToken cancellationToken = default) =>
        Verify(PluginContentSource.FromDirectory(directory, ignoredFileNames), policy, options, cancellationToken);

    /// <summary>Verifies a plugin's content: its signature, then every file against the manifest.</summary>
    /// <param name="content">The plugin's manifest, signature and files.</param>
    /// <param name="policy">The trust policy.</param>
    /// <param name="options">The options; <see langword="null"/> for <see cref="ContentVerificationOptions.Default"/>.</param>
    /// <param name="cancellationToken">A token to cancel hashing.</param>
    /// <returns>The result; problems are reported in it, not thrown.</returns>
    public static ContentVerificationResult Verify(PluginContentSource content, TrustPolicy policy, ContentVerificationOptions? options = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(content);
        ArgumentNullException.ThrowIfNull(policy);
        options ??= ContentVerificationOptions.Default;
        var read = ManifestReader.Parse(DecodeUtf8(content.ManifestBytes.Span), PluginManifest.FileName);
        var manifest = read.Manifest;
        Func<string, bool> expectPresent = manifest is null || options.ExpectPresent is not { } expect ? static _ => true : path => expect(manifest, path);
        return Verify(content, PluginManifest.FileName, manifest?.Files, [.. read.Errors.Select(e => e.ToString())], manifest, expectPresent, policy, options, cancellationToken);
    }

    /// <summary>
    /// Verifies content whose manifest is not a plugin manifest, such as a model package's <c>pluginai-model.json</c>:
    /// the same signature rules as a plugin's, then every file against the list the caller read from the signed manifest.
    /// </summary>
    /// <param name="content">The manifest bytes, signature and files.</param>
    /// <param name="manifestFileName">The manifest's file name, for messages.</param>
    /// <param name="files">The files the manifest lists, or <see langword="null"/> when it could not be read.</param>
    /// <param name="manifestErrors">Why the manifest could not be read; empty when it could.</param>
    /// <param name="policy">The trust policy.</param>
    /// <param name="options">The options; <see langword="null"/> for <see cref="ContentVerificationOptions.Default"/>. <see cref="ContentVerificationOptions.ExpectPresent"/> does not apply.</param>
    /// <param name="cancellationToken">A token to cancel hashing.</param>
    /// <returns>The result, with no plugin manifest; problems are reported in it, not thrown.</returns>
    public static ContentVerificationResult VerifyFileList(PluginContentSource content, string manifestFileName, IReadOnlyList<PackageFileHash>? files, IReadOnlyList<string> manifestErrors, TrustPolicy policy, ContentVerificationOptions? options = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(content);
        ArgumentException.ThrowIfNullOrEmpty(manifestFileName);
        ArgumentNullException.ThrowIfNull(manifestErrors);
        ArgumentNullException.ThrowIfNull(policy);
        return Verify(content, manifestFileName, files, manifestErrors, null, static _ => true, policy, options ?? ContentVerificationOptions.Default, cancellationToken);
    }

    private static ContentVerificationResult Verify(PluginContentSource content, string manifestName, IReadOnlyList<PackageFileHash>? files, IReadOnlyList<string> manifestErrors, PluginManifest? manifest, Func<string, bool> expectPresent, TrustPolicy policy, ContentVerificationOptions options, CancellationToken cancellationToken)
    {
        var allow = options.AllowUnsigned || policy.AllowUnsigned;
        var allowedBy = options.AllowUnsigned ? "--allow-unsigned" : $"allowUnsigned in {policy.Path ?? "the trust policy"}";
        var problems = new List<ContentProblem>();

        var publisher = VerifySignature(content, manifestName, policy, allow, allowedBy, problems);

        var verified = 0;
        if (files is null)
        {
            problems.AddRange(manifestErrors.Select(e => new ContentProblem(manifestName, $"not a valid manifest: {e}")));
        }
        else if (files.Count == 0)
        {
            problems.Add(new ContentProblem(
                manifestName,
                allow
                    ? $"not packed: the manifest lists no files, so they were not checked (allowed by {allowedBy})"
                    : "not packed: the manifest lists no files, so their content cannot be checked; pack the plugin with 'dotnet pack', or pass --allow-unsigned to accept it",
                allow));
        }
        else if (options.HashFiles)
        {
            verified = VerifyFiles(content, files, expectPresent, options, problems, cancellationToken);
        }

        var status = problems.Any(p => !p.Allowed)
            ? ContentVerificationStatus.Refused
            : problems.Count > 0 || publisher is null ? ContentVerificationStatus.AllowedUnverified : ContentVerificationStatus.Trusted;
        return new ContentVerificationResult(content.Source, status, publisher, manifest, problems, verified, options.HashFiles);
    }

    /// <summary>Computes the entry a manifest's <c>files</c> list holds for a file, reading the stream to its end.</summary>
    /// <param name="path">The path relative to the plugin folder, with forward slashes.</param>
    /// <param name="content">The file's content.</param>
    /// <param name="cancellationToken">A token to cancel hashing.</param>
    /// <returns>The path, SHA-256 in lower-case hex and size.</returns>
    public static PackageFileHash ComputeFileHash(string path, Stream content, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        ArgumentNullException.ThrowIfNull(content);
        var (sha, size) = Hash(content, cancellationToken);
        return new PackageFileHash(path, sha, size);
    }

    private static TrustedKey? VerifySignature(PluginContentSource content, string manifestName, TrustPolicy policy, bool allow, string allowedBy, List<ContentProblem> problems)
    {
        const string SigName = PluginContentSource.SignatureFileName;
        if (content.SignatureBytes is not { } signatureBytes)
        {
            problems.Add(allow
                ? new ContentProblem(SigName, $"unsigned (allowed by {allowedBy})", Allowed: true)
                : new ContentProblem(SigName, "the plugin is not signed; ask its publisher for a signed package, or pass --allow-unsigned to accept unsigned plugins"));
            return null;
        }

        SignedEnvelope envelope;
        try
        {
            envelope = SignedEnvelope.Parse(signatureBytes.Span, SigName);
        }
        catch (TrustException ex)
        {
            problems.Add(new ContentProblem(SigName, Strip(ex.Message, SigName)));
            return null;
        }

        if (envelope.PayloadType != SignedEnvelope.ManifestPayloadType)
        {
            problems.Add(new ContentProblem(SigName, $"the envelope holds '{envelope.PayloadType}', expected a manifest signature '{SignedEnvelope.ManifestPayloadType}'"));
            return null;
        }

        if (!envelope.Payload.Span.SequenceEqual(content.ManifestBytes.Span))
        {
            problems.Add(new ContentProblem(SigName, $"the signed manifest differs from {manifestName}; the manifest was altered after it was signed"));
            return null;
        }

        if (policy.Find(envelope.KeyId) is { } known && !MatchesKey(envelope, known))
        {
            problems.Add(new ContentProblem(SigName, $"the signature by key {envelope.KeyId} ({known.Name}) does not match {manifestName}; it was altered or signed with another key"));
            return null;
        }

        try
        {
            return envelope.Verify(policy, SignedEnvelope.ManifestPayloadType, KeyRole.Publisher, SigName);
        }
        catch (TrustException ex)
        {
            var reason = Strip(ex.Message, SigName);
            problems.Add(allow
                ? new ContentProblem(SigName, $"untrusted key {envelope.KeyId} (allowed by {allowedBy}): {reason}", Allowed: true)
                : new ContentProblem(SigName, reason));
            return null;
        }
    }

    private static bool MatchesKey(SignedEnvelope envelope, TrustedKey known)
    {
        try
        {
            using var key = known.CreateKey();
            return envelope.IsSignedBy(key);
        }
        catch (TrustException)
        {
            return false;
        }
    }

    private static int VerifyFiles(PluginContentSource content, IReadOnlyList<PackageFileHash> files, Func<string, bool> expectPresent, ContentVerificationOptions options, List<ContentProblem> problems, CancellationToken cancellationToken)
    {
        string Display(string path) => content.DisplayPrefix + path;

        var listed = new Dictionary<string, PackageFileHash>(files.Count, StringComparer.Ordinal);
        foreach (var file in files)
        {
            if (!listed.TryAdd(file.Path, file))
            {
                problems.Add(new ContentProblem(Display(file.Path), "listed more than once in the manifest"));
            }
        }

        var present = new Dictionary<string, PackageContentEntry>(content.Files.Count, StringComparer.Ordinal);
        var folded = new HashSet<string>(content.Files.Count, StringComparer.OrdinalIgnoreCase);
        foreach (var entry in content.Files)
        {
            if (!folded.Add(entry.Path))
            {
                problems.Add(new ContentProblem(Display(entry.Path), "appears more than once (the same path, or paths that differ only in letter case)"));
                continue;
            }

            present[entry.Path] = entry;
            if (!listed.ContainsKey(entry.Path))
            {
                problems.Add(new ContentProblem(Display(entry.Path), "not listed in the manifest"));
            }
        }

        var toHash = new List<(PackageFileHash Expected, PackageContentEntry Entry)>();
        long total = 0;
        foreach (var expected in listed.Values)
        {
            if (!present.TryGetValue(expected.Path, out var entry))
            {
                if (expectPresent(expected.Path))
                {
                    problems.Add(new ContentProblem(Display(expected.Path), "listed in the manifest but missing"));
                }

                continue;
            }

            if (entry.Length != expected.Size)
            {
                problems.Add(new ContentProblem(Display(expected.Path), SizeMessage(entry.Length, expected.Size)));
                continue;
            }

            toHash.Add((expected, entry));
            total += entry.Length;
        }

        var outcomes = new ContentProblem?[toHash.Count];
        void Check(int i)
        {
            var (expected, entry) = toHash[i];
            try
            {
                using var stream = entry.Open();
                var (sha, size) = Hash(stream, cancellationToken);
                outcomes[i] = size != expected.Size
                    ? new ContentProblem(Display(expected.Path), SizeMessage(size, expected.Size))
                    : !string.Equals(sha, expected.Sha256, StringComparison.OrdinalIgnoreCase)
                        ? new ContentProblem(Display(expected.Path), $"SHA-256 is {Short(sha)}, the manifest says {Short(expected.Sha256)}; the file was altered or corrupted")
                        : null;
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or InvalidDataException)
            {
                outcomes[i] = new ContentProblem(Display(expected.Path), $"cannot be read: {ex.Message}");
            }
        }

        if (toHash.Count > 1 && total >= options.ParallelThresholdBytes)
        {
            var parallel = new ParallelOptions
            {
                CancellationToken = cancellationToken,
                MaxDegreeOfParallelism = options.MaxDegreeOfParallelism > 0 ? options.MaxDegreeOfParallelism : Environment.ProcessorCount,
            };
            Parallel.For(0, toHash.Count, parallel, Check);
        }
        else
        {
            for (var i = 0; i < toHash.Count; i++)
            {
                Check(i);
            }
        }

        var verified = 0;
        foreach (var outcome in outcomes)
        {
            if (outcome is null)
            {
                verified++;
            }
            else
            {
                problems.Add(outcome);
            }
        }

        problems.Sort((a, b) => a.Allowed != b.Allowed ? a.Allowed.CompareTo(b.Allowed) : string.CompareOrdinal(a.Path, b.Path));
        return verified;
    }

    private static (string Sha256, long Size) Hash(Stream stream, CancellationToken cancellationToken)
    {
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        var buffer = ArrayPool<byte>.Shared.Rent(BufferSize);
        long size = 0;
        try
        {
            int read;
            while ((read = stream.Read(buffer, 0, buffer.Length)) > 0)
            {
                cancellationToken.ThrowIfCancellationRequested();
                hash.AppendData(buffer, 0, read);
                size += read;
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }

        Span<byte> digest = stackalloc byte[32];
        hash.GetHashAndReset(digest);
        return (Convert.ToHexStringLower(digest), size);
    }

    private static string SizeMessage(long actual, long expected) => $"size is {actual} bytes, the manifest says {expected} bytes";

    private static string Short(string hex) => hex.Length > 16 ? hex[..16] + "…" : hex;

    private static string Strip(string message, string source) =>
        message.StartsWith(source + ": ", StringComparison.Ordinal) ? message[(source.Length + 2)..] : message;

    private static string DecodeUtf8(ReadOnlySpan<byte> bytes)
    {
        ReadOnlySpan<byte> bom = [0xEF, 0xBB, 0xBF];
        return Encoding.UTF8.GetString(bytes.StartsWith(bom) ? bytes[3..] : bytes);
    }
}
