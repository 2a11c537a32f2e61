#!/bin/sh
# Runs the project's pinned pnpm on a supported Node (see env.sh), installing either when this machine lacks it.
set -e
XQG_ROOT=$(cd "$(dirname "$0")/../.." && pwd)
. "$XQG_ROOT/tooling/scripts/env.sh"
use_supported_node
use_pnpm
use_shared_digest
exec pnpm "$@"
