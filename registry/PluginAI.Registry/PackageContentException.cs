namespace PluginAI.Registry;

/// <summary>A package whose content is unsafe or does not match its manifest: path traversal, links, extra or missing files, wrong hashes or sizes, zip bombs.</summary>
public sealed class PackageContentException : RegistryException
{
    /// <summary>Initializes a new instance of the <see cref="PackageContentException"/> class.</summary>
    public PackageContentException()
    {
    }

    /// <summary>Initializes a new instance of the <see cref="PackageContentException"/> class.</summary>
    /// <param name="message">What is wrong with the package.</param>
    public PackageContentException(string message)
        : base(message)
    {
    }

    /// <summary>Initializes a new instance of the <see cref="PackageContentException"/> class.</summary>
    /// <param name="message">What is wrong with the package.</param>
    /// <param name="innerException">The underlying error.</param>
    public PackageContentException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
