namespace PluginAI.Registry;

/// <summary>The limits a package must stay within to be read or extracted; they stop zip bombs and oversized packages.</summary>
public sealed record ExtractionLimits
{
    /// <summary>Gets the default limits: 2 GiB in all, 10,000 entries, 200:1 compression for entries over 1 MiB, 200:1 for the whole package over 16 MiB.</summary>
    public static ExtractionLimits Default { get; } = new();

    /// <summary>
    /// Gets the limits for a model package: as <see cref="Default"/>, but up to 512 GiB for its one model file, since a
    /// quantised 70B model alone is over 40 GB; the signed manifest's declared size and the free-space check bound what
    /// is written.
    /// </summary>
    public static ExtractionLimits Models { get; } = new() { MaxTotalBytes = 512L * 1024 * 1024 * 1024, MaxEntryBytes = 512L * 1024 * 1024 * 1024 };

    /// <summary>Gets the most bytes all extracted files may hold together.</summary>
    public long MaxTotalBytes { get; init; } = 2L * 1024 * 1024 * 1024;

    /// <summary>Gets the most bytes one file may hold.</summary>
    public long MaxEntryBytes { get; init; } = 2L * 1024 * 1024 * 1024;

    /// <summary>Gets the most entries a package may have.</summary>
    public int MaxEntries { get; init; } = 10_000;

    /// <summary>Gets the highest ratio of uncompressed to compressed size allowed for an entry larger than <see cref="CompressionRatioThresholdBytes"/>.</summary>
    public double MaxCompressionRatio { get; init; } = 200;

    /// <summary>Gets the uncompressed size from which <see cref="MaxCompressionRatio"/> applies.</summary>
    public long CompressionRatioThresholdBytes { get; init; } = 1024 * 1024;

    /// <summary>
    /// Gets the highest ratio of the uncompressed size of all entries together to their compressed size, once they hold
    /// more than <see cref="TotalCompressionRatioThresholdBytes"/>: the budget that catches many small entries that each
    /// stay under <see cref="CompressionRatioThresholdBytes"/>.
    /// </summary>
    public double MaxTotalCompressionRatio { get; init; } = 200;

    /// <summary>Gets the uncompressed size of all entries together from which <see cref="MaxTotalCompressionRatio"/> applies.</summary>
    public long TotalCompressionRatioThresholdBytes { get; init; } = 16 * 1024 * 1024;
}
