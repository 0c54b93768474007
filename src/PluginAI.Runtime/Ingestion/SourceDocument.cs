namespace PluginAI.Runtime.Ingestion;

/// <summary>A document offered by an <see cref="IDocumentSource"/>, as plain data.</summary>
/// <param name="Key">
/// The document's stable identity in a knowledge base. Documents from this machine's disk use their full path (so
/// knowledge bases keep their identities across runs); documents from elsewhere use a source-qualified name such as
/// <c>upload:report.pdf</c> or <c>node-2:docs/setup.md</c>. Stored as the passages' source path, and shown in citations.
/// </param>
/// <param name="Length">The size of the content in bytes, checked against the size limit before it is read.</param>
/// <param name="LastModified">When the content last changed, as the source knows it.</param>
/// <param name="MediaType">The media type, when the source knows it (an upload's content type); else the parsers detect it.</param>
public sealed record SourceDocument(string Key, long Length, DateTimeOffset LastModified, string? MediaType = null);
