#!/usr/bin/env bash
# Lock benchmarks with real processes (SPEC section 5, issue "Run locks"):
#   - acquisitions per second when 2, 4 and 8 processes contend for one run (each: ITERATIONS x Enter+Exit);
#   - takeover time: a waiter is polling when the holder is killed with kill -9; time from the kill to the lock;
#   - the same for a suspended holder (SIGSTOP) whose 2 s lease must run out first.
# Usage: bash bench/locks.sh [WORKDIR] [ITERATIONS]   (after dotnet tool restore && dotnet pwsh ./build.ps1 -Task Build)
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
PWSH=$(cd "$ROOT" && dotnet pwsh -NoProfile -c '$PSHOME')/pwsh   # the repository's local pwsh tool
WORK=${1:-$(mktemp -d)}
K=${2:-200}
mkdir -p "$WORK"
ps_run() { "$PWSH" -NoProfile -NonInteractive -Command "Import-Module '$ROOT/out/PersistStore/PersistStore.psd1'; $1"; }
ticks_now() { echo $(( $(date +%s%N) / 100 + 621355968000000000 )); }   # .NET UTC ticks

echo "| contending processes | acquisitions | seconds | acquisitions/s |"
echo "|---|---|---|---|"
for N in 2 4 8; do
  store="$WORK/handoff-$N.pstore"; go="$WORK/go-$N"; rm -f "$store"* "$go" "$WORK"/out-$N-*
  ps_run "New-Run contended -Store '$store' | Out-Null"
  for i in $(seq "$N"); do
    ps_run "
      'ready'
      while (-not [IO.File]::Exists('$go')) { [Threading.Thread]::Sleep(2) }
      \$start = [DateTime]::UtcNow.Ticks
      for (\$i = 0; \$i -lt $K; \$i++) { Enter-RunLock contended -Store '$store' -Timeout 600 | Out-Null; Exit-RunLock contended -Store '$store' }
      '{0} {1}' -f \$start, [DateTime]::UtcNow.Ticks" > "$WORK/out-$N-$i.txt" &
  done
  until [ "$(cat "$WORK"/out-$N-*.txt 2>/dev/null | grep -c ready)" -eq "$N" ]; do sleep 0.1; done
  touch "$go"; wait
  awk -v n="$N" -v k="$K" '$1 ~ /^[0-9]+$/ { if (min == "" || $1 < min) min = $1; if ($2 > max) max = $2 }
      END { s = (max - min) / 1e7; printf "| %d | %d | %.2f | %.0f |\n", n, n * k, s, n * k / s }' "$WORK"/out-$N-*.txt
done

echo
echo "| takeover after kill -9 of the holder | seconds |"
echo "|---|---|"
for trial in 1 2 3; do
  store="$WORK/takeover.pstore"; rm -f "$store"*
  ps_run "New-Run victim -Store '$store' | Out-Null"
  ps_run "Enter-RunLock victim -Store '$store' | Out-Null; 'locked'; [Threading.Thread]::Sleep(600000)" > "$WORK/holder.txt" &
  holder=$!
  until grep -q locked "$WORK/holder.txt" 2>/dev/null; do sleep 0.05; done
  ps_run "'waiting'; Enter-RunLock victim -Store '$store' -Timeout 60 | Out-Null; [DateTime]::UtcNow.Ticks" > "$WORK/waiter.txt" &
  waiter=$!
  until grep -q waiting "$WORK/waiter.txt" 2>/dev/null; do sleep 0.05; done
  sleep 2   # the waiter is in its backoff loop now
  pkill -KILL -P "$holder" 2>/dev/null || true
  killed=$(ticks_now)
  wait "$waiter"
  acquired=$(tail -1 "$WORK/waiter.txt")
  awk -v a="$acquired" -v k="$killed" 'BEGIN { printf "| trial %d | %.3f |\n", '"$trial"', (a - k) / 1e7 }'
  { wait "$holder"; } 2>/dev/null || true
done

echo
echo "| takeover from a suspended (SIGSTOP) holder with a 2 s lease | seconds from SIGSTOP to the waiter holding the lock |"
echo "|---|---|"
for trial in 1 2 3; do
  store="$WORK/hung.pstore"; rm -f "$store"*
  ps_run "New-Run victim -Store '$store' | Out-Null"
  ps_run "Enter-RunLock victim -Lease 2 -Store '$store' | Out-Null; 'locked'; [Threading.Thread]::Sleep(600000)" > "$WORK/holder.txt" &
  holder=$!
  until grep -q locked "$WORK/holder.txt" 2>/dev/null; do sleep 0.05; done
  ps_run "'waiting'; Enter-RunLock victim -Store '$store' -Timeout 60 | Out-Null; [DateTime]::UtcNow.Ticks" > "$WORK/waiter.txt" &
  waiter=$!
  until grep -q waiting "$WORK/waiter.txt" 2>/dev/null; do sleep 0.05; done
  sleep 1
  pkill -STOP -P "$holder"
  stopped=$(ticks_now)
  wait "$waiter"
  acquired=$(tail -1 "$WORK/waiter.txt")
  awk -v a="$acquired" -v k="$stopped" 'BEGIN { printf "| trial %d | %.3f |\n", '"$trial"', (a - k) / 1e7 }'
  pkill -KILL -P "$holder" 2>/dev/null || true
  { wait "$holder"; } 2>/dev/null || true
done
