using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.DependencyInjection;
using PluginAI;
using PluginAI.Backends;

namespace PluginAI.TestPlugins.Native;

/// <summary>Registers <see cref="MisbehavingBackend"/>.</summary>
public sealed class NativeTestPlugin : IPlugin
{
    public void ConfigureServices(IServiceCollection services, PluginContext context) =>
        services.AddSingleton<IInferenceBackend>(new MisbehavingBackend());
}

/// <summary>Loads any path ending in <c>.test</c>; its chat client does what the last user message says.</summary>
public sealed class MisbehavingBackend : IInferenceBackend
{
    public BackendMetadata Metadata { get; } = new("misbehaving") { Formats = ["test"], Capabilities = ModelCapabilities.Chat };

    public bool CanLoad(string modelPath) => modelPath.EndsWith(".test", StringComparison.Ordinal);

    public Task<ILoadedModel> LoadModelAsync(ModelLoadRequest request, CancellationToken cancellationToken = default) =>
        Task.FromResult<ILoadedModel>(new Model(request));

    private sealed class Model(ModelLoadRequest request) : ILoadedModel
    {
        public ModelMetadata Metadata { get; } = new() { ModelId = request.ModelName ?? "misbehaving", ModelPath = request.ModelPath, Capabilities = ModelCapabilities.Chat, ContextSize = 1024 };

        public IChatClient? ChatClient { get; } = new Chat();

        public IEmbeddingGenerator<string, Embedding<float>>? EmbeddingGenerator => null;

        public ValueTask DisposeAsync() => ValueTask.CompletedTask;
    }

    private sealed class Chat : IChatClient
    {
        private static long s_streamed;

        public Task<ChatResponse> GetResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default)
        {
            var command = messages.Last(m => m.Role == ChatRole.User).Text;
            var answer = command switch
            {
                "native" => $"answer {NativeMethods.pai_answer()}",
                "pid" => Environment.ProcessId.ToString(System.Globalization.CultureInfo.InvariantCulture),
                "streamed" => Interlocked.Read(ref s_streamed).ToString(System.Globalization.CultureInfo.InvariantCulture),
                "failfast" => FailFast(),
                "segfault" => Fault(),
                "hang" => Hang(),
                "refuse" => throw new PluginException("the misbehaving backend refuses this request") { ErrorCode = "test.refused" },
                "throw" => throw new InvalidOperationException("the misbehaving backend broke"),
                _ => $"echo {command} temperature {options?.Temperature}",
            };
            return Task.FromResult(new ChatResponse(new ChatMessage(ChatRole.Assistant, answer)));
        }

        public async IAsyncEnumerable<ChatResponseUpdate> GetStreamingResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, [EnumeratorCancellation] CancellationToken cancellationToken = default)
        {
            var command = messages.Last(m => m.Role == ChatRole.User).Text;
            if (command.StartsWith("burst ", StringComparison.Ordinal))
            {
                // As many one-token updates as asked for, as fast as they can be taken: the cost of a streamed token.
                var count = int.Parse(command["burst ".Length..], System.Globalization.CultureInfo.InvariantCulture);
                for (var i = 0; i < count; i++)
                {
                    yield return new ChatResponseUpdate(ChatRole.Assistant, "t");
                }

                yield break;
            }

            // Streams until cancelled, counting what it produced so that a test can see production stop.
            while (true)
            {
                cancellationToken.ThrowIfCancellationRequested();
                await Task.Delay(2, cancellationToken).ConfigureAwait(false);
                Interlocked.Increment(ref s_streamed);
                yield return new ChatResponseUpdate(ChatRole.Assistant, "tok ");
            }
        }

        public object? GetService(Type serviceType, object? serviceKey = null) => null;

        public void Dispose()
        {
        }

        private static string FailFast()
        {
            Environment.FailFast("the misbehaving backend was asked to fail fast");
            return string.Empty;
        }

        private static string Fault()
        {
            NativeMethods.pai_crash();
            return string.Empty;
        }

        private static string Hang()
        {
            Thread.Sleep(Timeout.Infinite);
            return string.Empty;
        }
    }

    private static class NativeMethods
    {
        [DllImport("paitest", CallingConvention = CallingConvention.Cdecl)]
        public static extern int pai_answer();

        [DllImport("paitest", CallingConvention = CallingConvention.Cdecl)]
        public static extern void pai_crash();
    }
}
