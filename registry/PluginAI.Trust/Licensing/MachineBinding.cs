using System.Security.Cryptography;

namespace PluginAI.Trust.Licensing;

/// <summary>Binds a license to one machine: <c>hash</c> = SHA-256(salt ‖ machine id ‖ product) in lower-case hex, over the UTF-8 strings.</summary>
/// <param name="Salt">A random salt, so the hash does not reveal the machine id.</param>
/// <param name="Hash">The binding hash.</param>
public sealed record MachineBinding(string Salt, string Hash)
{
    /// <summary>Creates the binding of a product to a machine.</summary>
    /// <param name="machineId">The machine id, from <see cref="MachineIdentity.GetMachineId"/> on the customer's machine.</param>
    /// <param name="product">The product code.</param>
    /// <param name="salt">The salt; <see langword="null"/> for 16 random bytes in hex.</param>
    /// <returns>The binding.</returns>
    public static MachineBinding Create(string machineId, string product, string? salt = null)
    {
        salt ??= Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16));
        return new MachineBinding(salt, MachineIdentity.ComputeBindingHash(salt, machineId, product));
    }

    /// <summary>Checks whether the binding names a machine.</summary>
    /// <param name="machineId">The machine id.</param>
    /// <param name="product">The product code.</param>
    /// <returns>Whether the hashes match.</returns>
    public bool Matches(string machineId, string product) =>
        CryptographicOperations.FixedTimeEquals(
            System.Text.Encoding.ASCII.GetBytes(MachineIdentity.ComputeBindingHash(Salt, machineId, product)),
            System.Text.Encoding.ASCII.GetBytes(Hash.ToLowerInvariant()));
}
