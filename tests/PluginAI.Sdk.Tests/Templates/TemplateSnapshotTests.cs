using Snapshooter.Xunit;

namespace PluginAI.Sdk.Tests.Templates;

/// <summary>
/// Snapshots of every file each template generates (<c>__snapshots__/</c>, committed). A change to a template shows up
/// here as a diff; accept it by deleting the snapshot and running the tests again.
/// </summary>
[Collection(TemplateHiveCollection.Name)]
public sealed class TemplateSnapshotTests(TemplateHive hive)
{
    [Fact]
    public void Postprocessor() => Snapshot.Match(TemplateHive.Render(hive.Create("pluginai-postprocessor", "Acme.Upper")));

    [Fact]
    public void Postprocessor_CudaPaid() => Snapshot.Match(TemplateHive.Render(hive.Create(
        "pluginai-postprocessor", "Acme.Upper", "--hardware", "cuda", "--licensing", "paid", "--product-code", "ACME-UP", "--vendor-key-id", "3f2a9c0d4e5b6a71")));

    [Fact]
    public void Preprocessor() => Snapshot.Match(TemplateHive.Render(hive.Create("pluginai-preprocessor", "Acme.Subtitles")));

    [Fact]
    public void Backend() => Snapshot.Match(TemplateHive.Render(hive.Create("pluginai-backend", "Acme.Rules")));

    [Fact]
    public void Backend_Avx2Trial() => Snapshot.Match(TemplateHive.Render(hive.Create(
        "pluginai-backend", "Acme.Rules", "--hardware", "avx2", "--licensing", "trial", "--trial-days", "14", "--min-ram-mb", "2048", "--authors", "Acme & Sons", "--description", "Rules <fast> & small.")));

    [Fact]
    public void Retriever() => Snapshot.Match(TemplateHive.Render(hive.Create("pluginai-retriever", "Acme.Memory", "--pluginai-version", "0.2.0-preview.1")));
}
