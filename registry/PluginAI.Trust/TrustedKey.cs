namespace PluginAI.Trust;

/// <summary>A key in the trust policy: whose it is, what it may sign, and whether it was revoked.</summary>
public sealed record TrustedKey
{
    /// <summary>Gets the key id.</summary>
    public required string KeyId { get; init; }

    /// <summary>Gets the key's name.</summary>
    public required string Name { get; init; }

    /// <summary>Gets what the key may sign.</summary>
    public required KeyRole Roles { get; init; }

    /// <summary>Gets the DER SubjectPublicKeyInfo.</summary>
    public required byte[] PublicKey { get; init; }

    /// <summary>Gets when the key was added to the policy.</summary>
    public DateTimeOffset Added { get; init; }

    /// <summary>Gets when the key was revoked, or <see langword="null"/>.</summary>
    public DateTimeOffset? Revoked { get; init; }

    /// <summary>Creates a verification key.</summary>
    /// <returns>The key.</returns>
    public SigningKey CreateKey() => SigningKey.FromPublicKey(Name, PublicKey);

    /// <summary>Formats roles as the policy file spells them.</summary>
    /// <param name="roles">The roles.</param>
    /// <returns>For example <c>publisher, certifier</c>.</returns>
    public static string FormatRoles(KeyRole roles) =>
        roles == KeyRole.None
            ? "nothing"
            : string.Join(", ", Enum.GetValues<KeyRole>().Where(r => r != KeyRole.None && roles.HasFlag(r)).Select(r => r.ToString().ToLowerInvariant()));
}
