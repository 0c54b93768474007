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
            return new StaticHardwareProbe(profile);
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
}
