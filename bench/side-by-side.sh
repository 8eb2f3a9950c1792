#!/usr/bin/env bash
# PersistStore vs restic vs borg (lz4) vs tar|lz4 on the shared/bench data set, side by side in one run
# (SPEC section 5). Prints a markdown table of medians: seconds and peak RSS per step, and store sizes. PersistStore
# runs twice per checkpoint step: its engine command line, and the module in a fresh pwsh (its own store).
#   bench/side-by-side.sh [WORKDIR (default /var/tmp/psbench)] [REPETITIONS (default 3)]
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
  rm -rf "$work/data" "$work/repos" "$work"/out-*
  cp -a "$work/pristine" "$work/data"
  mkdir -p "$work/repos" "$work/out-restic" "$work/out-borg"
  restic init -r "$work/repos/restic" --quiet >/dev/null
  borg init -e none "$work/repos/borg" >/dev/null 2>&1
  pss="$work/repos/ps.pstore"
  cd "$work"

  for step in first nochange mutated; do
    [ "$step" = mutated ] && python3 "$shared/bench/mutate_data.py" "$work/data" --seed 2 >/dev/null
    hot data "$pss";           timed "$step/persiststore" "${ps[@]}" ps-checkpoint "$pss" data "$work/data"
    pwsh_checkpoint "$step" "$work/repos/pwsh.pstore" "$work/data"
    [ "$step" = nochange ] && pwsh_second_call "$step" "$work/repos/pwsh.pstore"
    hot data "$work/repos/restic"; timed "$step/restic" restic -r "$work/repos/restic" backup data --quiet
    hot data "$work/repos/borg";   timed "$step/borg-lz4" borg create --compression lz4 "$work/repos/borg::$step" data
    if [ "$step" = first ]; then
      hot data; timed "first/tar|lz4-1" sh -c "tar cf - data | lz4 -1 -q > '$work/repos/data.tar.lz4'"
    fi
  done
  size persiststore "$pss"
  size restic "$work/repos/restic"
  size borg-lz4 "$work/repos/borg"

  # The way back: a full restore into an empty folder, and a revert of the mutated folder to the first checkpoint.
  first_restic=$(restic -r "$work/repos/restic" snapshots --json | python3 -c 'import json,sys; print(json.load(sys.stdin)[0]["id"])')
  hot "$work/repos/restic"; timed "export/restic" restic -r "$work/repos/restic" restore "$first_restic" --target "$work/out-restic"
  hot "$work/repos/borg";   timed "export/borg-lz4" sh -c "cd '$work/out-borg' && borg extract '$work/repos/borg::first'"
  hot "$pss";               timed "export/persiststore" "${ps[@]}" ps-export "$pss" data 1 "$work/out-ps"
  hot data "$pss";          timed "revert/persiststore" "${ps[@]}" ps-revert "$pss" data 1
  diff -r "$work/pristine" "$work/data" > /dev/null || { echo "revert did not restore the pristine tree"; exit 1; }
  diff -r "$work/pristine" "$work/out-ps" > /dev/null || { echo "export differs from the pristine tree"; exit 1; }
done

print_table
