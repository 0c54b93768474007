namespace PluginAI.Registry;

/// <summary>The publisher a plugin id is pinned to: only packages signed by this key install or update the plugin.</summary>
/// <param name="Id">The plugin id.</param>
/// <param name="KeyId">The fingerprint of the publisher key.</param>
/// <param name="Name">The key's name when it was pinned, or <see langword="null"/> when it was not in the trust policy.</param>
/// <param name="Pinned">When it was pinned.</param>
/// <param name="Explicit">Whether the user pinned it (<c>pluginai plugins pin</c>) rather than the first install.</param>
public sealed record PublisherPin(string Id, string KeyId, string? Name, DateTimeOffset Pinned, bool Explicit)
{
    /// <summary>Gets the publisher as people read it: <c>name (key id)</c>, or the key id alone.</summary>
    public string Display => Name is null ? KeyId : $"{Name} ({KeyId})";
}
