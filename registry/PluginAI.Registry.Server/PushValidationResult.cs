namespace PluginAI.Registry.Server;

/// <summary>The outcome of a validator.</summary>
public sealed record PushValidationResult
{
    private PushValidationResult(string? reason) => Reason = reason;

    /// <summary>Gets the result that accepts the package.</summary>
    public static PushValidationResult Success { get; } = new((string?)null);

    /// <summary>Gets a value indicating whether the package is accepted.</summary>
    public bool IsValid => Reason is null;

    /// <summary>Gets why the package is refused, or <see langword="null"/> when it is accepted.</summary>
    public string? Reason { get; }

    /// <summary>Creates a refusal.</summary>
    /// <param name="reason">Why the package is refused, in plain words; sent back to the client.</param>
    /// <returns>The refusal.</returns>
    public static PushValidationResult Refuse(string reason)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(reason);
        return new PushValidationResult(reason);
    }
}
