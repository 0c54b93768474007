namespace PluginAI.Sdk.Tests;

/// <summary>
/// One plugin project with a manifest generated from properties, in a git repository with commits by two authors, packed
/// once with <c>dotnet pack</c> (which builds it first); the tests read the build output and the package.
/// </summary>
public sealed class PackedPluginFixture : IDisposable
{
    public const string Configuration = "Release";

    private readonly PluginProject _project;

    public PackedPluginFixture()
    {
        _project = PluginProject.Create(
            """
                <Version>1.2.3</Version>
                <Title>Acme sample</Title>
                <Description>A sample plugin packed by the SDK tests.</Description>
                <Authors>Ann Author;Bob Builder</Authors>
                <PackageLicenseExpression>MIT</PackageLicenseExpression>
                <PackageTags>sample</PackageTags>
                <PluginAIKinds>postprocessor;retriever</PluginAIKinds>
                <PluginAIEntryType>Acme.Sample.SamplePlugin</PluginAIEntryType>
                <PluginAIRids>linux-x64;win-x64</PluginAIRids>
                <PluginAIInstructionSets>avx2;fma</PluginAIInstructionSets>
                <PluginAIMinRamMb>2048</PluginAIMinRamMb>
                <PluginAILicensing>trial</PluginAILicensing>
                <PluginAIProductCode>ACME-SAMPLE</PluginAIProductCode>
                <PluginAITrialDays>30</PluginAITrialDays>
                <PluginAIVendorKeyId>acme-2026</PluginAIVendorKeyId>
                <PluginAIIsolation>in-process</PluginAIIsolation>
            """,
            """
                <PluginAIVariant Include="cuda12" Path="cuda12" />
                <PluginAIAccelerator Include="gpu" Variant="cuda12" Api="cuda" MinApiVersion="12.0" MinVramMb="4096" Vendor="nvidia" />
            """);

        _project.Git("Setup", "setup@example.com", "init", "-q");
        _project.Git("Ann Author", "ann@example.com", "add", "Acme.Sample/SamplePlugin.cs", "Acme.Sample/Acme.Sample.csproj");
        _project.Git("Ann Author", "ann@example.com", "commit", "-q", "-m", "Sample plugin");
        File.WriteAllText(Path.Combine(_project.Root, "README.md"), "# Acme sample\n");
        _project.Git("Bob Builder", "bob@example.com", "add", "README.md");
        _project.Git("Bob Builder", "bob@example.com", "commit", "-q", "-m", "Readme");
        File.AppendAllText(Path.Combine(_project.Directory, "SamplePlugin.cs"), "\n// Second line.\n");
        _project.Git("Bob Builder", "bob@example.com", "commit", "-q", "-a", "-m", "Touch the code");

        PackageDirectory = Path.Combine(_project.Root, "packages");
        (ExitCode, Output) = _project.Dotnet("pack", "-c", Configuration, "-o", PackageDirectory);
    }

    public int ExitCode { get; }

    public string Output { get; }

    public string PackageDirectory { get; }

    public string OutputDirectory => _project.OutputDirectory(Configuration);

    public string IntermediateDirectory => _project.IntermediateDirectory(Configuration);

    public string PackagePath => Path.Combine(PackageDirectory, $"{PluginProject.Name}.1.2.3.nupkg");

    public void Dispose() => _project.Dispose();
}
