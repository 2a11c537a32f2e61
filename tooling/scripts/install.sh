#!/bin/sh
# Installs the workspace from the lockfile. onnxruntime-node's install script (CUDA download) never runs:
# its CPU binaries ship inside the npm package. Nothing compiles at install time.
set -e
here=$(cd "$(dirname "$0")" && pwd)
export ONNXRUNTIME_NODE_INSTALL=skip
"$here/pnpm.sh" install --frozen-lockfile --prefer-offline
