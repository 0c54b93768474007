#!/usr/bin/env bash
# GPU check of the hardware probe: runs 'pluginai doctor --json' on a machine with an NVIDIA GPU and checks that the
# GPU, its memory and its CUDA version are reported.
#
# Needs no .NET SDK there: build a trimmed, self-contained single file here (about 15 MB) and carry it:
#   dotnet publish src/PluginAI.Cli -c Release -r linux-x64 --self-contained -p:PluginAIBundlePlugins=false \
#     -p:PublishTrimmed=true -p:TrimMode=partial -p:TreatWarningsAsErrors=false -p:PublishSingleFile=true \
#     -p:EnableCompressionInSingleFile=true -p:JsonSerializerIsReflectionEnabledByDefault=true -p:DebugType=none \
#     -p:GenerateDocumentationFile=false -o .gpu
# Usage: .ci/gpu-doctor.sh [folder holding pluginai] [output folder]
# Exit code: 0 when an NVIDIA GPU is reported with its memory, 1 otherwise.
set -uo pipefail
bin="${1:-.gpu}/pluginai"
out="${2:-${OUT:-/tmp}}"
nvidia-smi --query-gpu=name,memory.total,driver_version --format=csv,noheader 2>&1
PLUGINAI_HOME="$(mktemp -d)" "$bin" doctor --json > "$out/doctor.json" || exit 1
python3 - "$out/doctor.json" <<'PY'
import json, sys
gpus = [a for a in json.load(open(sys.argv[1]))["hardware"]["accelerators"] if a["type"].lower() == "gpu" and a["vendor"] == "nvidia"]
for g in gpus:
    print(g["name"], round(g["memoryBytes"] / 2**30, 1), "GiB", [f'{x["api"]} {x.get("version")}' for x in g["apis"]], g.get("driver"))
ok = bool(gpus) and all(g["memoryBytes"] > 0 for g in gpus)
print("RESULT:", "PASS" if ok else "FAIL")
sys.exit(0 if ok else 1)
PY
