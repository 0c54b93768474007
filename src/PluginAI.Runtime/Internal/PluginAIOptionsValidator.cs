using Microsoft.Extensions.Options;

namespace PluginAI.Runtime.Internal;

/// <summary>Checks <see cref="PluginAIOptions"/> once, before the first service uses them.</summary>
internal sealed class PluginAIOptionsValidator : IValidateOptions<PluginAIOptions>
{
    public ValidateOptionsResult Validate(string? name, PluginAIOptions options)
    {
        var failures = new List<string>();
        if (options.ModelKeepAlive < TimeSpan.Zero)
        {
            failures.Add($"PluginAIOptions.ModelKeepAlive is {options.ModelKeepAlive}; expected zero (unload at once) or a positive time.");
        }

        if (options.ModelMemoryBudgetBytes is <= 0)
        {
            failures.Add($"PluginAIOptions.ModelMemoryBudgetBytes is {options.ModelMemoryBudgetBytes}; expected a positive number of bytes, or null for three quarters of this machine's memory.");
        }

        if (string.IsNullOrWhiteSpace(options.DefaultChatModel))
        {
            failures.Add("PluginAIOptions.DefaultChatModel is empty; expected a registered model name such as 'default'.");
        }

        if (string.IsNullOrWhiteSpace(options.DefaultEmbeddingModel))
        {
            failures.Add($"PluginAIOptions.DefaultEmbeddingModel is empty; expected a model name such as '{PluginAIOptions.BuiltInEmbeddingModel}'.");
        }

        if (options.Host.HomeDirectory is { } home && home.IndexOfAny(Path.GetInvalidPathChars()) >= 0)
        {
            failures.Add($"PluginAIOptions.Host.HomeDirectory '{home}' is not a valid path.");
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
