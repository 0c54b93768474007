namespace PluginAI.Trust;

/// <summary>
/// This user's signing keys in a folder of the home (<see cref="PluginAIPaths.Keys"/>): each key as
/// <c>&lt;name&gt;.key.json</c> (the key pair, readable only by its owner) and <c>&lt;name&gt;.pub.json</c> (the public
/// key to hand out).
/// </summary>
/// <remarks>Keys are never overwritten. The store keeps no state of its own; every call reads the folder.</remarks>
public sealed class KeyStore
{
    private const string PrivateSuffix = ".key.json";
    private const string PublicSuffix = ".pub.json";

    /// <summary>Initializes a new instance of the <see cref="KeyStore"/> class over a home's keys folder.</summary>
    /// <param name="paths">The PluginAI home.</param>
    public KeyStore(PluginAIPaths paths)
        : this((paths ?? throw new ArgumentNullException(nameof(paths))).Keys)
    {
    }

    /// <summary>Initializes a new instance of the <see cref="KeyStore"/> class.</summary>
    /// <param name="directory">The keys folder; created when the first key is saved.</param>
    public KeyStore(string directory)
    {
        ArgumentException.ThrowIfNullOrEmpty(directory);
        Directory = directory;
    }

    /// <summary>Gets the keys folder.</summary>
    public string Directory { get; }

    /// <summary>Gets the file of a key pair by its name.</summary>
    /// <param name="name">The key's name.</param>
    /// <returns>The path of <c>&lt;name&gt;.key.json</c>.</returns>
    public string PrivateKeyPath(string name) => Path.Combine(Directory, name + PrivateSuffix);

    /// <summary>Gets the file of a public key by its name.</summary>
    /// <param name="name">The key's name.</param>
    /// <returns>The path of <c>&lt;name&gt;.pub.json</c>.</returns>
    public string PublicKeyPath(string name) => Path.Combine(Directory, name + PublicSuffix);

    /// <summary>Creates an ECDSA P-256 key pair and saves it and its public key.</summary>
    /// <param name="name">The key's name, such as <c>acme-publisher</c>.</param>
    /// <returns>The new key; the caller disposes it.</returns>
    /// <exception cref="TrustException">A key of that name exists.</exception>
    public SigningKey Create(string name)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        var privatePath = PrivateKeyPath(name);
        if (File.Exists(privatePath))
        {
            throw new TrustException($"A key named '{name}' already exists: {privatePath}. Choose another name; keys are never overwritten.");
        }

        var key = SigningKey.Create(name);
        try
        {
            key.Save(privatePath);
            key.SavePublic(PublicKeyPath(name));
            return key;
        }
        catch
        {
            key.Dispose();
            throw;
        }
    }

    /// <summary>Loads the key of that name, creating it first when there is none.</summary>
    /// <param name="name">The key's name.</param>
    /// <param name="created">Whether the key was created.</param>
    /// <returns>The key; the caller disposes it.</returns>
    public SigningKey LoadOrCreate(string name, out bool created)
    {
        var privatePath = PrivateKeyPath(name);
        created = !File.Exists(privatePath);
        return created ? Create(name) : SigningKey.Load(privatePath);
    }

    /// <summary>Finds a private key by file path or by name in the store.</summary>
    /// <param name="nameOrPath">A key file, or the name of a key in the store.</param>
    /// <returns>The key with its private part; the caller disposes it.</returns>
    /// <exception cref="TrustException">There is no such key, or the file holds only a public key.</exception>
    public SigningKey LoadPrivateKey(string nameOrPath)
    {
        ArgumentException.ThrowIfNullOrEmpty(nameOrPath);
        var path = File.Exists(nameOrPath) ? nameOrPath : PrivateKeyPath(nameOrPath);
        if (!File.Exists(path))
        {
            throw new TrustException($"No key '{nameOrPath}': expected a key file or a key created with 'pluginai keys new {nameOrPath}' in {Directory}.");
        }

        var key = SigningKey.Load(path);
        if (!key.HasPrivateKey)
        {
            key.Dispose();
            throw new TrustException($"{path} is a public key; signing needs the private key file (*.key.json).");
        }

        return key;
    }

    /// <summary>Lists the key pairs in the store by file name; an unreadable file is listed with its problem.</summary>
    /// <returns>The keys.</returns>
    public IReadOnlyList<KeyStoreEntry> List()
    {
        if (!System.IO.Directory.Exists(Directory))
        {
            return [];
        }

        return System.IO.Directory.EnumerateFiles(Directory, "*" + PrivateSuffix).Order(StringComparer.Ordinal).Select(file =>
        {
            try
            {
                using var key = SigningKey.Load(file);
                return new KeyStoreEntry(key.Name, key.KeyId, file, null);
            }
            catch (TrustException ex)
            {
                return new KeyStoreEntry(Path.GetFileName(file), null, file, ex.Message);
            }
        }).ToList();
    }
}
