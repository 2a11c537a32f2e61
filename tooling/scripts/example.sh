#!/bin/sh
# The README quick start's "run the main job": install, build the xqg CLI and the packages it composes, then run
# the built-in example (examples/quickstart: made-up passages, questions in 7 languages, tiny fixture models)
# end to end and print the report table. Outputs land in examples/quickstart/out; a second run reuses them.
set -e
here=$(cd "$(dirname "$0")" && pwd)
"$here/install.sh"
cd "$here/../.."
"$here/pnpm.sh" exec turbo run build --filter=xqg... --output-logs=errors-only
node apps/runner/dist/bin.js run examples/quickstart/xqg.yaml
