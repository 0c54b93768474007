using System.Globalization;
using System.Runtime.InteropServices;
using System.Security.Cryptography;
using System.Text.Encodings.Web;
using System.Text.Json;
using PluginAI.Backends;
using PluginAI.Conformance;
using PluginAI.Hardware;

namespace PluginAI.Certification;

/// <summary>
/// What a conformance run found: the suite and its version, the plugin, the model, the machine and the outcome of
/// every test. <see cref="ToJson"/> is the document a certifier signs the <see cref="Sha256"/> of.
/// </summary>
/// <remarks>
/// The JSON has a fixed property order and the tests in the order they ran, so two runs of the same suite on the same
/// plugin, model and machine differ only in their times (<c>started</c>, <c>finished</c>, <c>durationMs</c>) and in
/// failure messages that quote measurements.
/// </remarks>
public sealed class ConformanceReport
{
    /// <summary>The format tag of report documents.</summary>
    public const string Format = "pluginai-conformance-report/1";

    private static readonly JsonWriterOptions s_writerOptions = new()
    {
        Indented = true,
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };

    private byte[]? _json;

    /// <summary>Initializes a new instance of the <see cref="ConformanceReport"/> class.</summary>
    /// <param name="suite">The suite: <c>backend</c>, <c>preprocessor</c>, <c>postprocessor</c> or <c>retriever</c>.</param>
    /// <param name="tests">The results, in the order the tests ran.</param>
    /// <param name="started">When the run started.</param>
    /// <param name="finished">When the run finished.</param>
    public ConformanceReport(string suite, IReadOnlyList<ConformanceTestResult> tests, DateTimeOffset started, DateTimeOffset finished)
    {
        ArgumentException.ThrowIfNullOrEmpty(suite);
        ArgumentNullException.ThrowIfNull(tests);
        Suite = suite;
        Tests = tests;
        Started = started;
        Finished = finished;
    }

    /// <summary>Gets the suite: <c>backend</c>, <c>preprocessor</c>, <c>postprocessor</c> or <c>retriever</c>.</summary>
    public string Suite { get; }

    /// <summary>Gets the version of the suite (<see cref="ConformanceSuite.Version"/>).</summary>
    public string SuiteVersion { get; init; } = ConformanceSuite.Version;

    /// <summary>Gets the id of the plugin under test, when given.</summary>
    public string? PluginId { get; init; }

    /// <summary>Gets the version of the plugin under test, when given.</summary>
    public string? PluginVersion { get; init; }

    /// <summary>Gets the backend's self-description, for backend runs.</summary>
    public BackendMetadata? Backend { get; init; }

    /// <summary>Gets the file name (without folder) of the model the backend suite loaded.</summary>
    public string? ModelFile { get; init; }

    /// <summary>Gets the SHA-256 of the model file in lower-case hex.</summary>
    public string? ModelSha256 { get; init; }

    /// <summary>Gets the machine the suite ran on, when given.</summary>
    public HardwareProfile? Hardware { get; init; }

    /// <summary>Gets when the run started.</summary>
    public DateTimeOffset Started { get; }

    /// <summary>Gets when the run finished.</summary>
    public DateTimeOffset Finished { get; }

    /// <summary>Gets the results, in the order the tests ran.</summary>
    public IReadOnlyList<ConformanceTestResult> Tests { get; }

    /// <summary>Gets the number of tests that passed.</summary>
    public int Passed => Tests.Count(t => t.Outcome == ConformanceOutcome.Passed);

    /// <summary>Gets the number of tests that failed.</summary>
    public int Failed => Tests.Count(t => t.Outcome == ConformanceOutcome.Failed);

    /// <summary>Gets the number of tests that were skipped.</summary>
    public int Skipped => Tests.Count(t => t.Outcome == ConformanceOutcome.Skipped);

    /// <summary>Gets a value indicating whether at least one test ran and none failed: only such a report may be certified.</summary>
    public bool AllPassed => Failed == 0 && Passed > 0;

    /// <summary>Gets the SHA-256 of <see cref="ToJson"/> in lower-case hex: the value a certification record names.</summary>
    public string Sha256 => Convert.ToHexStringLower(SHA256.HashData(ToJson()));

    /// <summary>Throws when the report cannot be certified because a test failed or none ran.</summary>
    /// <exception cref="InvalidOperationException">A test failed or none ran; the message lists the failures.</exception>
    public void EnsurePassed()
    {
        if (AllPassed)
        {
            return;
        }

        if (Passed == 0 && Failed == 0)
        {
            throw new InvalidOperationException($"The {Suite} conformance report cannot be certified: no test ran.");
        }

        var failures = Tests.Where(t => t.Outcome == ConformanceOutcome.Failed).Select(t => $"{t.Name}: {t.Message}");
        throw new InvalidOperationException(
            $"The {Suite} conformance report cannot be certified: {Failed} of {Tests.Count} tests failed.{Environment.NewLine}{string.Join(Environment.NewLine, failures)}");
    }

