namespace PluginAI.Gguf;

/// <summary>The values of <see cref="PluginException.ErrorCode"/> for GGUF model files.</summary>
public static class GgufErrorCodes
{
    /// <summary>The file does not exist.</summary>
    public const string NotFound = "model.not-found";

    /// <summary>The file exists but cannot be opened or read.</summary>
    public const string Unreadable = "model.unreadable";

    /// <summary>The file does not start with the GGUF magic bytes.</summary>
    public const string NotGguf = "model.not-gguf";

    /// <summary>The file ends before its header or its tensor data does.</summary>
    public const string Truncated = "model.truncated";

    /// <summary>The file is GGUF, but of a version or byte order this reader does not support.</summary>
    public const string UnsupportedVersion = "model.unsupported-version";

    /// <summary>The header holds a value that cannot be right: an absurd count, an unknown type, a misaligned tensor.</summary>
    public const string Invalid = "model.invalid";

    /// <summary>The file is valid GGUF, but of an architecture the backend cannot run.</summary>
    public const string UnsupportedArchitecture = "model.unsupported-architecture";
}
