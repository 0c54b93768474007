using System.Text.Json;
using PluginAI.Hardware;

namespace PluginAI.Host.Hardware;

/// <summary>A probe that returns a fixed profile: a fake machine for tests, or a profile saved from another machine.</summary>
/// <param name="profile">The profile to return.</param>
public sealed class StaticHardwareProbe(HardwareProfile profile) : IHardwareProbe
{
    /// <inheritdoc />
    public Task<HardwareProfile> ProbeAsync(CancellationToken cancellationToken = default) => Task.FromResult(profile);

    /// <summary>Reads a profile saved as JSON, such as the output of <c>pluginai doctor --json</c>'s <c>hardware</c> object.</summary>
    /// <param name="path">The JSON file.</param>
    /// <returns>A probe returning that profile.</returns>
    /// <exception cref="InvalidDataException">The file is not a hardware profile.</exception>
    public static StaticHardwareProbe FromFile(string path)
    {
        try
        {
            using var stream = File.OpenRead(path);
            using var document = JsonDocument.Parse(stream);
            var root = document.RootElement.TryGetProperty("hardware", out var nested) ? nested : document.RootElement;
            var profile = root.Deserialize(HardwareJsonContext.Default.HardwareProfile)
                ?? throw new InvalidDataException($"{path}: expected a hardware profile object, found null.");
            return new StaticHardwareProbe(Normalize(profile, path));
        }
        catch (JsonException ex) when (ex.Path is not null)
        {
            throw new InvalidDataException($"{path}: not a hardware profile: at '{ex.Path}': {ex.Message.Split(". Path:")[0]}", ex);
        }
        catch (JsonException ex)
        {
            throw new InvalidDataException($"{path}: not a hardware profile: {ex.Message}", ex);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw new InvalidDataException($"{path}: cannot read the hardware profile: {ex.Message}", ex);
        }
    }

    private static HardwareProfile Normalize(HardwareProfile profile, string path)
    {
        // Fields left out of a hand-written profile read as null; treat them as empty rather than failing later.
        if (profile.Cpu is null || profile.Memory is null)
        {
            throw new InvalidDataException($"{path}: not a hardware profile: expected the objects 'cpu' and 'memory'.");
        }

        return profile with
        {
            OperatingSystemDescription = profile.OperatingSystemDescription ?? string.Empty,
            Cpu = profile.Cpu with { InstructionSets = profile.Cpu.InstructionSets ?? [] },
            Accelerators = [.. (profile.Accelerators ?? []).Select(a => a with { Apis = a.Apis ?? [] })],
            Notes = profile.Notes ?? [],
        };
    }
}
