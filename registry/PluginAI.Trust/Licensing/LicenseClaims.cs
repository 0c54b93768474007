using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace PluginAI.Trust.Licensing;

/// <summary>What a license grants: the payload of a license envelope (<c>pluginai-licence/1</c>).</summary>
public sealed partial record LicenseClaims
{
    /// <summary>The format tag of the license payload.</summary>
    public const string Format = "pluginai-licence/1";

    /// <summary>Gets the license id: letters, digits, <c>.</c>, <c>_</c> and <c>-</c>; it names the license's file in the store.</summary>
    public required string LicenseId { get; init; }

    /// <summary>Gets whom the license is issued to.</summary>
    public required string Licensee { get; init; }

    /// <summary>Gets the product code; it must equal the manifest's <c>licensing.productCode</c>.</summary>
    public required string Product { get; init; }

    /// <summary>Gets the features the license unlocks.</summary>
    public IReadOnlyList<string> Features { get; init; } = [];

    /// <summary>Gets when the license was issued.</summary>
    public required DateTimeOffset Issued { get; init; }

    /// <summary>Gets when the license expires, or <see langword="null"/> for a perpetual license.</summary>
    public DateTimeOffset? Expires { get; init; }

    /// <summary>Gets whether it is a full or a trial license.</summary>
    public LicenseKind Kind { get; init; } = LicenseKind.Full;

    /// <summary>Gets the machine the license is bound to, or <see langword="null"/> when it is not bound.</summary>
    public MachineBinding? Machine { get; init; }

    /// <summary>Parses a license payload.</summary>
    /// <param name="payload">The JSON bytes.</param>
    /// <param name="source">The license file, for messages.</param>
    /// <returns>The claims.</returns>
    /// <exception cref="TrustException">The payload is malformed; the message names the field.</exception>
    public static LicenseClaims Parse(ReadOnlySpan<byte> payload, string source)
    {
        var root = TrustFields.ParseObject(payload, source, $"a licence with format '{Format}'");
        TrustFields.RequireFormat(root, Format, source);
        var id = TrustFields.String(root, "licenceId", source);
        if (!LicenseIdPattern().IsMatch(id))
        {
            throw new TrustException($"{source}: field 'licenceId' must be 1 to 128 letters, digits, '.', '_' or '-', starting with a letter or digit; found '{id}'.");
        }

        var features = TrustFields.Array(root, "features", source, required: false)
            .Select((f, i) => f is JsonValue v && v.TryGetValue<string>(out var s) && s.Length > 0 ? s : throw new TrustException($"{source}: features[{i}] must be a non-empty string."))
            .ToList();
        var kind = TrustFields.OptionalString(root, "kind", source) switch
        {
            null or "full" => LicenseKind.Full,
            "trial" => LicenseKind.Trial,
            var other => throw new TrustException($"{source}: field 'kind' must be 'full' or 'trial', found '{other}'."),
        };
        MachineBinding? machine = null;
        if (root["machine"] is JsonObject m)
        {
            var hash = TrustFields.String(m, "hash", $"{source}: machine");
            if (!Sha256Pattern().IsMatch(hash))
            {
                throw new TrustException($"{source}: machine: field 'hash' must be 64 lower-case hex digits.");
            }

            machine = new MachineBinding(TrustFields.String(m, "salt", $"{source}: machine"), hash);
        }
        else if (root["machine"] is not null)
        {
            throw new TrustException($"{source}: field 'machine' must be an object with salt and hash.");
        }

        var claims = new LicenseClaims
        {
            LicenseId = id,
            Licensee = TrustFields.String(root, "licensee", source),
            Product = TrustFields.String(root, "product", source),
            Features = features,
            Issued = TrustFields.Date(root, "issued", source),
            Expires = TrustFields.OptionalDate(root, "expires", source),
            Kind = kind,
            Machine = machine,
        };
        return claims.Expires <= claims.Issued
            ? throw new TrustException($"{source}: field 'expires' ({TrustFields.Time(claims.Expires.Value)}) must be after 'issued' ({TrustFields.Time(claims.Issued)}).")
            : claims;
    }

    /// <summary>Checks that a license id can name a file.</summary>
    /// <param name="licenseId">The id.</param>
    /// <returns>Whether it is valid.</returns>
    public static bool IsValidLicenseId(string licenseId) => LicenseIdPattern().IsMatch(licenseId);

    /// <summary>Writes the payload bytes.</summary>
    /// <returns>The JSON bytes that get signed.</returns>
    public byte[] ToJson()
    {
        var root = new JsonObject
        {
            ["format"] = Format,
            ["licenceId"] = LicenseId,
            ["licensee"] = Licensee,
            ["product"] = Product,
            ["features"] = new JsonArray([.. Features.Select(f => (JsonNode)f)]),
            ["issued"] = TrustFields.Time(Issued),
            ["kind"] = Kind == LicenseKind.Trial ? "trial" : "full",
        };
        if (Expires is { } expires)
        {
            root["expires"] = TrustFields.Time(expires);
        }

        if (Machine is { } machine)
        {
            root["machine"] = new JsonObject { ["salt"] = machine.Salt, ["hash"] = machine.Hash };
        }

        return JsonSerializer.SerializeToUtf8Bytes(root, TrustJson.Compact);
    }

    [GeneratedRegex("^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$", RegexOptions.CultureInvariant)]
    private static partial Regex LicenseIdPattern();

    [GeneratedRegex("^[0-9a-f]{64}$", RegexOptions.CultureInvariant)]
    private static partial Regex Sha256Pattern();
}
