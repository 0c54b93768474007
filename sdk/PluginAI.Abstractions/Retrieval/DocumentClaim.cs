namespace PluginAI.Retrieval;

/// <summary>The outcome of <see cref="ISharedKnowledgeBase.ClaimDocumentAsync"/>.</summary>
/// <param name="Status">Whether the claim was taken.</param>
/// <param name="Holder">Who holds the claim when <see cref="DocumentClaimStatus.HeldElsewhere"/> (for example "process 4242 on host lab1"); otherwise <see langword="null"/>.</param>
public sealed record DocumentClaim(DocumentClaimStatus Status, string? Holder = null);

/// <summary>Whether a document was claimed.</summary>
public enum DocumentClaimStatus
{
    /// <summary>This instance holds the claim: parse, embed and store the document.</summary>
    Claimed,

    /// <summary>The same content is already stored (another ingestion finished it): nothing to do.</summary>
    AlreadyStored,

    /// <summary>Another live ingestion holds the claim: wait, and claim again later.</summary>
    HeldElsewhere,
}
