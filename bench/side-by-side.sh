#!/usr/bin/env bash
# PersistStore vs restic vs borg (lz4) vs tar|lz4 on the shared/bench data set, side by side in one run
# (SPEC section 5). Prints a markdown table of medians: seconds and peak RSS per step, and store sizes.
#   bench/side-by-side.sh [WORKDIR (default /var/tmp/psbench)] [REPETITIONS (default 3)]
# Needs root (it drops the page cache before every timed step). Installs restic, borgbackup and lz4 with apt.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
repo=$(dirname "$here")
shared=${SHARED:-$(cd "$repo/.." && pwd)/shared}
work=${1:-/var/tmp/psbench}
reps=${2:-3}

command -v restic >/dev/null && command -v borg >/dev/null && command -v lz4 >/dev/null || {
  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq restic borgbackup lz4 >/dev/null; }
# The engine's command line, published ReadyToRun as a shipped tool would be: restic and borg start as compiled
# programs too. (In a PowerShell session the engine is compiled once, by the session's first command.)
dotnet publish -c Release -r linux-x64 --self-contained false -p:PublishReadyToRun=true "$repo/bench/PersistStore.Benchmarks" \
  -o "$work/ps-cli" -v q -nologo >/dev/null
ps=(dotnet "$work/ps-cli/PersistStore.Benchmarks.dll")
mkdir -p "$work"
[ -d "$work/pristine" ] || python3 "$shared/bench/gen_data.py" "$work/pristine" --seed 1 >/dev/null
export RESTIC_PASSWORD=bench BORG_UNKNOWN_UNENCRYPTED_REPO_ACCESS_IS_OK=yes BORG_RELOCATED_REPO_ACCESS_IS_OK=yes

rm -rf "$work"/warmup.pstore*   # made by this build: an older build's store would be refused as an older format
results="$work/results.tsv"
: > "$results"
drop() { sync; echo 3 > /proc/sys/vm/drop_caches; }
# After the page cache is dropped every tool runs once doing nothing (its version, or opening a scratch store), so
# that no tool pays for cold program files a machine running it daily keeps cached (.NET's runtime and ICU, Python).
warm_programs() {
  restic version > /dev/null; borg --version > /dev/null; lz4 --version > /dev/null 2>&1
  "${ps[@]}" ps-warmup "$work/warmup.pstore" none > /dev/null
}
hot() {   # re-read what the step reads: folders, and store files (each tool's own store is hot for its step)
  drop
  warm_programs
  for d in "$@"; do
    # through cat: GNU tar writing to /dev/null itself skips reading file contents (runs 1-9 re-read no file data)
    if [ -d "$d" ]; then tar cf - -C "$d" . | cat > /dev/null; elif [ -f "$d" ]; then cat "$d" > /dev/null; fi
  done
}
timed() {   # timed LABEL command...  -> "label rep seconds maxrss_kb"
  local label=$1; shift
  /usr/bin/time -f "%e %M" -o "$work/time.out" "$@" > "$work/step.log" 2>&1 || { echo "FAILED: $label"; cat "$work/step.log"; exit 1; }
  read -r secs kb < "$work/time.out"
  printf '%s\t%s\t%s\t%s\n' "$label" "$rep" "$secs" "$kb" >> "$results"
}
size() { printf 'size/%s\t%s\t%s\t0\n' "$1" "$rep" "$(du -sb "${@:2}" | awk '{s += $1} END {print s}')" >> "$results"; }

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
    hot data "$work/repos/restic"; timed "$step/restic" restic -r "$work/repos/restic" backup data --quiet
    hot data "$work/repos/borg";   timed "$step/borg-lz4" borg create --compression lz4 "$work/repos/borg::$step" data
    if [ "$step" = first ]; then
      hot data; timed "first/tar|lz4-1" sh -c "tar cf - data | lz4 -1 -q > '$work/repos/data.tar.lz4'"
    fi
  done
  size persiststore "$pss"*
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

python3 - "$results" <<'PY'
import collections, statistics, sys
rows = collections.defaultdict(list)
for line in open(sys.argv[1]):
    label, rep, value, kb = line.rstrip("\n").split("\t")
    rows[label].append((float(value), int(kb)))
print("| step / tool | median | peak RSS (median) | runs |")
print("|---|---|---|---|")
for label, values in rows.items():
    v = statistics.median(x for x, _ in values)
    m = statistics.median(k for _, k in values)
    shown = f"{v / 1048576:,.0f} MiB" if label.startswith("size/") else f"{v:.2f} s"
    print(f"| {label} | {shown} | {'' if label.startswith('size/') else f'{m / 1024:,.0f} MiB'} | {len(values)} |")
PY
