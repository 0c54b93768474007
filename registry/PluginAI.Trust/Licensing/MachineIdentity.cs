using System.Diagnostics;
using System.Runtime.InteropServices;
using System.Runtime.Versioning;
using System.Security.Cryptography;
using System.Text;
using Microsoft.Win32;

namespace PluginAI.Trust.Licensing;

/// <summary>
/// The id of this machine that licenses are bound to: <c>/etc/machine-id</c> (or <c>/var/lib/dbus/machine-id</c>) on
/// Linux, the IOPlatformUUID on macOS, and the MachineGuid in the registry on Windows.
/// </summary>
public abstract class MachineIdentity
{
    /// <summary>Gets the identity of the machine this process runs on.</summary>
    public static MachineIdentity System { get; } = new SystemMachineIdentity();

    /// <summary>Creates an identity with a fixed id, for tests and for computing a customer's binding.</summary>
    /// <param name="machineId">The machine id.</param>
    /// <returns>The identity.</returns>
    public static MachineIdentity Fixed(string machineId)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(machineId);
        return new FixedMachineIdentity(machineId);
    }

    /// <summary>Computes a binding hash: SHA-256 of the UTF-8 of salt ‖ machine id ‖ product, in lower-case hex.</summary>
    /// <param name="salt">The salt.</param>
    /// <param name="machineId">The machine id; compared trimmed and in lower case.</param>
    /// <param name="product">The product code.</param>
    /// <returns>The hash.</returns>
    public static string ComputeBindingHash(string salt, string machineId, string product)
    {
        ArgumentNullException.ThrowIfNull(salt);
        ArgumentNullException.ThrowIfNull(machineId);
        ArgumentNullException.ThrowIfNull(product);
        return Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(salt + machineId.Trim().ToLowerInvariant() + product)));
    }

    /// <summary>Gets the machine id.</summary>
    /// <returns>The id, trimmed.</returns>
    /// <exception cref="TrustException">The id cannot be read, so machine binding is unavailable; the message says why.</exception>
    public abstract string GetMachineId();

    private sealed class FixedMachineIdentity(string machineId) : MachineIdentity
    {
        public override string GetMachineId() => machineId.Trim();
    }

    private sealed class SystemMachineIdentity : MachineIdentity
    {
        private string? _cached;

        public override string GetMachineId() => _cached ??= Read();

        private static string Read()
        {
            if (OperatingSystem.IsLinux() || OperatingSystem.IsFreeBSD())
            {
                foreach (var path in (string[])["/etc/machine-id", "/var/lib/dbus/machine-id"])
                {
                    try
                    {
                        var id = File.ReadAllText(path).Trim();
                        if (id.Length > 0)
                        {
                            return id;
                        }
                    }
                    catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
                    {
                    }
                }

                throw Unavailable("neither /etc/machine-id nor /var/lib/dbus/machine-id could be read (run 'systemd-machine-id-setup' or 'dbus-uuidgen --ensure' as root)");
            }

            if (OperatingSystem.IsMacOS())
            {
                return ReadMacPlatformUuid();
            }

            if (OperatingSystem.IsWindows())
            {
                return ReadWindowsMachineGuid();
            }

            throw Unavailable($"this operating system ({RuntimeInformation.OSDescription}) has no machine id PluginAI knows how to read");
        }

        private static string ReadMacPlatformUuid()
        {
            try
            {
                using var process = Process.Start(new ProcessStartInfo("ioreg", "-rd1 -c IOPlatformExpertDevice") { RedirectStandardOutput = true, UseShellExecute = false })
                    ?? throw Unavailable("'ioreg' could not be started");
                var output = process.StandardOutput.ReadToEnd();
                process.WaitForExit();
                foreach (var line in output.Split('\n'))
                {
                    if (line.Contains("\"IOPlatformUUID\"", StringComparison.Ordinal))
                    {
                        var parts = line.Split('"');
                        if (parts.Length >= 4 && parts[3].Length > 0)
                        {
                            return parts[3];
                        }
                    }
                }

                throw Unavailable("'ioreg -rd1 -c IOPlatformExpertDevice' printed no IOPlatformUUID");
            }
            catch (global::System.ComponentModel.Win32Exception ex)
            {
                throw Unavailable($"'ioreg' could not be run ({ex.Message})");
            }
        }

        [SupportedOSPlatform("windows")]
        private static string ReadWindowsMachineGuid()
        {
            using var key = RegistryKey.OpenBaseKey(RegistryHive.LocalMachine, RegistryView.Registry64).OpenSubKey(@"SOFTWARE\Microsoft\Cryptography");
            return key?.GetValue("MachineGuid") is string guid && guid.Length > 0
                ? guid
                : throw Unavailable(@"HKLM\SOFTWARE\Microsoft\Cryptography\MachineGuid could not be read");
        }

        private static TrustException Unavailable(string why) =>
            new($"Machine binding is unavailable: {why}. Licences bound to a machine cannot be checked here; ask the vendor for a licence that is not bound to a machine.");
    }
}
