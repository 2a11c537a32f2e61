#!/bin/sh
# The README's test command (and .ci/run): install, lint, build, typecheck and every package's tests on Node 24,
# then the tests again on Node 22 — the two supported LTS lines. Each line is this machine's Node when its major
# matches, else the official binary fetched from the npm registry (env.sh). Fails on the first failure.
set -e
XQG_ROOT=$(cd "$(dirname "$0")/../.." && pwd)
. "$XQG_ROOT/tooling/scripts/env.sh"
cd "$XQG_ROOT"
base_path=$PATH
node24=$(node_dir_for 24)
node22=$(node_dir_for 22)

PATH="$node24:$base_path"
use_pnpm
use_shared_digest
started=$(date +%s)
"$XQG_ROOT/tooling/scripts/install.sh"
# the queue tests (apps/runner/test/queue-*.test.ts) start a real redis-server; install it where we may
command -v redis-server >/dev/null || {
  if [ "$(id -u)" = 0 ] && (apt-get update -qq && apt-get install -y -qq redis-server) >/dev/null 2>&1; then
    echo "xqg: installed redis-server for the queue tests"
  else
    echo "xqg: redis-server not installed (needs root and apt-get); the queue tests will skip"
  fi
}
pnpm exec biome ci .
XQG_NODE_LINE=24 pnpm exec turbo run build typecheck test --output-logs=errors-only --concurrency=2
on24=$(($(date +%s) - started))

PATH="$node22:$base_path"
use_pnpm
started=$(date +%s)
XQG_NODE_LINE=22 pnpm exec turbo run test --output-logs=errors-only --concurrency=2
on22=$(($(date +%s) - started))

echo "xqg: all checks passed: Node $("$node24/node" -v) ${on24}s (install, lint, build, typecheck, test), Node $("$node22/node" -v) ${on22}s (test)"
