using System.Globalization;

namespace PluginAI.Contributors;

/// <summary>The weights of code commits, issues opened and documentation commits. They must sum to 1.</summary>
/// <param name="Code">The weight of code commits.</param>
/// <param name="Issues">The weight of issues opened.</param>
/// <param name="Docs">The weight of documentation commits.</param>
public sealed record ContributionWeights(double Code, double Issues, double Docs)
{
    /// <summary>The tolerance on the sum of the weights.</summary>
    public const double Tolerance = 1e-9;

    /// <summary>Gets the default weights: code 0.6, issues 0.3, docs 0.1.</summary>
    public static ContributionWeights Default { get; } = new(0.6, 0.3, 0.1);

    /// <summary>Parses <c>code=0.6,issues=0.3,docs=0.1</c>; a category left out keeps its default weight.</summary>
    /// <param name="text">The weights.</param>
    /// <returns>The validated weights.</returns>
    /// <exception cref="PluginException">The text is malformed or the weights do not sum to 1.</exception>
    public static ContributionWeights Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var weights = Default;
        foreach (var part in text.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            var equals = part.IndexOf('=', StringComparison.Ordinal);
            var key = equals < 0 ? part : part[..equals].Trim();
            if (equals < 0 || !double.TryParse(part[(equals + 1)..], NumberStyles.Float, CultureInfo.InvariantCulture, out var value) || !double.IsFinite(value))
            {
                throw new PluginException($"weights '{text}': '{part}' is not name=number (for example code=0.6,issues=0.3,docs=0.1)") { ErrorCode = "contributors.bad-weights" };
            }

            weights = key.ToLowerInvariant() switch
            {
                "code" => weights with { Code = value },
                "issues" => weights with { Issues = value },
                "docs" => weights with { Docs = value },
                _ => throw new PluginException($"weights '{text}': unknown category '{key}'; use code, issues and docs") { ErrorCode = "contributors.bad-weights" },
            };
        }

        weights.Validate();
        return weights;
    }

    /// <summary>Checks that no weight is negative and that they sum to 1 within <see cref="Tolerance"/>.</summary>
    /// <exception cref="PluginException">The weights are invalid; the message names them.</exception>
    public void Validate()
    {
        if (Code < 0 || Issues < 0 || Docs < 0)
        {
            throw new PluginException($"weights {this} must not be negative") { ErrorCode = "contributors.bad-weights" };
        }

        var sum = Code + Issues + Docs;
        if (Math.Abs(sum - 1) > Tolerance)
        {
            throw new PluginException(string.Create(CultureInfo.InvariantCulture, $"weights {this} sum to {sum}, not 1")) { ErrorCode = "contributors.bad-weights" };
        }
    }

    /// <summary>Returns the weights as <c>code=0.6,issues=0.3,docs=0.1</c>.</summary>
    /// <returns>The weights in the form <see cref="Parse"/> reads.</returns>
    public override string ToString() => string.Create(CultureInfo.InvariantCulture, $"code={Code},issues={Issues},docs={Docs}");
}
