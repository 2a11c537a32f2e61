#!/bin/sh
# The README quick start's "run the main job": install, build the xqg CLI and the packages it composes, then run
# the built-in example (examples/quickstart: made-up passages, questions in 7 languages, tiny fixture models)
# end to end and print the report table. Outputs land in examples/quickstart/out; a second run reuses them.
# On a machine whose Node is older than 22 it fetches Node 24 first (env.sh).
set -e
XQG_ROOT=$(cd "$(dirname "$0")/../.." && pwd)
. "$XQG_ROOT/tooling/scripts/env.sh"
use_supported_node
use_pnpm
"$XQG_ROOT/tooling/scripts/install.sh"
cd "$XQG_ROOT"
pnpm exec turbo run build --filter=xqg... --output-logs=errors-only
node apps/runner/dist/bin.js run examples/quickstart/xqg.yaml
