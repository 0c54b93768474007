using System.CommandLine;
using System.Globalization;
using PluginAI.Hardware;
using PluginAI.Host;
using Microsoft.Extensions.DependencyInjection;
using PluginAI.Runtime.Doctor;
using Spectre.Console;

namespace PluginAI.Cli.Commands;

/// <summary><c>pluginai doctor</c>: this machine's hardware and every installed plugin, with why each can or cannot run.</summary>
internal static class DoctorCommand
{
    public static Command Create(CliConsole console)
    {
        var json = PluginAICommand.JsonOption();
        var model = new Option<string?>("--model", "-m") { Description = "Also show how this model (a GGUF file or registered name) would run here, and why." };
        var planOptions = new PlanOptions();
        var command = new Command("doctor", "Show this machine's hardware and every installed plugin: compatible or not, and why.") { json, model };
        planOptions.AddTo(command);
        command.SetAction(async (parse, cancellationToken) =>
        {
            await using var services = CliServices.Create(parse);
            var report = await services.GetRequiredService<DoctorService>().GetReportAsync(parse.GetValue(model), planOptions.Read(parse), cancellationToken).ConfigureAwait(false);
            var modelPlan = report.Model;
            if (parse.GetValue(json))
            {
                JsonOutput.Write(console.Out, new
                {
                    home = report.Home,
                    hostApi = report.HostApi,
                    trust = new
                    {
                        policy = report.Trust.Policy,
                        allowUnsigned = report.Trust.AllowUnsigned,
                        requireCertified = report.Trust.RequireCertified,
                        trustedKeys = report.Trust.TrustedKeys,
                    },
                    hardware = report.Hardware,
                    plugins = report.Plugins.Select(PluginView.From),
                    model = modelPlan is null ? null : new { path = modelPlan.Path, backend = modelPlan.Backend.Metadata.Name, plan = modelPlan.Plan },
                    warnings = report.Warnings,
                });
                return 0;
            }

            Render(console.Console, report);
            if (modelPlan is not null)
            {
                console.Console.Write(PlanTable.Create($"{Path.GetFileName(modelPlan.Path)} on {modelPlan.Backend.Metadata.Name}", modelPlan.Plan));
            }

            return 0;
        });
        return command;
    }

    private static void Render(IAnsiConsole console, DoctorReport report)
    {
        var hw = report.Hardware;
        var table = new Table().RoundedBorder().Title("[bold]This machine[/]").HideHeaders();
        table.AddColumn("What");
        table.AddColumn("Found");
        table.AddRow("Operating system", hw.OperatingSystemDescription.Length > 0 ? $"{hw.OperatingSystemDescription} ({hw.RuntimeIdentifier})" : hw.RuntimeIdentifier);
        table.AddRow("CPU", $"{hw.Cpu.ModelName}");
        table.AddRow("Cores", $"{hw.Cpu.PhysicalCores} physical, {hw.Cpu.LogicalCores} logical");
        table.AddRow("Instruction sets", hw.Cpu.InstructionSets.Count == 0 ? "(none detected)" : string.Join(" ", hw.Cpu.InstructionSets));
        table.AddRow("Memory", $"{Gib(hw.Memory.TotalBytes)} total, {Gib(hw.Memory.AvailableBytes)} available");
        var gpus = hw.Accelerators.Where(a => a.Type == AcceleratorType.Gpu).ToList();
        var npus = hw.Accelerators.Where(a => a.Type == AcceleratorType.Npu).ToList();
        table.AddRow("GPUs", gpus.Count == 0 ? "none found" : string.Join(Environment.NewLine, gpus.Select(Describe)));
        table.AddRow("NPUs", npus.Count == 0 ? "none found" : string.Join(Environment.NewLine, npus.Select(Describe)));
        table.AddRow("Vulkan loader", hw.VulkanLoaderPresent ? "installed" : "not installed");
        foreach (var note in hw.Notes)
        {
            table.AddRow("Note", note);
        }

        console.Write(table);
        console.Write(PluginTable.Create(report.Plugins, details: true));
        if (report.Trust.AllowUnsigned)
        {
            var why = report.Trust.AllowUnsignedReason ?? string.Empty;
            console.Write(new Panel(new Markup($"[bold red]UNSIGNED PLUGINS ARE ALLOWED[/] ({Markup.Escape(why)}): plugins without a trusted signature are installed and loaded. Anyone who can write to the plugins folder can run code in PluginAI.")) { Border = BoxBorder.Heavy, BorderStyle = new Style(Color.Red) });
        }

        foreach (var warning in report.Warnings)
        {
            console.MarkupLineInterpolated($"[yellow]warning:[/] {warning}");
        }

        var loaded = report.Plugins.Count(p => p.Status == PluginStatus.Loaded);
        console.MarkupLineInterpolated($"PluginAI home: [bold]{report.Home}[/]  plugin API {report.HostApi}  {loaded} of {report.Plugins.Count} plugin(s) loaded");
    }

    private static string Describe(AcceleratorInfo a)
    {
        var memory = a.MemoryBytes > 0 ? $", {Gib(a.MemoryBytes)}" : string.Empty;
        var apis = a.Apis.Count > 0 ? $", {string.Join(", ", a.Apis)}" : string.Empty;
        var driver = a.Driver is null ? string.Empty : $", driver {a.Driver}";
        return $"{a.Name}{memory}{apis}{driver}";
    }

    private static string Gib(long bytes) => string.Create(CultureInfo.InvariantCulture, $"{bytes / (1024.0 * 1024 * 1024):0.0} GiB");
}
