#!/usr/bin/env bash
# Installs the Debian 12 packages layerscope needs to build and test, but only the missing
# ones, so a second run costs nothing. Needs root (or sudo) only when something is missing.
set -euo pipefail
build_pkgs=(build-essential cmake ninja-build pkg-config
  libarchive-dev libisal-dev libzstd-dev libssl-dev libcurl4-openssl-dev
  nlohmann-json3-dev libcli11-dev libfmt-dev libxxhash-dev libsqlite3-dev libyaml-cpp-dev)
test_pkgs=(libgtest-dev libgmock-dev libbenchmark-dev python3 zstd isal pigz libarchive-tools
  libxml2-utils cmark-gfm docker-registry skopeo apache2-utils openssl ca-certificates curl
  clang libclang-rt-14-dev
  chromium)  # headless: renders the HTML report in tests/e2e/html_report.py
want=("${build_pkgs[@]}")
if [ "${1:-}" = "--test" ]; then want+=("${test_pkgs[@]}"); fi
missing=()
for p in "${want[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
done
SUDO=""; [ "$(id -u)" -eq 0 ] || SUDO="sudo"
export DEBIAN_FRONTEND=noninteractive
if [ ${#missing[@]} -gt 0 ]; then
  echo "deps: installing ${missing[*]}" >&2
  $SUDO apt-get update -qq
  $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

# The SARIF schema validator (Ajv + ajv-formats) comes from the npm registry, pinned by
# tests/schemas/package-lock.json, into tests/schemas/node_modules/ (git-ignored). npm ci
# runs only when that tree is missing or older than the lock file.
if [ "${1:-}" = "--test" ]; then
  if ! command -v npm >/dev/null; then
    echo "deps: installing nodejs npm" >&2
    $SUDO apt-get update -qq
    $SUDO apt-get install -y -qq --no-install-recommends nodejs npm >/dev/null
  fi
  schemas="$(cd "$(dirname "$0")/.." && pwd)/tests/schemas"
  if [ ! -f "$schemas/node_modules/ajv/package.json" ] ||
     [ "$schemas/package-lock.json" -nt "$schemas/node_modules/.package-lock.json" ]; then
    echo "deps: npm ci in tests/schemas" >&2
    (cd "$schemas" && npm ci --no-audit --no-fund --loglevel=error >/dev/null)
  fi
fi
