namespace PluginAI.Registry.Server;

/// <summary>What a search asks for.</summary>
internal sealed record SearchQuery
{
    public string? Text { get; init; }

    public int Skip { get; init; }

    public int Take { get; init; } = 20;

    public bool Prerelease { get; init; }

    public bool SemVer2 { get; init; }

    public string? Kind { get; init; }

    public bool CertifiedOnly { get; init; }
}