    /// <summary>Writes the report as indented JSON with a fixed property order.</summary>
    /// <returns>The UTF-8 JSON bytes; the same report always gives the same bytes.</returns>
    public byte[] ToJson()
    {
        if (_json is not null)
        {
            return (byte[])_json.Clone();
        }

        using var buffer = new MemoryStream();
        using (var w = new Utf8JsonWriter(buffer, s_writerOptions))
        {
            w.WriteStartObject();
            w.WriteString("format", Format);
            w.WriteString("suite", Suite);
            w.WriteString("suiteVersion", SuiteVersion);
            if (PluginId is not null || PluginVersion is not null)
            {
                w.WriteStartObject("plugin");
                WriteOptional(w, "id", PluginId);
                WriteOptional(w, "version", PluginVersion);
                w.WriteEndObject();
            }

            if (Backend is { } backend)
            {
                w.WriteStartObject("backend");
                w.WriteString("name", backend.Name);
                WriteStrings(w, "formats", backend.Formats);
                w.WriteString("capabilities", backend.Capabilities.ToString());
                WriteStrings(w, "devices", backend.Devices);
                w.WriteEndObject();
            }

            if (ModelFile is not null)
            {
                w.WriteStartObject("model");
                w.WriteString("file", ModelFile);
                WriteOptional(w, "sha256", ModelSha256);
                w.WriteEndObject();
            }

            WriteMachine(w, Hardware);
            w.WriteString("started", Time(Started));
            w.WriteString("finished", Time(Finished));
            w.WriteNumber("passed", Passed);
            w.WriteNumber("failed", Failed);
            w.WriteNumber("skipped", Skipped);
            w.WriteStartArray("tests");
            foreach (var test in Tests)
            {
                w.WriteStartObject();
                w.WriteString("name", test.Name);
                w.WriteString("outcome", test.Outcome.ToString().ToLowerInvariant());
                w.WriteNumber("durationMs", Math.Round(test.Duration.TotalMilliseconds, 3));
                WriteOptional(w, "message", test.Message);
                w.WriteEndObject();
            }

            w.WriteEndArray();
            w.WriteEndObject();
        }

        buffer.WriteByte((byte)'\n');
        _json = buffer.ToArray();
        return (byte[])_json.Clone();
    }

    private static void WriteMachine(Utf8JsonWriter w, HardwareProfile? hardware)
    {
        w.WriteStartObject("machine");
        if (hardware is null)
        {
            w.WriteString("os", RuntimeInformation.OSDescription);
            w.WriteString("architecture", RuntimeInformation.ProcessArchitecture.ToString().ToLowerInvariant());
            w.WriteStartObject("cpu");
            w.WriteNumber("logicalCores", Environment.ProcessorCount);
            w.WriteEndObject();
            w.WriteStartArray("accelerators");
            w.WriteEndArray();
            w.WriteEndObject();
            return;
        }

        w.WriteString("os", hardware.OperatingSystem);
        if (hardware.OperatingSystemDescription.Length > 0)
        {
            w.WriteString("osDescription", hardware.OperatingSystemDescription);
        }

        w.WriteString("architecture", hardware.Architecture);
        w.WriteString("runtimeIdentifier", hardware.RuntimeIdentifier);
        w.WriteStartObject("cpu");
        w.WriteString("model", hardware.Cpu.ModelName);
        w.WriteString("vendor", hardware.Cpu.Vendor);
        w.WriteNumber("physicalCores", hardware.Cpu.PhysicalCores);
        w.WriteNumber("logicalCores", hardware.Cpu.LogicalCores);
        WriteStrings(w, "instructionSets", hardware.Cpu.InstructionSets);
        w.WriteEndObject();
        w.WriteNumber("memoryBytes", hardware.Memory.TotalBytes);
        w.WriteStartArray("accelerators");
        foreach (var a in hardware.Accelerators)
        {
            w.WriteStartObject();
            w.WriteString("type", a.Type.ToString().ToLowerInvariant());
            w.WriteString("vendor", a.Vendor);
            w.WriteString("name", a.Name);
            WriteOptional(w, "pciId", a.PciId);
            WriteOptional(w, "driver", a.Driver);
            w.WriteNumber("memoryBytes", a.MemoryBytes);
            WriteStrings(w, "apis", a.Apis.Select(api => api.ToString()));
            w.WriteEndObject();
        }

        w.WriteEndArray();
        w.WriteEndObject();
    }

    private static string Time(DateTimeOffset time) =>
        time.ToUniversalTime().ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture);

    private static void WriteOptional(Utf8JsonWriter w, string name, string? value)
    {
        if (value is not null)
        {
            w.WriteString(name, value);
        }
    }

    private static void WriteStrings(Utf8JsonWriter w, string name, IEnumerable<string> values)
    {
        w.WriteStartArray(name);
        foreach (var value in values)
        {
            w.WriteStringValue(value);
        }

        w.WriteEndArray();
    }
}
