using System.Diagnostics.Metrics;

namespace PluginAI.Backends.Llama.Internal;

/// <summary>The instruments of the llama.cpp backend's schedulers, every measurement tagged with the model id.</summary>
/// <remarks>
/// The meter's name starts with <c>PluginAI.Backends.</c>, which the server exports to Prometheus. One meter serves every
/// loaded model; with no listener, each call is a flag check, so the scheduler records once per step, not per token.
/// </remarks>
internal static class LlamaMetrics
{
    public const string MeterName = "PluginAI.Backends.Llama";
    public const string QueueDepthName = "pluginai.llama.queue_depth";
    public const string ActiveSequencesName = "pluginai.llama.active_sequences";
    public const string BatchSizeName = "pluginai.llama.batch_size";
    public const string TokensName = "pluginai.llama.tokens";
    public const string TimeToFirstTokenName = "pluginai.llama.time_to_first_token";
    public const string PromptTokensCachedName = "pluginai.llama.prompt_tokens_cached";

    private static readonly Meter s_meter = new(MeterName);

    public static readonly UpDownCounter<long> QueueDepth = s_meter.CreateUpDownCounter<long>(QueueDepthName, "{request}", "Requests waiting for a free sequence.");
    public static readonly UpDownCounter<long> ActiveSequences = s_meter.CreateUpDownCounter<long>(ActiveSequencesName, "{sequence}", "Sequences being evaluated or generated.");
    public static readonly Histogram<int> BatchSize = s_meter.CreateHistogram<int>(BatchSizeName, "{token}", "Tokens evaluated by one decode step: one per generating sequence plus prompt chunks.");
    public static readonly Counter<long> Tokens = s_meter.CreateCounter<long>(TokensName, "{token}", "Tokens generated.");
    public static readonly Histogram<double> TimeToFirstToken = s_meter.CreateHistogram<double>(TimeToFirstTokenName, "s", "Time from a request's submission to its first generated token, queueing included.");
    public static readonly Counter<long> PromptTokensCached = s_meter.CreateCounter<long>(PromptTokensCachedName, "{token}", "Prompt tokens whose key-value cells were reused from an earlier request instead of being evaluated.");

    public static KeyValuePair<string, object?> ModelTag(string modelId) => new("model", modelId);
}
