#!/usr/bin/env bash
# Makes sure `kubectl` is on PATH for test/kube-apiserver/kubectl.test.ts: does nothing when one is
# already there, else installs Debian's kubernetes-client package (kubectl 1.20).
set -euo pipefail

if command -v kubectl >/dev/null 2>&1; then
  exit 0
fi
echo "bootstrap: installing Debian package: kubernetes-client (kubectl)" >&2
sudo_cmd=()
[ "$(id -u)" -eq 0 ] || sudo_cmd=(sudo)
export DEBIAN_FRONTEND=noninteractive
"${sudo_cmd[@]}" apt-get install -y --no-install-recommends kubernetes-client ||
  { "${sudo_cmd[@]}" apt-get update && "${sudo_cmd[@]}" apt-get install -y --no-install-recommends kubernetes-client; }
