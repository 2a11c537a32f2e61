#!/bin/sh
# The whole test suite from a fresh clone: install, lint, build, typecheck, test. Fails on the first failure.
set -e
here=$(cd "$(dirname "$0")" && pwd)
"$here/install.sh"
cd "$here/../.."
"$here/pnpm.sh" exec biome ci .
"$here/pnpm.sh" exec turbo run build typecheck test --output-logs=errors-only --concurrency=2
