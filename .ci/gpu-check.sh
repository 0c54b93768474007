#!/usr/bin/env bash
# Checks the ONNX embedding backend on an NVIDIA GPU: all-MiniLM-L6-v2 through ONNX Runtime's CUDA execution provider
# against the CPU, one cosine per fixed sentence (each must be >= 0.999), and the provider that actually ran.
#
# Needs no .NET SDK: it runs the self-contained app built beforehand on a linux-x64 machine with
#   dotnet publish tests/PluginAI.Backends.Onnx.GpuCheck -c Release -r linux-x64 --self-contained \
#     -p:OnnxRuntimeFlavor=cuda -p:InvariantGlobalization=true -o artifacts/onnx-gpu-check
# and carried to the GPU machine (about 480 MB, most of it libonnxruntime_providers_cuda.so and the model).
#
# Usage: .ci/gpu-check.sh [published-folder]      (default: artifacts/onnx-gpu-check)
# Exit code: 0 pass, 1 a cosine below 0.999, 2 CUDA did not run, 3 the app is missing.
set -uo pipefail

app_dir="${1:-artifacts/onnx-gpu-check}"
app="$app_dir/PluginAI.Backends.Onnx.GpuCheck"
if [[ ! -x "$app" ]]; then
  echo "gpu-check: $app not found; publish it first (see the top of this script)" >&2
  exit 3
fi

# ONNX Runtime 1.31's CUDA provider loads CUDA 13's cuBLAS, cuBLASLt, cuRAND and runtime, and cuDNN 9. They may be
# a system CUDA toolkit or the nvidia-* pip wheels of a Python environment; put every folder that holds one on the
# library path, ahead of anything already there.
lib_dirs=$(find /usr/local /usr/lib /usr/lib64 /opt "$HOME" -xdev \
    \( -name 'libcublasLt.so.13*' -o -name 'libcublas.so.13*' -o -name 'libcudart.so.13*' \
       -o -name 'libcurand.so.10*' -o -name 'libcufft.so.12*' -o -name 'libcudnn.so.9*' \) \
    -printf '%h\n' 2>/dev/null | sort -u | paste -sd: -)
export LD_LIBRARY_PATH="${lib_dirs}${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}"
echo "gpu-check: CUDA library folders: ${lib_dirs:-none found}"
nvidia-smi --query-gpu=name,driver_version,memory.total --format=csv,noheader 2>/dev/null || echo "gpu-check: nvidia-smi not available"

export DOTNET_SYSTEM_GLOBALIZATION_INVARIANT=1
export DOTNET_CLI_TELEMETRY_OPTOUT=1
cache="${TMPDIR:-/tmp}/pluginai-onnx-gpu-check"
"$app" --cache "$cache"
status=$?
echo "gpu-check: exit code $status"
exit $status
