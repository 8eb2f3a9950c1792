#!/usr/bin/env bash
# Scheduled cleanup, side by side (issue #12): four checkpoints of the shared benchmark data (the pristine tree, then
# the pristine tree with a 1% mutation of seed 2, 3 and 4), then half of them removed and their space reclaimed (Remove-Checkpoint -KeepLast 2 and
# Optimize-PersistStore vs restic forget --keep-last 2 --prune vs borg prune + compact), then a check that reads
# every byte (Test-PersistStore -ReadData vs restic check --read-data vs borg check --verify-data), and retention
# planned and applied over 10,000 checkpoints. Prints a markdown table of medians (seconds, peak RSS, store sizes).
#   bench/maintenance.sh [WORKDIR (default /var/tmp/psbench)] [REPETITIONS (default 3)]
# Needs root (it drops the page cache before every timed step). Installs restic, borgbackup and lz4 with apt.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
repo=$(dirname "$here")
shared=${SHARED:-$(cd "$repo/.." && pwd)/shared}
work=${1:-/var/tmp/psbench}
reps=${2:-3}

source "$here/lib.sh"
[ -d "$work/pristine" ] || python3 "$shared/bench/gen_data.py" "$work/pristine" --seed 1 >/dev/null

for rep in $(seq 1 "$reps"); do
  echo "repetition $rep of $reps" >&2
  rm -rf "$work/data" "$work/repos"
  cp -a "$work/pristine" "$work/data"
  mkdir -p "$work/repos"
  restic init -r "$work/repos/restic" --quiet >/dev/null
  borg init -e none "$work/repos/borg" >/dev/null 2>&1
  pss="$work/repos/ps.pstore"
  cd "$work"
  for v in 1 2 3 4; do   # untimed: the history to clean up
    if [ "$v" -gt 1 ]; then   # mutate_data.py mutates a pristine tree once: each version is the pristine tree mutated with its own seed
      rm -rf "$work/data"; cp -a "$work/pristine" "$work/data"
      python3 "$shared/bench/mutate_data.py" "$work/data" --seed "$v" >/dev/null
    fi
    "${ps[@]}" ps-checkpoint "$pss" data "$work/data" >/dev/null
    restic -r "$work/repos/restic" backup data --quiet
    borg create --compression lz4 "$work/repos/borg::v$v" data
  done
  size before/persiststore "$pss"; size before/restic "$work/repos/restic"; size before/borg-lz4 "$work/repos/borg"

  hot "$pss";                timed "remove half+reclaim/persiststore" sh -c "${ps[*]} ps-remove '$pss' data 2 && ${ps[*]} ps-optimize '$pss' x"
  hot "$work/repos/restic";  timed "remove half+reclaim/restic" restic -r "$work/repos/restic" forget --keep-last 2 --prune --quiet
  hot "$work/repos/borg";    timed "remove half+reclaim/borg-lz4" sh -c "borg prune --keep-last 2 '$work/repos/borg' && borg compact '$work/repos/borg'"
  size after/persiststore "$pss"; size after/restic "$work/repos/restic"; size after/borg-lz4 "$work/repos/borg"

  hot;                       timed "read-data check/persiststore" "${ps[@]}" ps-check "$pss" x 100
  hot;                       timed "read-data check/restic" restic -r "$work/repos/restic" check --read-data --quiet
  hot;                       timed "read-data check/borg-lz4" borg check --verify-data "$work/repos/borg"
  hot "$pss";                timed "structure check/persiststore" "${ps[@]}" ps-check "$pss" x 0
  hot "$work/repos/restic";  timed "structure check/restic" restic -r "$work/repos/restic" check --quiet

  rm -rf "$work/repos/retention.pstore"
  timed "retention over 10,000 checkpoints (setup, plan, apply)/persiststore" "${ps[@]}" ps-retention "$work/repos/retention.pstore" x 10000
  grep -h "checkpoints: plan" "$work/step.log" >&2
done
print_table
