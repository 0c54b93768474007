using System.Globalization;
using PluginAI.Backends;
using Spectre.Console;

namespace PluginAI.Cli.Commands;

/// <summary>Renders a device plan with the reason for each choice.</summary>
internal static class PlanTable
{
    public static Table Create(string title, DevicePlan plan)
    {
        var table = new Table().RoundedBorder().Title($"[bold]{Markup.Escape(title)}[/]");
        table.AddColumn("Choice");
        table.AddColumn("Value");
        table.AddColumn("Why");
        void Row(string name, string value, string key) =>
            table.AddRow(new Text(name), new Text(value), new Text(plan.Reasons.TryGetValue(key, out var why) ? why : string.Empty));
        Row("Device", plan.Device, nameof(DevicePlan.Device));
        Row("Threads", plan.Threads.ToString(CultureInfo.InvariantCulture), nameof(DevicePlan.Threads));
        Row("GPU layers", plan.GpuLayers.ToString(CultureInfo.InvariantCulture), nameof(DevicePlan.GpuLayers));
        Row("Context", plan.ContextSize.ToString(CultureInfo.InvariantCulture), nameof(DevicePlan.ContextSize));
        Row("Memory map", plan.UseMemoryMap ? "yes" : "no", nameof(DevicePlan.UseMemoryMap));
        if (plan.LockMemory)
        {
            Row("Lock memory", "yes", nameof(DevicePlan.LockMemory));
        }

        if (plan.EstimatedMemoryBytes > 0)
        {
            Row("Memory", string.Create(CultureInfo.InvariantCulture, $"{plan.EstimatedMemoryBytes / (1024.0 * 1024 * 1024):0.0} GiB"), nameof(DevicePlan.EstimatedMemoryBytes));
        }

        if (plan.Reasons.TryGetValue("Npu", out var npu))
        {
            table.AddRow(new Text("NPU"), new Text("-"), new Text(npu));
        }

        foreach (var warning in plan.Warnings)
        {
            table.AddRow(new Markup("[yellow]Warning[/]"), new Text(string.Empty), new Text(warning));
        }

        return table;
    }
}
