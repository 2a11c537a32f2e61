#!/bin/sh
# Runs the project's pinned pnpm, installing it with npm when this machine has none (corepack is not used).
set -e
PNPM_VERSION=10.34.8
root=$(cd "$(dirname "$0")/../.." && pwd)
bin="$root/node_modules/.pnpm-bootstrap/node_modules/.bin/pnpm"
if [ ! -x "$bin" ]; then
  npm install --silent --no-audit --no-fund --no-save --prefix "$root/node_modules/.pnpm-bootstrap" "pnpm@$PNPM_VERSION" >&2
fi
exec "$bin" "$@"
