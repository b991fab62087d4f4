#!/usr/bin/env bash
# Builds the vCenter simulator harness (test/vcsim/*.go) into .cache/vcsim/bin/vcsim-harness.
# Rebuilds only when the Go sources, this script, the Go toolchain or the govmomi package changed
# (a hash of those is kept next to the binary). Quiet on success; works from any directory.
set -euo pipefail

src_dir="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
repo_root="$(cd "$src_dir/../.." && pwd)"
cache="$repo_root/.cache/vcsim"
bin="$cache/bin/vcsim-harness"
stamp="$bin.hash"
govmomi=/usr/share/gocode/src/github.com/vmware/govmomi

fail() {
  echo "test/vcsim/build.sh: $*" >&2
  exit 1
}

missing="run 'bash scripts/bootstrap.sh' to install Go and the govmomi sources"
command -v go >/dev/null 2>&1 || fail "go is not installed; $missing"
[ -d "$govmomi/simulator" ] || fail "govmomi not found under $govmomi; $missing"

govmomi_version="$(dpkg-query -W -f='${Version}' golang-github-vmware-govmomi-dev 2>/dev/null || true)"
# Without dpkg, fingerprint the sources by name, size and modification time.
[ -n "$govmomi_version" ] ||
  govmomi_version="$(cd "$govmomi/.." && find govmomi -name '*.go' -printf '%p %s %T@\n' | LC_ALL=C sort | sha256sum)"

hash="$(
  {
    go version
    echo "govmomi $govmomi_version"
    cd "$src_dir"
    for f in build.sh $(LC_ALL=C ls -- *.go); do
      echo "== $f"
      cat -- "$f"
    done
  } | sha256sum | cut -d' ' -f1
)"

if [ -x "$bin" ] && [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$hash" ]; then
  exit 0
fi

mkdir -p "$cache/bin" "$cache/gopath" "$cache/gocache"
tmp="$(mktemp "$bin.XXXXXX")"
trap 'rm -f "$tmp"' EXIT
if ! output="$(cd "$src_dir" && GO111MODULE=off GOFLAGS= GOPATH="/usr/share/gocode:$cache/gopath" \
  GOCACHE="$cache/gocache" go build -trimpath -o "$tmp" . 2>&1)"; then
  echo "$output" >&2
  fail "building the simulator harness failed (see above)"
fi
chmod +x "$tmp"
mv -f "$tmp" "$bin"
trap - EXIT
echo "$hash" >"$stamp"
