#!/usr/bin/env bash
# Many small files in deep folders (issue #11): 100,000 files of 40 B-2 KiB, one per folder in ~106,000 folders
# (bench/gen_small.py). First checkpoint and nothing changed, PersistStore (engine command line, and the module in a
# fresh pwsh) vs restic vs borg (lz4), side by side in one run; store sizes. Prints a markdown table of medians.
#   bench/small-files.sh [WORKDIR (default /var/tmp/pssmall)] [REPETITIONS (default 3)]
# Needs root (it drops the page cache before every timed step). Installs restic, borgbackup and lz4 with apt.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
repo=$(dirname "$here")
shared=${SHARED:-$(cd "$repo/.." && pwd)/shared}
work=${1:-/var/tmp/pssmall}
reps=${2:-3}

source "$here/lib.sh"
[ -d "$work/data" ] || python3 "$here/gen_small.py" "$work/data" --seed 1

for rep in $(seq 1 "$reps"); do
  echo "repetition $rep of $reps" >&2
  rm -rf "$work/repos"
  mkdir -p "$work/repos"
  restic init -r "$work/repos/restic" --quiet >/dev/null
  borg init -e none "$work/repos/borg" >/dev/null 2>&1
  pss="$work/repos/ps.pstore"
  cd "$work"
  for step in first nochange; do
    hot data "$pss";               timed "$step/persiststore" "${ps[@]}" ps-checkpoint "$pss" data "$work/data"
    pwsh_checkpoint "$step" "$work/repos/pwsh.pstore" "$work/data"
    hot data "$work/repos/restic"; timed "$step/restic" restic -r "$work/repos/restic" backup data --quiet
    hot data "$work/repos/borg";   timed "$step/borg-lz4" borg create --compression lz4 "$work/repos/borg::$step" data
  done
  size persiststore "$pss"
  size restic "$work/repos/restic"
  size borg-lz4 "$work/repos/borg"
done

print_table
