using PluginAI.Host.Activation;
using PluginAI.Processing;

namespace PluginAI.Host.Tests;

public sealed class ActivationTests : IDisposable
{
    private readonly TestHome _home = new();

    public void Dispose() => _home.Dispose();

    [Fact]
    public async Task OutOfProcessPlugin_IsLoadedByTheFirstActivatorThatAcceptsIt_AfterAdmission()
    {
        _home.AddPlugin("isolated", TestHome.Manifest("Test.Isolated", extra: "\"isolation\": \"out-of-process\""));
        var activator = new RecordingActivator();
        var options = _home.Options();
        options.Activators.Add(activator);
        await using var host = await PluginHost.StartAsync(options, TestHome.Probe(TestHome.CpuOnly()));

        var record = Assert.Single(host.Plugins);
        Assert.Equal(PluginStatus.Loaded, record.Status);
        var request = Assert.Single(activator.Requests);
        Assert.Equal("Test.Isolated", request.Manifest.Id);
        Assert.EndsWith("pluginai.json", request.ManifestPath, StringComparison.Ordinal);
        Assert.Equal("PluginAI.TestPlugins.Sample.TaggingPlugin", request.Entry.Type);
        var postprocessor = Assert.Single(host.GetPostprocessors());
        Assert.Equal("recorded", postprocessor.Metadata.Name);

        await host.UnloadAsync("Test.Isolated");
        Assert.True(activator.Disposed);
    }

    [Fact]
    public async Task InProcessPlugin_IsNotOfferedToAnActivatorThatDeclinesIt()
    {
        _home.AddPlugin("tagging", TestHome.Manifest("Test.Tagging"));
        var activator = new RecordingActivator();
        var options = _home.Options();
        options.Activators.Add(activator);
        await using var host = await PluginHost.StartAsync(options, TestHome.Probe(TestHome.CpuOnly()));

        Assert.Equal(PluginStatus.Loaded, Assert.Single(host.Plugins).Status);
        Assert.Empty(activator.Requests);
        Assert.NotEqual("recorded", Assert.Single(host.GetPostprocessors()).Metadata.Name);
    }

    [Fact]
    public async Task RefusedPlugin_NeverReachesAnActivator()
    {
        _home.AddPlugin("future", TestHome.Manifest("Test.Future", hostApi: "[9.0,10.0)", extra: "\"isolation\": \"out-of-process\""));
        var activator = new RecordingActivator();
        var options = _home.Options();
        options.Activators.Add(activator);
        await using var host = await PluginHost.StartAsync(options, TestHome.Probe(TestHome.CpuOnly()));

        Assert.Equal(PluginStatus.Incompatible, Assert.Single(host.Plugins).Status);
        Assert.Empty(activator.Requests);
    }

    [Fact]
    public async Task ActivatorFailure_MarksThePluginFailed_WithTheActivatorsReason()
    {
        _home.AddPlugin("isolated", TestHome.Manifest("Test.Isolated", extra: "\"isolation\": \"out-of-process\""));
        var options = _home.Options();
        options.Activators.Add(new RecordingActivator { Failure = "the worker did not start: exit code 3" });
        await using var host = await PluginHost.StartAsync(options, TestHome.Probe(TestHome.CpuOnly()));

        var record = Assert.Single(host.Plugins);
        Assert.Equal(PluginStatus.Failed, record.Status);
        Assert.Equal("the worker did not start: exit code 3", record.Reason);
    }

    private sealed class RecordingActivator : IPluginActivator
    {
        public List<PluginActivationRequest> Requests { get; } = [];

        public bool Disposed { get; private set; }

        public string? Failure { get; init; }

        public string Name => "recording";

        public bool CanActivate(PluginActivationRequest request) => request.Manifest.Isolation == Manifest.PluginIsolation.OutOfProcess;

        public Task<ActivatedPlugin> ActivateAsync(PluginActivationRequest request, CancellationToken cancellationToken = default)
        {
            Requests.Add(request);
            if (Failure is not null)
            {
                throw new PluginActivationException(Failure);
            }

            return Task.FromResult(new ActivatedPlugin(() =>
            {
                Disposed = true;
                return ValueTask.CompletedTask;
            })
            {
                Postprocessors = [new RecordedPostprocessor()],
            });
        }
    }

    private sealed class RecordedPostprocessor : TextStreamPostprocessor
    {
        public override PostprocessorMetadata Metadata { get; } = new("recorded");

        protected override string Release(System.Text.StringBuilder pending, PostprocessorContext context, bool final, ICollection<PostprocessorFinding> findings)
        {
            var text = pending.ToString();
            pending.Clear();
            return text;
        }
    }
}
