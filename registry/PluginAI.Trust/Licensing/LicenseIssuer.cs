namespace PluginAI.Trust.Licensing;

/// <summary>Issues licences: signs licence claims with a vendor key.</summary>
public static class LicenceIssuer
{
    /// <summary>Signs licence claims.</summary>
    /// <param name="key">The vendor key, with its private part.</param>
    /// <param name="claims">What the licence grants.</param>
    /// <returns>The licence envelope; <see cref="SignedEnvelope.ToJson"/> gives the licence file's bytes.</returns>
    /// <exception cref="TrustException">The key cannot sign or the claims are not valid.</exception>
    public static SignedEnvelope Issue(SigningKey key, LicenceClaims claims)
    {
        ArgumentNullException.ThrowIfNull(key);
        ArgumentNullException.ThrowIfNull(claims);
        if (!key.HasPrivateKey)
        {
            throw new TrustException($"Key '{key.Name}' ({key.KeyId}) has no private part; issue licences with its .key.json file.");
        }

        var payload = claims.ToJson();
        LicenceClaims.Parse(payload, $"licence '{claims.LicenceId}'");
        return SignedEnvelope.Sign(SignedEnvelope.LicencePayloadType, payload, key);
    }
}
