#!/usr/bin/env bash
# Rebuilds registry/feed: signed packages of the small first-party plugins, for trying the registry without a server.
# The packages are signed with the key in registry/sample-keys/ (created on first run; the private key never leaves
# this machine and is not committed). Users who want to install from the sample feed trust its public key:
#   pluginai keys trust registry/feed/sample-publisher.pub.json --role publisher
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
feed="$root/registry/feed"
keys="$root/registry/sample-keys"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

dotnet build "$root/src/PluginAI.Cli" -c Release -p:PluginAIBundlePlugins=false -nologo -v q
pluginai=(dotnet "$root/src/PluginAI.Cli/bin/Release/net10.0/pluginai.dll" --home "$work/home")

if [[ ! -f "$keys/sample-publisher.key.json" ]]; then
  "${pluginai[@]}" keys new sample-publisher >/dev/null
  mkdir -p "$keys"
  cp "$work/home/keys/sample-publisher.key.json" "$work/home/keys/sample-publisher.pub.json" "$keys/"
  chmod 600 "$keys/sample-publisher.key.json"
fi

rm -f "$feed"/*.nupkg
mkdir -p "$feed"
for plugin in PluginAI.Redaction PluginAI.Citations PluginAI.Prompting; do
  dotnet build "$root/plugins/$plugin" -c Release -nologo -v q
  dotnet msbuild "$root/plugins/$plugin" -t:PluginAICopyToBundle -p:Configuration=Release -p:PluginAIBundleDirectory="$work/build/" -nologo -v q
  "${pluginai[@]}" pack "$work/build/$plugin" -o "$feed" --key "$keys/sample-publisher.key.json" --contributors "$root"
done
cp "$keys/sample-publisher.pub.json" "$feed/"
ls -l "$feed"
