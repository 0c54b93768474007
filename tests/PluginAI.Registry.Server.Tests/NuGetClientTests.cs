using System.Diagnostics;
using NuGet.Common;
using NuGet.Configuration;
using NuGet.Protocol;
using NuGet.Protocol.Core.Types;
using NuGet.Versioning;

namespace PluginAI.Registry.Server.Tests;

public sealed class NuGetClientTests
{
    [Fact]
    public async Task NuGet_Protocol_searches_reads_metadata_lists_versions_and_downloads_the_same_bytes()
    {
        await using var registry = await TestRegistry.StartAsync();
        var v1 = TestPackages.Build("Acme.RoundTrip", "1.0.0");
        var v2 = TestPackages.Build("Acme.RoundTrip", "1.2.0-beta.1");
        await registry.PushOkAsync(v1);
        await registry.PushOkAsync(v2);

        var repository = Repository.Factory.GetCoreV3(new PackageSource(registry.Server.ServiceIndexUri.ToString()) { AllowInsecureConnections = true });
        using var cache = new SourceCacheContext { NoCache = true, DirectDownload = true };
        var logger = NullLogger.Instance;

        var search = await repository.GetResourceAsync<PackageSearchResource>();
        var found = (await search!.SearchAsync("roundtrip", new SearchFilter(includePrerelease: true), 0, 10, logger, CancellationToken.None)).ToList();
        var hit = Assert.Single(found);
        Assert.Equal("Acme.RoundTrip", hit.Identity.Id);
        Assert.Equal(NuGetVersion.Parse("1.2.0-beta.1"), hit.Identity.Version);

        var metadata = await repository.GetResourceAsync<PackageMetadataResource>();
        var versions = (await metadata!.GetMetadataAsync("acme.roundtrip", includePrerelease: true, includeUnlisted: false, cache, logger, CancellationToken.None)).ToList();
        Assert.Equal(["1.0.0", "1.2.0-beta.1"], versions.Select(m => m.Identity.Version.ToNormalizedString()).Order(StringComparer.Ordinal).ToArray());
        Assert.All(versions, m => Assert.Equal("A test plugin named Acme.RoundTrip.", m.Description));

        var byId = await repository.GetResourceAsync<FindPackageByIdResource>();
        var all = (await byId!.GetAllVersionsAsync("Acme.RoundTrip", cache, logger, CancellationToken.None)).ToList();
        Assert.Equal([NuGetVersion.Parse("1.0.0"), NuGetVersion.Parse("1.2.0-beta.1")], all.Order().ToArray());
        using var download = new MemoryStream();
        Assert.True(await byId.CopyNupkgToStreamAsync("Acme.RoundTrip", NuGetVersion.Parse("1.0.0"), download, cache, logger, CancellationToken.None));
        Assert.Equal(v1, download.ToArray());
        using var prerelease = new MemoryStream();
        Assert.True(await byId.CopyNupkgToStreamAsync("acme.roundtrip", NuGetVersion.Parse("1.2.0-beta.1"), prerelease, cache, logger, CancellationToken.None));
        Assert.Equal(v2, prerelease.ToArray());
        var dependencies = await byId.GetDependencyInfoAsync("Acme.RoundTrip", NuGetVersion.Parse("1.0.0"), cache, logger, CancellationToken.None);
        Assert.Equal("Acme.RoundTrip", dependencies!.PackageIdentity.Id);
    }

