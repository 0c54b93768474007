namespace PluginAI.Registry.Server;

/// <summary>Settings of a registry server started by <see cref="RegistryServer.StartAsync"/>.</summary>
public sealed class RegistryServerOptions
{
    /// <summary>The default listen address: loopback, with a port chosen by the system.</summary>
    public const string DefaultUrl = "http://127.0.0.1:0";

    /// <summary>The default largest package accepted by a push: 512 MiB.</summary>
    public const long DefaultMaxPackageBytes = 512L * 1024 * 1024;

    /// <summary>
    /// Gets or sets the folder of packages, laid out as <c>&lt;lowerid&gt;/&lt;lowerversion&gt;/&lt;lowerid&gt;.&lt;lowerversion&gt;.nupkg</c>.
    /// It is created when missing.
    /// </summary>
    public required string PackagesDirectory { get; set; }

    /// <summary>Gets or sets the path of the SQLite index, or <see langword="null"/> for <c>registry.db</c> inside <see cref="PackagesDirectory"/>.</summary>
    public string? DatabasePath { get; set; }

    /// <summary>
    /// Gets or sets the addresses to listen on, such as <c>http://127.0.0.1:5000</c>. The default is loopback with a
    /// port chosen by the system. Binding to any address other than loopback requires at least one API key.
    /// </summary>
    public IReadOnlyList<string> Urls { get; set; } = [DefaultUrl];

    /// <summary>
    /// Gets or sets the API keys. Pushing, unlisting and adding certifications need one of them in the
    /// <c>X-NuGet-ApiKey</c> header; when the server listens beyond loopback, reading needs one too (in that header,
    /// or as the password of HTTP Basic authentication, which is how nuget.config credentials arrive).
    /// </summary>
    public IReadOnlyList<string> ApiKeys { get; set; } = [];

    /// <summary>Gets or sets the registry name written into the signed index.</summary>
    public string RegistryName { get; set; } = "pluginai";

    /// <summary>Gets or sets how long a signed index stays valid after it is issued. The default is 7 days.</summary>
    public TimeSpan IndexLifetime { get; set; } = TimeSpan.FromDays(7);

    /// <summary>
    /// Gets or sets the function that signs the index: it receives the exact bytes of the index payload JSON and returns
    /// the signed envelope JSON bytes. When <see langword="null"/>, <c>/pluginai/v1/index.json</c> answers 404.
    /// </summary>
    public Func<ReadOnlyMemory<byte>, byte[]>? SignIndex { get; set; }

    /// <summary>
    /// Gets or sets validators run on every push after the built-in <see cref="ManifestPushValidator"/> accepted the
    /// package, in order; the first refusal stops the push.
    /// </summary>
    public IReadOnlyList<IPushValidator> PushValidators { get; set; } = [];

    /// <summary>Gets or sets validators run on every certification envelope posted, after the built-in format check.</summary>
    public IReadOnlyList<ICertificationValidator> CertificationValidators { get; set; } = [];

    /// <summary>Gets or sets the largest package a push may send, in bytes. The default is 512 MiB.</summary>
    public long MaxPackageBytes { get; set; } = DefaultMaxPackageBytes;

    /// <summary>Gets or sets the clock used for publication times and index issue and expiry times.</summary>
    public TimeProvider TimeProvider { get; set; } = TimeProvider.System;
}
