#!/bin/sh
# `npm run release`, run by .github/workflows/release.yml after the "Version packages" pull request is merged:
# builds the published packages and publishes those whose version is not on npm yet (changeset publish).
# With --dry-run it packs and checks everything and publishes nothing (the test suite runs it that way).
# Other arguments go to `changeset publish` (the consumer test publishes to a local registry, chosen with
# npm_config_registry and npm_config_userconfig, with --no-git-tag); CI passes none.
set -e
XQG_ROOT=$(cd "$(dirname "$0")/../.." && pwd)
. "$XQG_ROOT/tooling/scripts/env.sh"
use_supported_node
use_pnpm
cd "$XQG_ROOT"
pnpm exec turbo run build --filter='./packages/*' --filter='./apps/*' --output-logs=errors-only
if [ "$1" = "--dry-run" ]; then
  pnpm -r publish --dry-run --no-git-checks
else
  pnpm exec changeset publish "$@"
fi