    [Fact]
    public async Task Dotnet_nuget_push_is_accepted_with_the_key_and_refused_without_or_with_a_wrong_one()
    {
        await using var registry = await TestRegistry.StartAsync();
        var work = Path.Combine(registry.Folder, "push");
        Directory.CreateDirectory(work);
        var package = Path.Combine(work, "Acme.Pushed.1.0.0.nupkg");
        await File.WriteAllBytesAsync(package, TestPackages.Build("Acme.Pushed", "1.0.0"));
        await WriteNuGetConfigAsync(work, registry.Server.ServiceIndexUri);

        var none = await DotnetAsync(work, registry.Folder, "nuget", "push", package, "--source", "registry");
        Assert.NotEqual(0, none.ExitCode);
        var wrong = await DotnetAsync(work, registry.Folder, "nuget", "push", package, "--source", "registry", "--api-key", "wrong-key");
        Assert.NotEqual(0, wrong.ExitCode);
        Assert.Contains("403", wrong.Output, StringComparison.Ordinal);
        Assert.False(Directory.Exists(Path.Combine(registry.Options.PackagesDirectory, "acme.pushed")));

        var ok = await DotnetAsync(work, registry.Folder, "nuget", "push", package, "--source", "registry", "--api-key", TestRegistry.ApiKey);
        Assert.True(ok.ExitCode == 0, ok.Output);
        Assert.Equal(await File.ReadAllBytesAsync(package), await registry.Client.GetByteArrayAsync("v3-flatcontainer/acme.pushed/1.0.0/acme.pushed.1.0.0.nupkg"));

        var duplicate = await DotnetAsync(work, registry.Folder, "nuget", "push", package, "--source", "registry", "--api-key", TestRegistry.ApiKey);
        Assert.NotEqual(0, duplicate.ExitCode);
        Assert.Contains("409", duplicate.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Dotnet_add_package_restores_from_the_registry_with_and_without_a_version()
    {
        await using var registry = await TestRegistry.StartAsync();
        await registry.PushOkAsync(TestPackages.Build("Acme.Added", "1.0.0"));
        await registry.PushOkAsync(TestPackages.Build("Acme.Added", "1.3.0"));
        await registry.PushOkAsync(TestPackages.Build("Acme.Pinned", "2.0.0"));
        await registry.PushOkAsync(TestPackages.Build("Acme.Pinned", "2.1.0"));

        var project = Path.Combine(registry.Folder, "app");
        Directory.CreateDirectory(project);
        await File.WriteAllTextAsync(Path.Combine(project, "App.csproj"), """
            <Project Sdk="Microsoft.NET.Sdk">
              <PropertyGroup>
                <TargetFramework>net10.0</TargetFramework>
                <NuGetAudit>false</NuGetAudit>
              </PropertyGroup>
            </Project>
            """);
        await WriteNuGetConfigAsync(project, registry.Server.ServiceIndexUri);

        var latest = await DotnetAsync(project, registry.Folder, "add", "package", "Acme.Added");
        Assert.True(latest.ExitCode == 0, latest.Output);
        var pinned = await DotnetAsync(project, registry.Folder, "add", "package", "Acme.Pinned", "--version", "2.0.0");
        Assert.True(pinned.ExitCode == 0, pinned.Output);

        var csproj = await File.ReadAllTextAsync(Path.Combine(project, "App.csproj"));
        Assert.Contains("""<PackageReference Include="Acme.Added" Version="1.3.0" />""", csproj, StringComparison.Ordinal);
        Assert.Contains("""<PackageReference Include="Acme.Pinned" Version="2.0.0" />""", csproj, StringComparison.Ordinal);
        var assets = await File.ReadAllTextAsync(Path.Combine(project, "obj", "project.assets.json"));
        Assert.Contains("\"Acme.Added/1.3.0\"", assets, StringComparison.Ordinal);
        Assert.Contains("\"Acme.Pinned/2.0.0\"", assets, StringComparison.Ordinal);
        Assert.True(File.Exists(Path.Combine(registry.Folder, "nuget-packages", "acme.added", "1.3.0", "pluginai.json")));
    }

    private static Task WriteNuGetConfigAsync(string folder, Uri serviceIndex) => File.WriteAllTextAsync(Path.Combine(folder, "nuget.config"), $"""
        <?xml version="1.0" encoding="utf-8"?>
        <configuration>
          <packageSources>
            <clear />
            <add key="registry" value="{serviceIndex}" allowInsecureConnections="true" />
          </packageSources>
          <packageSourceMapping>
            <clear />
          </packageSourceMapping>
        </configuration>
        """);

    private static async Task<(int ExitCode, string Output)> DotnetAsync(string workingDirectory, string scratch, params string[] arguments)
    {
        var start = new ProcessStartInfo("dotnet")
        {
            WorkingDirectory = workingDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        foreach (var name in new[] { "MSBuildExtensionsPath", "MSBUILD_EXE_PATH", "MSBuildSDKsPath", "MSBuildLoadMicrosoftTargetsReadOnly", "VSTEST_HOST_DEBUG" })
        {
            start.Environment.Remove(name);
        }

        start.Environment["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";
        start.Environment["DOTNET_NOLOGO"] = "1";
        start.Environment["DOTNET_SKIP_FIRST_TIME_EXPERIENCE"] = "1";
        start.Environment["NUGET_PACKAGES"] = Path.Combine(scratch, "nuget-packages");
        start.Environment["NUGET_HTTP_CACHE_PATH"] = Path.Combine(scratch, "nuget-http-cache");
        start.Environment["MSBUILDDISABLENODEREUSE"] = "1";
        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(3));
        await process.WaitForExitAsync(timeout.Token);
        return (process.ExitCode, await output + await error);
    }
}
