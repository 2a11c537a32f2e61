#!/bin/sh
# A Slurm array job per level of the plan, each after the previous level's job has succeeded (afterok): every
# unit of a level is one array task running `xqg unit CONFIG KEY`. Every node must see the config's paths (a
# shared filesystem). Submit from the folder of the config:
#   sh slurm-units.sh xqg.yaml
# Resubmitting after a failure submits only what is not done: finished units are in `xqg plan` as done.
# XQG names the command on the nodes (default: xqg); SLURM_CPUS (default 8) the cores per task.
set -e
config=${1:?usage: slurm-units.sh CONFIG}
here=$(cd "$(dirname "$0")" && pwd)
xqg=${XQG:-xqg}
cpus=${SLURM_CPUS:-8}
after=""
$xqg plan "$config" --json | node "$here/levels.mjs" > "${TMPDIR:-/tmp}/xqg-levels.$$"
while read -r keys; do
  count=$(printf '%s\n' $keys | wc -l)
  # the task's unit: the word at SLURM_ARRAY_TASK_ID of this level's keys
  task="set -- $keys; shift \$SLURM_ARRAY_TASK_ID; $xqg unit \"$config\" \"\$1\" --threads $cpus --quiet"
  job=$(sbatch --parsable --array=0-$((count - 1)) --job-name=xqg-units --cpus-per-task="$cpus" \
    ${after:+--dependency=afterok:$after} --wrap="$task")
  after=$job
done < "${TMPDIR:-/tmp}/xqg-levels.$$"
rm -f "${TMPDIR:-/tmp}/xqg-levels.$$"
echo "submitted; the last job is $after"
