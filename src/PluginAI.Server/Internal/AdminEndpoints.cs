using System.Text.Json;
using System.Text.Json.Serialization;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using PluginAI.Host;
using PluginAI.Registry;
using PluginAI.Trust;
using PluginAI.Runtime.Doctor;
using PluginAI.Runtime.Models;
using PluginAI.Runtime.Plugins;

namespace PluginAI.Server.Internal;

/// <summary>
/// What the web page's Models, Plugins and This machine screens show, under <c>/v1/pluginai</c>: the same services as
/// <c>pluginai doctor</c>, <c>plugins list</c> and <c>models add</c>/<c>unload</c>. Changes are JSON POSTs or DELETEs,
/// so a page from another origin cannot send them without the browser asking the server first.
/// </summary>
internal static class AdminEndpoints
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web)
    {
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
        Converters = { new JsonStringEnumConverter(JsonNamingPolicy.KebabCaseLower) },
    };

    public static void Map(RouteGroupBuilder v1)
    {
        var admin = v1.MapGroup("/pluginai");
        admin.MapGet("/doctor", DoctorAsync);
        admin.MapGet("/plugins", PluginsAsync);
        admin.MapGet("/plugins/search", SearchPluginsAsync);
        admin.MapPost("/plugins/install", InstallPluginAsync);
        admin.MapPost("/plugins/{id}/update", UpdatePluginAsync);
        admin.MapDelete("/plugins/{id}", RemovePluginAsync);
        admin.MapGet("/models", ModelsAsync);
        admin.MapPost("/models", AddModelAsync);
        admin.MapDelete("/loaded-models/{**name}", UnloadAsync);
    }

    private static async Task DoctorAsync(HttpContext context)
    {
        var report = await context.RequestServices.GetRequiredService<DoctorService>().GetReportAsync(cancellationToken: context.RequestAborted).ConfigureAwait(false);
        await WriteAsync(context, new
        {
            home = report.Home,
            hostApi = report.HostApi,
            hardware = report.Hardware,
            plugins = report.Plugins.Select(Plugin),
            warnings = report.Warnings,
        }).ConfigureAwait(false);
    }

    private static async Task PluginsAsync(HttpContext context)
    {
        var plugins = await context.RequestServices.GetRequiredService<PluginService>().ListAsync(context.RequestAborted).ConfigureAwait(false);
        await WriteAsync(context, new { data = plugins.Select(Plugin) }).ConfigureAwait(false);
    }

    private static async Task SearchPluginsAsync(HttpContext context)
    {
        var query = context.Request.Query;
        var compatible = query.TryGetValue("compatible", out var c) && c.ToString() is "true" or "1";
        var plugins = context.RequestServices.GetRequiredService<PluginService>();
        var response = await plugins.SearchAsync(query["q"].ToString() is { Length: > 0 } q ? q : null, compatibleOnly: compatible, cancellationToken: context.RequestAborted).ConfigureAwait(false);
        var installed = (await plugins.ListAsync(context.RequestAborted).ConfigureAwait(false)).ToDictionary(p => p.Id, p => p.Manifest?.Version.ToString(), StringComparer.OrdinalIgnoreCase);
        await WriteAsync(context, new
        {
            data = response.Results.Select(r => new
            {
                id = r.Id,
                version = r.Version,
                description = r.Description,
                kinds = r.Kinds.Select(k => k.ToString().ToLowerInvariant()),
                compatible = r.Compatible,
                problems = r.Problems,
                certified = r.Certified,
                certificationReason = r.CertificationReason,
                source = r.Source,
                installedVersion = installed.GetValueOrDefault(r.Id),
            }),
            warnings = response.Warnings,
        }).ConfigureAwait(false);
    }

    private static async Task InstallPluginAsync(HttpContext context)
    {
        if (context.Request.ContentType is null)
        {
            throw new ApiException(415, "Send the plugin as JSON (Content-Type: application/json): {\"id\": \"ID\", \"version\": \"optional version or range\"}.", null, "unsupported_media_type");
        }

        var options = context.RequestServices.GetRequiredService<PluginAIServerOptions>();
        string id;
        string? version;
        using (var document = await RequestJson.ReadAsync(context, options.MaxRequestBodyBytes).ConfigureAwait(false))
        {
            id = RequestJson.RequiredString(document.RootElement, "id", "id");
            version = RequestJson.OptionalString(document.RootElement, "version", "version");
        }

        // Over HTTP a plugin comes from the package sources by id, never from a file on the server.
        if (id.IndexOfAny(['/', '\\']) >= 0 || id.EndsWith(".nupkg", StringComparison.OrdinalIgnoreCase))
        {
            throw ApiException.BadRequest("id", $"'{id}' is not a plugin id; install a package file with 'pluginai plugins install FILE' on the server instead.");
        }

        InstallResult result;
        try
        {
            result = await context.RequestServices.GetRequiredService<PluginService>().InstallAsync(id, version, context.RequestAborted).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is RegistryException or TrustException or IOException)
        {
            throw new ApiException(400, ex.Message, "id", "install_failed");
        }

        await WriteAsync(context, new
        {
            id = result.Plugin.Id,
            version = result.Plugin.Version,
            previousVersion = result.PreviousVersion,
            variant = result.Plugin.Variant,
            publisher = result.Plugin.PublisherName,
            explanation = result.Explanation,
            restartNeeded = true,
        }).ConfigureAwait(false);
    }

    private static async Task UpdatePluginAsync(HttpContext context, string id)
    {
        var update = await context.RequestServices.GetRequiredService<PluginService>().UpdateAsync(id, context.RequestAborted).ConfigureAwait(false);
        if (update.Error is { } error)
        {
            throw new ApiException(400, error, "id", "update_failed");
        }

        await WriteAsync(context, new
        {
            id,
            updated = update.Result!.Updated,
            version = update.Result.InstalledVersion,
            explanation = update.Result.Explanation,
            restartNeeded = update.Result.Updated,
        }).ConfigureAwait(false);
    }

    private static async Task RemovePluginAsync(HttpContext context, string id)
    {
        if (!context.RequestServices.GetRequiredService<PluginService>().Remove(id))
        {
            throw new ApiException(404, $"'{id}' is not installed from a package source (bundled plugins and plugins copied by hand are not removed over HTTP).", "id", "plugin_not_installed");
        }

        await WriteAsync(context, new { id, removed = true, restartNeeded = true }).ConfigureAwait(false);
    }

    private static async Task ModelsAsync(HttpContext context)
    {
        var models = context.RequestServices.GetRequiredService<ModelService>();
        var loaded = models.Loaded();
        var rows = new List<object>();
        foreach (var model in models.List())
        {
            var pooled = loaded.Where(p => string.Equals(p.Name, model.Name, StringComparison.OrdinalIgnoreCase) || string.Equals(p.Path, model.Path, StringComparison.Ordinal)).ToList();
            DevicePlanView? plan = null;
            string? planError = null;
            try
            {
                var planned = await models.PlanAsync(model.Name, cancellationToken: context.RequestAborted).ConfigureAwait(false);
                plan = DevicePlanView.From(planned.Backend.Metadata.Name, planned.Plan);
            }
            catch (PluginException ex)
            {
                planError = ex.Message;
            }

            rows.Add(new
            {
                name = model.Name,
                path = model.Path,
                state = Responses.PoolState(pooled),
                memoryBytes = pooled.Sum(p => p.MemoryBytes),
                users = pooled.Sum(p => p.Users),
                plan,
                planError,
            });
        }

        await WriteAsync(context, new { data = rows }).ConfigureAwait(false);
    }

    private static async Task AddModelAsync(HttpContext context)
    {
        if (context.Request.ContentType is null)
        {
            throw new ApiException(415, "Send the model as JSON (Content-Type: application/json): {\"name\": \"NAME\", \"path\": \"/path/to/model.gguf\"}.", null, "unsupported_media_type");
        }

        var options = context.RequestServices.GetRequiredService<PluginAIServerOptions>();
        string name;
        string path;
        using (var document = await RequestJson.ReadAsync(context, options.MaxRequestBodyBytes).ConfigureAwait(false))
        {
            name = RequestJson.RequiredString(document.RootElement, "name", "name");
            path = RequestJson.RequiredString(document.RootElement, "path", "path");
        }

        var models = context.RequestServices.GetRequiredService<ModelService>();
        var existed = models.List().Any(m => string.Equals(m.Name, name, StringComparison.OrdinalIgnoreCase));
        RegisteredModel? added = null;
        DevicePlanView plan;
        try
        {
            added = models.Add(name, path);
            var planned = await models.PlanAsync(added.Name, cancellationToken: context.RequestAborted).ConfigureAwait(false);
            plan = DevicePlanView.From(planned.Backend.Metadata.Name, planned.Plan);
        }
        catch (Exception ex) when (ex is PluginException or ArgumentException or IOException)
        {
            // A file no backend can plan is not left registered.
            if (added is not null && !existed)
            {
                models.Remove(added.Name);
            }

            throw new ApiException(400, ex.Message, "path", "invalid_model");
        }

        await WriteAsync(context, new { name = added.Name, path = added.Path, plan }).ConfigureAwait(false);
    }

    private static async Task UnloadAsync(HttpContext context, string name)
    {
        var models = context.RequestServices.GetRequiredService<ModelService>();
        if (!models.List().Any(m => string.Equals(m.Name, name, StringComparison.OrdinalIgnoreCase)))
        {
            throw new ApiException(404, $"There is no registered model '{name}'; GET /v1/pluginai/models lists them.", "name", "model_not_found");
        }

        var unloaded = await models.UnloadAsync(name).ConfigureAwait(false);
        await WriteAsync(context, new { name, unloaded }).ConfigureAwait(false);
    }

    private static object Plugin(PluginRecord record) => new
    {
        id = record.Id,
        version = record.Manifest?.Version.ToString(),
        kinds = record.Manifest?.Kinds.Select(k => k.ToString().ToLowerInvariant()).ToList() ?? [],
        status = record.Status.ToString().ToLowerInvariant(),
        compatible = record.Compatibility?.IsCompatible ?? false,
        reason = record.Reason,
        publisher = record.Publisher,
        trust = record.Trust,
        variant = record.Variant,
        license = record.License.Model == PluginAI.Manifest.LicensingModel.Free ? null : new { status = record.License.Status, reason = record.License.Reason, expires = record.License.Expires },
        certifications = record.Certifications.Select(c => new { device = c.Device, certified = c.Certified, certifier = c.Certifier, reason = c.Reason }),
        details = record.Details,
    };

    private static async Task WriteAsync<T>(HttpContext context, T value)
    {
        context.Response.StatusCode = 200;
        context.Response.ContentType = "application/json";
        await JsonSerializer.SerializeAsync(context.Response.Body, value, Json, context.RequestAborted).ConfigureAwait(false);
    }

    private sealed record DevicePlanView(string Backend, string Device, int Threads, int GpuLayers, int ContextSize, int ParallelSequences, bool UseMemoryMap, long EstimatedMemoryBytes, IReadOnlyList<string> Warnings, IReadOnlyDictionary<string, string> Reasons)
    {
        public static DevicePlanView From(string backend, PluginAI.Backends.DevicePlan plan) =>
            new(backend, plan.Device, plan.Threads, plan.GpuLayers, plan.ContextSize, plan.ParallelSequences, plan.UseMemoryMap, plan.EstimatedMemoryBytes, plan.Warnings, plan.Reasons);
    }
}
