using System.Security.Cryptography;

namespace PluginAI.Backends.Onnx.Internal;

/// <summary>SHA-256 of files, as lower-case hex.</summary>
internal static class FileHashing
{
    /// <summary>Computes the SHA-256 of a file.</summary>
    /// <param name="path">The file.</param>
    /// <param name="cancellationToken">A token to cancel the read.</param>
    /// <returns>The hash in lower-case hex.</returns>
    public static async Task<string> Sha256Async(string path, CancellationToken cancellationToken)
    {
        var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, bufferSize: 1 << 20, FileOptions.Asynchronous | FileOptions.SequentialScan);
        await using (stream.ConfigureAwait(false))
        {
            return Convert.ToHexStringLower(await SHA256.HashDataAsync(stream, cancellationToken).ConfigureAwait(false));
        }
    }

    /// <summary>Computes the SHA-256 of a file, or returns <see langword="null"/> when it does not exist or cannot be read.</summary>
    /// <param name="path">The file.</param>
    /// <param name="cancellationToken">A token to cancel the read.</param>
    /// <returns>The hash in lower-case hex, or <see langword="null"/>.</returns>
    public static async Task<string?> TrySha256Async(string path, CancellationToken cancellationToken)
    {
        try
        {
            return File.Exists(path) ? await Sha256Async(path, cancellationToken).ConfigureAwait(false) : null;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }
}
