using PluginAI.Manifest;

namespace PluginAI.Trust.Content;

/// <summary>Signs plugin manifests: the detached <c>pluginai.sig</c> over the exact bytes of <c>pluginai.json</c>.</summary>
public static class ManifestSigner
{
    /// <summary>Signs manifest bytes.</summary>
    /// <param name="manifestBytes">The exact bytes of <c>pluginai.json</c>.</param>
    /// <param name="key">The publisher key, with its private part.</param>
    /// <returns>The bytes of <c>pluginai.sig</c>.</returns>
    /// <exception cref="TrustException">The key cannot sign.</exception>
    public static byte[] Sign(ReadOnlySpan<byte> manifestBytes, SigningKey key)
    {
        ArgumentNullException.ThrowIfNull(key);
        if (!key.HasPrivateKey)
        {
            throw new TrustException($"Key '{key.Name}' ({key.KeyId}) has no private part; sign with its .key.json file, not its .pub.json file.");
        }

        return SignedEnvelope.Sign(SignedEnvelope.ManifestPayloadType, manifestBytes, key).ToJson();
    }

    /// <summary>Signs the manifest of a plugin folder and writes <c>pluginai.sig</c> beside it.</summary>
    /// <param name="pluginDirectory">The folder holding <c>pluginai.json</c>.</param>
    /// <param name="key">The publisher key, with its private part.</param>
    /// <returns>The path of the signature file.</returns>
    /// <exception cref="TrustException">The folder has no manifest or the key cannot sign.</exception>
    public static string SignDirectory(string pluginDirectory, SigningKey key)
    {
        ArgumentException.ThrowIfNullOrEmpty(pluginDirectory);
        var manifestPath = Path.Combine(pluginDirectory, PluginManifest.FileName);
        if (!File.Exists(manifestPath))
        {
            throw new TrustException($"{manifestPath}: no {PluginManifest.FileName} to sign.");
        }

        var signaturePath = Path.Combine(pluginDirectory, PluginContentSource.SignatureFileName);
        AtomicFile.WriteAllBytes(signaturePath, Sign(File.ReadAllBytes(manifestPath), key));
        return signaturePath;
    }
}
