#!/bin/sh
# Clusters without Redis: `--shard i/N` as a Slurm array job (one task per shard: generation, passage
# encoding and Σq of a contiguous part of the corpus), then one job that merges the shards in corpus order and
# runs the rest (fusion, search, evaluation, report) once every task has succeeded. Every node must see the
# config's paths (a shared filesystem). Submit from the folder of repro.yaml:
#   sh apps/runner/deploy/slurm.sh repro.yaml 64
# A failed or preempted task is simply resubmitted: finished units are kept (manifests), and a unit whose
# node died is taken over once its lease's heartbeat stops (60 s).
set -e
config=${1:?usage: slurm.sh CONFIG SHARDS}
shards=${2:?usage: slurm.sh CONFIG SHARDS}
array=$(sbatch --parsable --array=0-$((shards - 1)) --job-name=xqg-shard --cpus-per-task=8 \
  --wrap="xqg run $config --shard \${SLURM_ARRAY_TASK_ID}/\${SLURM_ARRAY_TASK_COUNT} --threads 8 --quiet")
sbatch --dependency=afterok:"$array" --job-name=xqg-merge --cpus-per-task=8 \
  --wrap="xqg run $config --threads 8"
