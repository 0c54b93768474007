namespace PluginAI.Trust;

/// <summary>A key pair in a <see cref="KeyStore"/>.</summary>
/// <param name="Name">The key's name, or the file name when the file cannot be read.</param>
/// <param name="KeyId">The key id, or <see langword="null"/> when the file cannot be read.</param>
/// <param name="File">The key file.</param>
/// <param name="Problem">Why the file cannot be read, or <see langword="null"/>.</param>
public sealed record KeyStoreEntry(string Name, string? KeyId, string File, string? Problem);
