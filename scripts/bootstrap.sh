#!/usr/bin/env bash
# Installs what the tests and the benchmark need on a fresh Debian machine, idempotently:
#   1. npm dependencies (which include the pinned Node.js runtime, see docs/adr/0001),
#   2. Go and the govmomi sources from Debian packages,
#   3. the vCenter simulator harness (test/vcsim), built once and cached under .cache/.
set -euo pipefail
cd "$(dirname "$0")/.."

if [ ! -x node_modules/.bin/node ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  echo "bootstrap: installing npm dependencies" >&2
  npm ci --no-audit --no-fund
fi

need_pkgs=()
command -v go >/dev/null 2>&1 || need_pkgs+=(golang-go)
[ -d /usr/share/gocode/src/github.com/vmware/govmomi/simulator ] || need_pkgs+=(golang-github-vmware-govmomi-dev)
if [ ${#need_pkgs[@]} -gt 0 ]; then
  echo "bootstrap: installing Debian packages: ${need_pkgs[*]}" >&2
  sudo_cmd=()
  [ "$(id -u)" -eq 0 ] || sudo_cmd=(sudo)
  export DEBIAN_FRONTEND=noninteractive
  "${sudo_cmd[@]}" apt-get install -y --no-install-recommends "${need_pkgs[@]}" ||
    { "${sudo_cmd[@]}" apt-get update && "${sudo_cmd[@]}" apt-get install -y --no-install-recommends "${need_pkgs[@]}"; }
fi

bash scripts/install-kubectl.sh
bash test/vcsim/build.sh >&2
