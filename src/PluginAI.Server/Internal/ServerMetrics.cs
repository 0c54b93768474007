using System.Diagnostics.Metrics;
using PluginAI.Runtime.Models;

namespace PluginAI.Server.Internal;

/// <summary>The server's instruments; <c>/metrics</c> exports them with the backends' own (queue depth, active sequences, batch size).</summary>
internal sealed class ServerMetrics : IDisposable
{
    public const string MeterName = "PluginAI.Server";
    public const string BackendMeterPattern = "PluginAI.Backends.*";
    public const string TimeToFirstToken = "pluginai.server.time_to_first_token";
    public const string RequestDuration = "pluginai.server.request_duration";

    public static readonly double[] LatencyBuckets = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120];

    private readonly Meter _meter;
    private readonly Counter<long> _requests;
    private readonly Histogram<double> _duration;
    private readonly Histogram<double> _firstToken;
    private readonly Histogram<double> _tokensPerSecond;
    private readonly Counter<long> _completionTokens;
    private readonly Counter<long> _promptTokens;
    private readonly UpDownCounter<long> _activeStreams;

    public ServerMetrics(ModelPool pool)
    {
        _meter = new Meter(MeterName);
        _requests = _meter.CreateCounter<long>("pluginai.server.requests", "{request}", "HTTP requests by route, method and status.");
        _duration = _meter.CreateHistogram<double>(RequestDuration, "s", "Time from a request's arrival to its last byte, by route.");
        _firstToken = _meter.CreateHistogram<double>(TimeToFirstToken, "s", "Time from a generation request's arrival to its first generated token, by model.");
        _tokensPerSecond = _meter.CreateHistogram<double>("pluginai.server.request_tokens_per_second", "{token}/s", "Generated tokens per second of each request, after its first token.");
        _completionTokens = _meter.CreateCounter<long>("pluginai.server.completion_tokens", "{token}", "Tokens generated, by model.");
        _promptTokens = _meter.CreateCounter<long>("pluginai.server.prompt_tokens", "{token}", "Prompt tokens read, by model.");
        _activeStreams = _meter.CreateUpDownCounter<long>("pluginai.server.active_generations", "{request}", "Generation requests in progress.");
        _meter.CreateObservableGauge("pluginai.models.loaded", () => pool.List().Count(m => m.Status != PooledModelStatus.Loading), "{model}", "Models loaded in the pool.");
        _meter.CreateObservableGauge("pluginai.models.memory", () => pool.List().Select(m => new Measurement<long>(m.MemoryBytes, new KeyValuePair<string, object?>("model", m.Name))), "By", "Estimated memory of each pooled model.");
        _meter.CreateObservableGauge("pluginai.models.users", () => pool.List().Select(m => new Measurement<int>(m.Users, new KeyValuePair<string, object?>("model", m.Name))), "{lease}", "Requests holding each pooled model.");
    }

    public void RecordRequest(string route, string method, int status, TimeSpan elapsed)
    {
        var routeTag = new KeyValuePair<string, object?>("route", route);
        _requests.Add(1, routeTag, new("method", method), new("status", status));
        _duration.Record(elapsed.TotalSeconds, routeTag);
    }

    public void GenerationStarted() => _activeStreams.Add(1);

    public void GenerationEnded() => _activeStreams.Add(-1);

    public void RecordFirstToken(string model, TimeSpan elapsed) => _firstToken.Record(elapsed.TotalSeconds, new KeyValuePair<string, object?>("model", model));

    public void RecordGeneration(string model, long promptTokens, long completionTokens, TimeSpan sinceFirstToken)
    {
        var tag = new KeyValuePair<string, object?>("model", model);
        _promptTokens.Add(promptTokens, tag);
        _completionTokens.Add(completionTokens, tag);
        if (completionTokens > 1 && sinceFirstToken > TimeSpan.Zero)
        {
            _tokensPerSecond.Record((completionTokens - 1) / sinceFirstToken.TotalSeconds, tag);
        }
    }

    public void Dispose() => _meter.Dispose();
}
