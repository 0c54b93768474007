using System.Diagnostics;
using System.Runtime.InteropServices;
using LLama.Native;

namespace PluginAI.Backends.Llama.Internal.Grammar;

/// <summary>Asks llama.cpp whether it can parse a grammar, without putting the grammar into a sampler chain.</summary>
/// <remarks>
/// llama.cpp answers a grammar it cannot parse with a null sampler, which LLamaSharp 0.30.0 adds to the chain as is and
/// which then crashes the process on the first token. LLamaSharp exposes no call that returns the sampler, so this
/// looks up the two exports in the llama library LLamaSharp already loaded (found among the process's modules, so the
/// same copy) and creates and frees the sampler itself.
/// </remarks>
internal static class GbnfValidator
{
    private static readonly Lazy<Exports?> s_exports = new(FindExports);

    [UnmanagedFunctionPointer(CallingConvention.Cdecl)]
    private delegate nint InitGrammar(nint vocab, [MarshalAs(UnmanagedType.LPUTF8Str)] string grammar, [MarshalAs(UnmanagedType.LPUTF8Str)] string root);

    [UnmanagedFunctionPointer(CallingConvention.Cdecl)]
    private delegate void FreeSampler(nint sampler);

    [UnmanagedFunctionPointer(CallingConvention.Cdecl)]
    private delegate nint GetVocab(nint model);

    /// <summary>Gets a value indicating whether grammars can be checked in this process (the llama library was found).</summary>
    public static bool IsAvailable => s_exports.Value is not null;

    /// <summary>Checks that llama.cpp parses <paramref name="gbnf"/> for this model.</summary>
    /// <returns>False when llama.cpp rejects the grammar (its reason goes to the native log); true when it parses or cannot be checked.</returns>
    public static bool TryParse(SafeLlamaModelHandle model, string gbnf, string root)
    {
        if (s_exports.Value is not { } exports)
        {
            return true;
        }

        var added = false;
        model.DangerousAddRef(ref added);
        try
        {
            var sampler = exports.Init(exports.Vocab(model.DangerousGetHandle()), gbnf, root);
            if (sampler == 0)
            {
                return false;
            }

            exports.Free(sampler);
            return true;
        }
        finally
        {
            if (added)
            {
                model.DangerousRelease();
            }
        }
    }

    private static Exports? FindExports()
    {
        string[] names = ["libllama.so", "llama.dll", "libllama.dylib"];
        using var process = Process.GetCurrentProcess();
        foreach (ProcessModule module in process.Modules)
        {
            if (names.Contains(Path.GetFileName(module.FileName), StringComparer.OrdinalIgnoreCase)
                && NativeLibrary.TryLoad(module.FileName, out var handle)
                && NativeLibrary.TryGetExport(handle, "llama_sampler_init_grammar", out var init)
                && NativeLibrary.TryGetExport(handle, "llama_sampler_free", out var free)
                && NativeLibrary.TryGetExport(handle, "llama_model_get_vocab", out var vocab))
            {
                return new Exports(
                    Marshal.GetDelegateForFunctionPointer<InitGrammar>(init),
                    Marshal.GetDelegateForFunctionPointer<FreeSampler>(free),
                    Marshal.GetDelegateForFunctionPointer<GetVocab>(vocab));
            }
        }

        return null;
    }

    private sealed record Exports(InitGrammar Init, FreeSampler Free, GetVocab Vocab);
}
