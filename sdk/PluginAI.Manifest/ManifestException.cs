namespace PluginAI.Manifest;

/// <summary>A manifest could not be read or is not valid.</summary>
public sealed class ManifestException : Exception
{
    /// <summary>Initializes a new instance of the <see cref="ManifestException"/> class.</summary>
    public ManifestException()
        : this([])
    {
    }

    /// <summary>Initializes a new instance of the <see cref="ManifestException"/> class.</summary>
    /// <param name="message">The message.</param>
    public ManifestException(string message)
        : base(message)
    {
        Errors = [];
    }

    /// <summary>Initializes a new instance of the <see cref="ManifestException"/> class.</summary>
    /// <param name="message">The message.</param>
    /// <param name="innerException">The underlying error.</param>
    public ManifestException(string message, Exception? innerException)
        : base(message, innerException)
    {
        Errors = [];
    }

    /// <summary>Initializes a new instance of the <see cref="ManifestException"/> class.</summary>
    /// <param name="errors">The problems found; the message lists them.</param>
    public ManifestException(IReadOnlyList<ManifestError> errors)
        : base(errors.Count == 0 ? "The manifest is not valid." : string.Join(Environment.NewLine, errors))
    {
        Errors = errors;
    }

    /// <summary>Gets the problems found.</summary>
    public IReadOnlyList<ManifestError> Errors { get; }
}
