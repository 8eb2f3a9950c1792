#!/usr/bin/env bash
# The PostgreSQL backend and Start-Migration on the shared benchmark data (issue #13), PostgreSQL and SQLite side by
# side in one run: the first checkpoint, a nothing-changed checkpoint and a full export on each backend; then
# Start-Migration SQLite -> PostgreSQL (throughput in MB/s of chunks copied), the same migration again (a no-op), and
# PostgreSQL -> SQLite. The engine's command line (as side-by-side.sh), a private PostgreSQL 15 on this machine
# (tools/postgres-test-server.sh: default settings, fsync on, reached over TCP on 127.0.0.1). Prints medians.
#   bench/postgres.sh [WORKDIR (default /var/tmp/psbench)] [REPETITIONS (default 3)]
# Needs root (page cache drops, and the server runs as the postgres user).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
repo=$(dirname "$here")
shared=${SHARED:-$(cd "$repo/.." && pwd)/shared}
work=${1:-/var/tmp/psbench}
reps=${2:-3}

source "$here/lib.sh"
[ -d "$work/pristine" ] || python3 "$shared/bench/gen_data.py" "$work/pristine" --seed 1 >/dev/null
line=$(bash "$repo/tools/postgres-test-server.sh" start 55499)
server=${line%;ServerFolder=*}
folder=${line##*ServerFolder=}
trap 'bash "$repo/tools/postgres-test-server.sh" stop "$folder"' EXIT
pgsize() {   # pgsize LABEL SCHEMA: every table of the schema with its TOAST and indexes
  printf 'size/%s\t%s\t%s\t0\n' "$1" "$rep" "$(su postgres -s /bin/sh -c "psql -h '$folder' -p 55499 -d persiststore -tAc \"SELECT SUM(pg_total_relation_size(c.oid)) FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = '$2' AND c.relkind = 'r'\"")" >> "$results"
}

for rep in $(seq 1 "$reps"); do
  echo "repetition $rep of $reps" >&2
  rm -rf "$work/data" "$work/repos" "$work/out"
  cp -a "$work/pristine" "$work/data"
  mkdir -p "$work/repos"
  sq="$work/repos/ps.pstore"
  pg="$server;Search Path=bench_$rep"
  cd "$work"

  hot "$work/data";  timed "first checkpoint/sqlite" "${ps[@]}" ps-checkpoint "$sq" data "$work/data"
  hot "$work/data";  timed "first checkpoint/postgresql" "${ps[@]}" ps-checkpoint "$pg" data "$work/data"
  hot "$work/data" "$sq";  timed "nothing changed/sqlite" "${ps[@]}" ps-checkpoint "$sq" data "$work/data"
  hot "$work/data";  timed "nothing changed/postgresql" "${ps[@]}" ps-checkpoint "$pg" data "$work/data"
  hot "$sq";  timed "full export/sqlite" "${ps[@]}" ps-export "$sq" data 1 "$work/out/sq"
  hot;        timed "full export/postgresql" "${ps[@]}" ps-export "$pg" data 1 "$work/out/pg"
  diff -r "$work/out/sq" "$work/out/pg" >/dev/null || { echo "exports differ"; exit 1; }
  size sqlite "$sq"; pgsize postgresql "bench_$rep"

  hot "$sq";  timed "migrate sqlite -> postgresql (new schema)/engine" "${ps[@]}" ps-migrate "$sq" x "$server;Search Path=moved_$rep"
  grep -h "migrated" "$work/step.log" >&2
  hot "$sq";  timed "migrate again, nothing to copy/engine" "${ps[@]}" ps-migrate "$sq" x "$server;Search Path=moved_$rep"
  grep -h "migrated" "$work/step.log" >&2
  hot;        timed "migrate postgresql -> sqlite (new folder)/engine" "${ps[@]}" ps-migrate "$server;Search Path=moved_$rep" x "$work/repos/back.pstore"
  grep -h "migrated" "$work/step.log" >&2
  pgsize "postgresql after migration" "moved_$rep"
done
print_table
