namespace PluginAI.Trust;

/// <summary>A signature, key, policy, license or certification that cannot be trusted; the message says why.</summary>
public sealed class TrustException : Exception
{
    /// <summary>Initializes a new instance of the <see cref="TrustException"/> class.</summary>
    public TrustException()
    {
    }

    /// <summary>Initializes a new instance of the <see cref="TrustException"/> class.</summary>
    /// <param name="message">What failed and why.</param>
    public TrustException(string message)
        : base(message)
    {
    }

    /// <summary>Initializes a new instance of the <see cref="TrustException"/> class.</summary>
    /// <param name="message">What failed and why.</param>
    /// <param name="innerException">The underlying error.</param>
    public TrustException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
