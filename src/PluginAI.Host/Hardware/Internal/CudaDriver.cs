using System.Globalization;
using System.Runtime.InteropServices;

namespace PluginAI.Host.Hardware.Internal;

/// <summary>Asks the installed CUDA driver (libcuda) which CUDA version it supports, without any CUDA package.</summary>
internal static class CudaDriver
{
    public static unsafe string? TryGetVersion()
    {
        var name = OperatingSystem.IsWindows() ? "nvcuda.dll" : "libcuda.so.1";
        if (!NativeLibrary.TryLoad(name, out var handle))
        {
            return null;
        }

        try
        {
            if (!NativeLibrary.TryGetExport(handle, "cuDriverGetVersion", out var export))
            {
                return null;
            }

            int version;
            var result = ((delegate* unmanaged<int*, int>)export)(&version);
            return result == 0 && version > 0
                ? string.Create(CultureInfo.InvariantCulture, $"{version / 1000}.{version % 1000 / 10}")
                : null;
        }
        finally
        {
            NativeLibrary.Free(handle);
        }
    }
}
