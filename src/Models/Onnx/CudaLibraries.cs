using System.Runtime.InteropServices;

namespace BioEval.Models.Onnx;

/// <summary>
/// Whether the CUDA 13 libraries the ONNX Runtime CUDA provider needs can be loaded, checked once per process.
/// A machine without them then goes straight to the CPU provider with one clear message instead of a native error.
/// </summary>
internal static class CudaLibraries
{
    private static readonly Lazy<string?> Missing = new(Probe);

    public static bool Available(out string reason)
    {
        reason = Missing.Value ?? "";
        return Missing.Value is null;
    }

    private static string? Probe()
    {
        string[] names = OperatingSystem.IsWindows()
            ? ["cudart64_13.dll", "cublasLt64_13.dll"]
            : ["libcudart.so.13", "libcublasLt.so.13"];
        foreach (var name in names)
        {
            if (!NativeLibrary.TryLoad(name, out var handle)) return $"{name} not found";
            NativeLibrary.Free(handle);
        }
        return null;
    }
}
