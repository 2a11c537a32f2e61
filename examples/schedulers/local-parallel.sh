#!/bin/sh
# Runs a config's units level by level, each level's units N at a time (xargs -P): what a scheduler does with
# `xqg plan --json` and `xqg unit`, on one machine. Gives exactly the outputs of `xqg run CONFIG`.
#   sh local-parallel.sh xqg.yaml 4
# XQG names the command (default: xqg on PATH).
set -e
config=${1:?usage: local-parallel.sh CONFIG [PARALLEL]}
parallel=${2:-2}
here=$(cd "$(dirname "$0")" && pwd)
xqg=${XQG:-xqg}
$xqg plan "$config" --json | node "$here/levels.mjs" | while read -r keys; do
  # shellcheck disable=SC2086
  printf '%s\n' $keys | xargs -P "$parallel" -I KEY sh -c "$xqg unit \"$config\" KEY --quiet"
done
