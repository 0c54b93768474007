using PluginAI;

namespace Acme.Plugin._1;

/// <summary>
/// A rules model file: UTF-8 text whose first line is <c>pluginai-rules 1</c>, then settings (<c>name = value</c>),
/// rules (<c>keyword =&gt; reply | another reply</c>), blank lines and <c>#</c> comments. The rule <c>*</c> answers
/// anything no other rule matches; <c>{prompt}</c> in a reply stands for the user's message.
/// </summary>
/// <example>
/// <code>
/// pluginai-rules 1
/// name = tiny
/// dimensions = 64
/// lighthouse =&gt; The lamp turned all night. | A keeper climbed the stairs at dusk.
/// * =&gt; I heard you say: {prompt}
/// </code>
/// </example>
public sealed class RulesModelFile
{
    /// <summary>The first line of every rules model.</summary>
    public const string Header = "pluginai-rules 1";

    private const long MaxBytes = 16 * 1024 * 1024;

    private RulesModelFile(string path, string name, int dimensions, int contextSize, IReadOnlyList<Rule> rules)
    {
        Path = path;
        Name = name;
        Dimensions = dimensions;
        ContextSize = contextSize;
        Rules = rules;
    }

    /// <summary>Gets the file the model was read from.</summary>
    public string Path { get; }

    /// <summary>Gets the model name (setting <c>name</c>; default: the file name).</summary>
    public string Name { get; }

    /// <summary>Gets the embedding dimension (setting <c>dimensions</c>; default 256).</summary>
    public int Dimensions { get; }

    /// <summary>Gets the context size in tokens (setting <c>context</c>; default 2048).</summary>
    public int ContextSize { get; }

    /// <summary>Gets the rules in file order.</summary>
    public IReadOnlyList<Rule> Rules { get; }

    /// <summary>Returns whether a file starts with the rules header.</summary>
    /// <param name="path">The file.</param>
    /// <returns><see langword="true"/> for a rules model.</returns>
    public static bool HasHeader(string path)
    {
        try
        {
            using var reader = new StreamReader(path);
            return string.Equals(reader.ReadLine()?.Trim(), Header, StringComparison.Ordinal);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or ArgumentException or NotSupportedException)
        {
            return false;
        }
    }

    /// <summary>Reads and validates a rules model.</summary>
    /// <param name="path">The file.</param>
    /// <param name="cancellationToken">A token to cancel the read.</param>
    /// <returns>The model.</returns>
    /// <exception cref="PluginException">The file is missing, unreadable or not a valid rules model; the message names it.</exception>
    public static async Task<RulesModelFile> ReadAsync(string path, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        string[] lines;
        try
        {
            var info = new FileInfo(path);
            if (!info.Exists)
            {
                throw Error(path, "model.missing", $"The model file {path} does not exist.");
            }

            if (info.Length > MaxBytes)
            {
                throw Error(path, "model.too-large", $"{path} is not a rules model: it is larger than {MaxBytes / (1024 * 1024)} MiB.");
            }

            lines = await File.ReadAllLinesAsync(path, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw Error(path, "model.unreadable", $"The model file {path} cannot be read: {ex.Message}", ex);
        }

        if (lines.Length == 0 || !string.Equals(lines[0].Trim().TrimStart('\uFEFF'), Header, StringComparison.Ordinal))
        {
            throw Error(path, "model.not-rules", $"{path} is not a rules model: its first line must be '{Header}'.");
        }

        var name = System.IO.Path.GetFileNameWithoutExtension(path);
        var dimensions = 256;
        var contextSize = 2048;
        var rules = new List<Rule>();
        for (var i = 1; i < lines.Length; i++)
        {
            var line = lines[i].Trim();
            if (line.Length == 0 || line.StartsWith('#'))
            {
                continue;
            }

            var arrow = line.IndexOf("=>", StringComparison.Ordinal);
            if (arrow > 0)
            {
                var replies = line[(arrow + 2)..].Split('|', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries);
                if (replies.Length == 0)
                {
                    throw Error(path, "model.bad-line", $"{path}, line {i + 1}: the rule has no reply after '=>'.");
                }

                rules.Add(new Rule(line[..arrow].Trim(), replies));
                continue;
            }

            var equals = line.IndexOf('=', StringComparison.Ordinal);
            var key = equals > 0 ? line[..equals].Trim() : string.Empty;
            var value = equals > 0 ? line[(equals + 1)..].Trim() : string.Empty;
            switch (key)
            {
                case "name" when value.Length > 0:
                    name = value;
                    break;
                case "dimensions" when int.TryParse(value, out var d) && d is > 0 and <= 4096:
                    dimensions = d;
                    break;
                case "context" when int.TryParse(value, out var c) && c > 0:
                    contextSize = c;
                    break;
                default:
                    throw Error(path, "model.bad-line", $"{path}, line {i + 1}: expected 'name = …', 'dimensions = 1…4096', 'context = …' or 'keyword => reply'.");
            }
        }

        if (rules.Count == 0)
        {
            throw Error(path, "model.no-rules", $"{path} has no rules: add at least '* => reply'.");
        }

        return new RulesModelFile(path, name, dimensions, contextSize, rules);
    }

    private static PluginException Error(string path, string code, string message, Exception? inner = null) =>
        new(message, inner) { FilePath = path, ErrorCode = code };

    /// <summary>A rule: when the user's message contains <see cref="Keyword"/>, answer with one of <see cref="Replies"/>.</summary>
    /// <param name="Keyword">The keyword, matched without regard to case; <c>*</c> matches anything.</param>
    /// <param name="Replies">The replies to choose from.</param>
    public sealed record Rule(string Keyword, IReadOnlyList<string> Replies);
}
