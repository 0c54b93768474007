namespace PluginAI.Server.Internal;

/// <summary>A request the server refuses, with the status and OpenAI error fields to answer with.</summary>
internal sealed class ApiException(int status, string message, string? param = null, string? code = null, string type = "invalid_request_error") : Exception(message)
{
    public int Status { get; } = status;

    public string? Param { get; } = param;

    public string? Code { get; } = code;

    public string Type { get; } = type;

    public TimeSpan? RetryAfter { get; init; }

    public static ApiException BadRequest(string param, string message, string code = "invalid_parameter") => new(400, message, param, code);

    public static ApiException ModelNotFound(string model) =>
        new(404, $"The model '{model}' does not exist here; GET /v1/models lists the models this server has, and '{PluginAI.Runtime.Models.ModelService.PullCommandFor(model)}' on the server's machine downloads one.", "model", "model_not_found");
}
