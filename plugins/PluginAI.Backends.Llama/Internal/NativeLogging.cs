using LLama.Native;
using Microsoft.Extensions.Logging;

namespace PluginAI.Backends.Llama.Internal;

/// <summary>Sends llama.cpp's log to an <see cref="ILogger"/> instead of the process's standard output.</summary>
/// <remarks>
/// llama.cpp has one log callback per process, so it is set once and writes to the logger of the most recently created
/// backend. It must be set before the native library loads, which the first LLamaSharp call does; later it can only be
/// replaced through <see cref="NativeLogConfig.llama_log_set(NativeLogConfig.LLamaLogCallback)"/>.
/// </remarks>
internal static partial class NativeLogging
{
    private static readonly Lock s_lock = new();
    private static ILogger? s_logger;
    private static bool s_configured;
    private static ErrorCapture[] s_captures = [];

    public static void Route(ILogger logger)
    {
        lock (s_lock)
        {
            s_logger = logger;
            if (s_configured)
            {
                return;
            }

            if (NativeLibraryConfig.LLama.LibraryHasLoaded)
            {
                NativeLogConfig.llama_log_set(Write);
            }
            else
            {
                NativeLibraryConfig.All.WithLogCallback(Write);
            }

            s_configured = true;
        }
    }

    /// <summary>Collects llama.cpp's errors and warnings until disposed, to explain a failed load in the exception.</summary>
    /// <remarks>The log is process-wide, so a capture may also see messages of another load running at the same time.</remarks>
    public static ErrorCapture CaptureErrors()
    {
        var capture = new ErrorCapture();
        lock (s_lock)
        {
            s_captures = [.. s_captures, capture];
        }

        return capture;
    }

    private static void Write(LLamaLogLevel level, string message)
    {
        if (level is LLamaLogLevel.Error or LLamaLogLevel.Warning && s_captures is { Length: > 0 } captures)
        {
            foreach (var capture in captures)
            {
                capture.Add(message.Trim());
            }
        }

        var logger = s_logger;
        if (logger is null)
        {
            return;
        }

        // llama.cpp is chatty at info level (hundreds of lines per load), so its info becomes our debug.
        var mapped = level switch
        {
            LLamaLogLevel.Error => LogLevel.Error,
            LLamaLogLevel.Warning => LogLevel.Warning,
            LLamaLogLevel.Info => LogLevel.Debug,
            _ => LogLevel.Trace,
        };
        if (!logger.IsEnabled(mapped))
        {
            return;
        }

        message = message.TrimEnd('\n', '\r');
        if (message.Length > 0)
        {
            LogNative(logger, mapped, message);
        }
    }

    [LoggerMessage(Message = "llama.cpp: {Message}")]
    private static partial void LogNative(ILogger logger, LogLevel level, string message);

    internal sealed class ErrorCapture : IDisposable
    {
        private readonly List<string> _messages = [];

        public IReadOnlyList<string> Messages
        {
            get
            {
                lock (_messages)
                {
                    return [.. _messages];
                }
            }
        }

        public void Dispose()
        {
            lock (s_lock)
            {
                s_captures = [.. s_captures.Where(c => c != this)];
            }
        }

        internal void Add(string message)
        {
            lock (_messages)
            {
                if (message.Length > 0 && _messages.Count < 20)
                {
                    _messages.Add(message);
                }
            }
        }
    }
}
