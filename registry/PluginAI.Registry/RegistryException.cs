namespace PluginAI.Registry;

/// <summary>A package, source, installation or extraction that failed; the message names the package, file or field and what was expected.</summary>
public class RegistryException : Exception
{
    /// <summary>Initializes a new instance of the <see cref="RegistryException"/> class.</summary>
    public RegistryException()
    {
    }

    /// <summary>Initializes a new instance of the <see cref="RegistryException"/> class.</summary>
    /// <param name="message">What failed and why.</param>
    public RegistryException(string message)
        : base(message)
    {
    }

    /// <summary>Initializes a new instance of the <see cref="RegistryException"/> class.</summary>
    /// <param name="message">What failed and why.</param>
    /// <param name="innerException">The underlying error.</param>
    public RegistryException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
