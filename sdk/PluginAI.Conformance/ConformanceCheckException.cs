namespace PluginAI.Conformance;

/// <summary>A conformance check found the plugin behaving other than every host relies on; the message says how.</summary>
public sealed class ConformanceCheckException : Exception
{
    /// <summary>Initializes a new instance of the <see cref="ConformanceCheckException"/> class.</summary>
    public ConformanceCheckException()
    {
    }

    /// <summary>Initializes a new instance of the <see cref="ConformanceCheckException"/> class.</summary>
    /// <param name="message">What the check expected and what it found.</param>
    public ConformanceCheckException(string message)
        : base(message)
    {
    }

    /// <summary>Initializes a new instance of the <see cref="ConformanceCheckException"/> class.</summary>
    /// <param name="message">What the check expected and what it found.</param>
    /// <param name="innerException">The cause.</param>
    public ConformanceCheckException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
