using PluginAI.Host;
using PluginAI.Registry;
using PluginAI.Trust;

namespace PluginAI.Runtime.Plugins;

/// <summary>The plugins use case: what is installed and why it loads or not; search, install, update and remove.</summary>
public sealed class PluginService(PluginHostProvider hosts)
{
    private PluginAIOptions Options => hosts.Options;

    /// <summary>Lists the discovered plugins with their status (this starts the host).</summary>
    /// <param name="cancellationToken">A token to cancel.</param>
    /// <returns>Every discovered plugin, loaded or not, with the reason.</returns>
    public async Task<IReadOnlyList<PluginRecord>> ListAsync(CancellationToken cancellationToken = default) =>
        (await hosts.GetAsync(cancellationToken).ConfigureAwait(false)).Plugins;

    /// <summary>Searches every package source.</summary>
    /// <param name="term">Words to look for; empty lists everything.</param>
    /// <param name="kind">Only this kind.</param>
    /// <param name="compatibleOnly">Only plugins that fit this host and machine.</param>
    /// <param name="certifiedOnly">Only plugins certified for this machine's devices.</param>
    /// <param name="cancellationToken">A token to cancel.</param>
    /// <returns>The results, each saying whether it fits this machine and why not.</returns>
    public async Task<PluginSearchResponse> SearchAsync(string? term, PluginKind? kind = null, bool compatibleOnly = false, bool certifiedOnly = false, CancellationToken cancellationToken = default)
    {
        var hardware = await hosts.GetHardwareAsync(cancellationToken).ConfigureAwait(false);
        return await Client().SearchAsync(term, kind, compatibleOnly, certifiedOnly, hardware, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Installs the newest version that fits, or a package file, verified and switched atomically.</summary>
    /// <param name="idOrPackage">A plugin id, or the path of a <c>.nupkg</c> file.</param>
    /// <param name="versions">A version or range for an id, or <see langword="null"/> for the newest that fits.</param>
    /// <param name="cancellationToken">A token to cancel.</param>
    /// <returns>What was installed and why.</returns>
    /// <exception cref="RegistryException">Nothing fits, or the package is refused.</exception>
    public async Task<InstallResult> InstallAsync(string idOrPackage, string? versions = null, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(idOrPackage);
        var hardware = await hosts.GetHardwareAsync(cancellationToken).ConfigureAwait(false);
        var installer = Installer();
        return idOrPackage.EndsWith(".nupkg", StringComparison.OrdinalIgnoreCase) && File.Exists(idOrPackage)
            ? await installer.InstallPackageFileAsync(Path.GetFullPath(idOrPackage), hardware, null, cancellationToken).ConfigureAwait(false)
            : await installer.InstallAsync(idOrPackage, versions, hardware, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Gets the ids of the plugins installed from a registry.</summary>
    /// <returns>The ids.</returns>
    public IReadOnlyList<string> Installed() => [.. Installer().List().Select(p => p.Id)];

    /// <summary>Updates one plugin to the newest version that fits; a failure leaves the installed version working.</summary>
    /// <param name="id">The plugin id.</param>
    /// <param name="cancellationToken">A token to cancel.</param>
    /// <returns>What the update did, or why it failed.</returns>
    public async Task<PluginUpdate> UpdateAsync(string id, CancellationToken cancellationToken = default)
    {
        var hardware = await hosts.GetHardwareAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            return new PluginUpdate(id, await Installer().UpdateAsync(id, hardware, cancellationToken).ConfigureAwait(false), null);
        }
        catch (Exception ex) when (ex is RegistryException or TrustException or IOException)
        {
            return new PluginUpdate(id, null, ex.Message);
        }
    }

    /// <summary>Pins a plugin id to a publisher key, so that packages signed by that key, and only those, install or update it.</summary>
    /// <param name="id">The plugin id.</param>
    /// <param name="keyId">The fingerprint of the publisher key.</param>
    /// <returns>The pin before, if any, and the pin now.</returns>
    public (PublisherPin? Previous, PublisherPin Current) Pin(string id, string keyId) => Installer().Pin(id, keyId);

    /// <summary>Gets the publisher a plugin id is pinned to, or <see langword="null"/>.</summary>
    /// <param name="id">The plugin id.</param>
    /// <returns>The pin.</returns>
    public PublisherPin? GetPin(string id) => Installer().GetPin(id);

    /// <summary>Accepts the signed index a source serves now even when its version went down, as after the registry was reset.</summary>
    /// <param name="sourceName">The source's name.</param>
    /// <param name="cancellationToken">A token to cancel.</param>
    /// <returns>The index kept before and the one accepted now.</returns>
    /// <exception cref="RegistryException">No such source, or it publishes no signed index.</exception>
    /// <exception cref="TrustException">The index is not signed by a trusted registry key, is expired, or is issued in the future.</exception>
    public Task<IndexReset> ResetIndexAsync(string sourceName, CancellationToken cancellationToken = default) => Installer().ResetIndexAsync(sourceName, cancellationToken);

    /// <summary>Removes an installed plugin; its data folder is kept.</summary>
    /// <param name="id">The plugin id.</param>
    /// <returns><see langword="true"/> when it was installed.</returns>
    public bool Remove(string id) => Installer().Remove(id);

    /// <summary>The registry client over the home's package sources, for plugins and model packages alike.</summary>
    internal static RegistryClient CreateClient(PluginHostProvider hosts) =>
        new(PackageSourceSettings.Load(hosts.Paths.Home, hosts.Options.SampleFeedDirectory is { } feed && Directory.Exists(feed) ? feed : null));

    /// <summary>The installer with the trust settings in force, for plugins and model packages alike.</summary>
    internal static PluginInstaller CreateInstaller(PluginHostProvider hosts) => new(hosts.Paths, CreateClient(hosts), new PluginInstallerOptions
    {
        AllowUnsigned = hosts.Options.Host.AllowUnsigned,
        TrustPolicy = TrustPolicy.Load(hosts.Paths.TrustPolicyFile),
        RequireSignedIndex = hosts.Options.RequireSignedIndex,
    });

    private RegistryClient Client() => CreateClient(hosts);

    private PluginInstaller Installer() => CreateInstaller(hosts);
}
