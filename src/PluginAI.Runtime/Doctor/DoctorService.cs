using PluginAI.Host.Planning;
using PluginAI.Runtime.Models;

namespace PluginAI.Runtime.Doctor;

/// <summary>The doctor use case: the hardware and plugin report as data.</summary>
public sealed class DoctorService(PluginHostProvider hosts, ModelPool pool)
{
    /// <summary>Builds the report.</summary>
    /// <param name="model">A model to plan for (registered name or file), or <see langword="null"/>.</param>
    /// <param name="overrides">The user's device-planning choices for that model.</param>
    /// <param name="cancellationToken">A token to cancel.</param>
    /// <returns>The report.</returns>
    public async Task<DoctorReport> GetReportAsync(string? model = null, PlanOverrides? overrides = null, CancellationToken cancellationToken = default)
    {
        var host = await hosts.GetAsync(cancellationToken).ConfigureAwait(false);
        var plan = model is null ? null : await pool.PlanAsync(model, overrides, cancellationToken).ConfigureAwait(false);
        var policy = host.TrustPolicy;
        var trust = new TrustSettings(
            policy.Path,
            host.AllowsUnsigned,
            !host.AllowsUnsigned ? null : host.Options.AllowUnsigned ? "--allow-unsigned was given" : $"allowUnsigned is on in {policy.Path}",
            host.Options.RequireCertified || policy.RequireCertified,
            policy.Keys.Count(k => k.Revoked is null));
        return new DoctorReport(host.Paths.Home, PluginApi.Version.ToString(), trust, host.Hardware, host.Plugins, plan) { Warnings = PermissionCheck.Find(host.Paths) };
    }
}
