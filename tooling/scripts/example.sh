#!/bin/sh
# The README quick start's "run the main job on the built-in example". Until the xqg runner takes it over,
# it runs the @xqg/corpus example end to end: install, build, then write a corpus, shard it, stream
# embeddings into .npy files with ids sidecars and read them back.
set -e
here=$(cd "$(dirname "$0")" && pwd)
"$here/install.sh"
cd "$here/../.."
"$here/pnpm.sh" --filter @xqg/corpus run build
"$here/pnpm.sh" --filter @xqg/corpus run example
