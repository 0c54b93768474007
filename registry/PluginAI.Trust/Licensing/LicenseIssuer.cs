namespace PluginAI.Trust.Licensing;

/// <summary>Issues licenses: signs license claims with a vendor key.</summary>
public static class LicenseIssuer
{
    /// <summary>Signs license claims.</summary>
    /// <param name="key">The vendor key, with its private part.</param>
    /// <param name="claims">What the license grants.</param>
    /// <returns>The license envelope; <see cref="SignedEnvelope.ToJson"/> gives the license file's bytes.</returns>
    /// <exception cref="TrustException">The key cannot sign or the claims are not valid.</exception>
    public static SignedEnvelope Issue(SigningKey key, LicenseClaims claims)
    {
        ArgumentNullException.ThrowIfNull(key);
        ArgumentNullException.ThrowIfNull(claims);
        if (!key.HasPrivateKey)
        {
            throw new TrustException($"Key '{key.Name}' ({key.KeyId}) has no private part; issue licences with its .key.json file.");
        }

        var payload = claims.ToJson();
        LicenseClaims.Parse(payload, $"licence '{claims.LicenseId}'");
        return SignedEnvelope.Sign(SignedEnvelope.LicensePayloadType, payload, key);
    }
}
