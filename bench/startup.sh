#!/usr/bin/env bash
# What a scheduled task pays in real pwsh on every run (issue #10): pwsh alone, + Import-Module PersistStore, + a first
# Get-Run, + a nothing-changed New-Checkpoint of the shared benchmark tree; each a fresh process (hyperfine), then the
# same checkpoint as a second call in one session. Prints a markdown table.
#   bench/startup.sh [WORKDIR (default /var/tmp/psbench)] [RUNS (default 10)]
# Needs the module built as it ships (dotnet tool restore && dotnet pwsh ./build.ps1 -Task Build -Configuration Release)
# and hyperfine (apt).
set -euo pipefail
repo=$(cd "$(dirname "$0")/.." && pwd)
shared=${SHARED:-$(cd "$repo/.." && pwd)/shared}
work=${1:-/var/tmp/psbench}
runs=${2:-10}
command -v hyperfine >/dev/null || { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq hyperfine >/dev/null; }
pwsh="$(cd "$repo" && dotnet pwsh -NoProfile -c '$PSHOME')/pwsh"   # the repository's local pwsh tool
module="$repo/out/PersistStore/PersistStore.psd1"
mkdir -p "$work"
[ -d "$work/pristine" ] || python3 "$shared/bench/gen_data.py" "$work/pristine" --seed 1 >/dev/null
store="$work/startup.pstore"
rm -rf "$store"
"$pwsh" -NoProfile -c "Import-Module '$module'; New-Run bench -Path '$work/pristine' -Store '$store' | Out-Null; New-Checkpoint bench -Store '$store' | Out-Null"
cd "$repo"   # dotnet pwsh finds the local tool manifest from here
hyperfine -N --warmup 2 --runs "$runs" --export-markdown "$work/startup.md" \
  -n 'dotnet pwsh -NoProfile -c exit (the tool launcher)' "dotnet pwsh -NoProfile -c exit" \
  -n 'pwsh -NoProfile -c exit' "$pwsh -NoProfile -c exit" \
  -n '+ Import-Module' "$pwsh -NoProfile -c \"Import-Module '$module'\"" \
  -n '+ first Get-Run' "$pwsh -NoProfile -c \"Import-Module '$module'; Get-Run -Store '$store' | Out-Null\"" \
  -n '+ nothing-changed New-Checkpoint' "$pwsh -NoProfile -c \"Import-Module '$module'; New-Checkpoint bench -Store '$store' | Out-Null\"" >/dev/null
cat "$work/startup.md"
echo
"$pwsh" -NoProfile -c "
  Import-Module '$module'
  \$first = Measure-Command { New-Checkpoint bench -Store '$store' | Out-Null }
  \$second = 1..5 | ForEach-Object { (Measure-Command { New-Checkpoint bench -Store '$store' | Out-Null }).TotalSeconds } | Sort-Object
  'In one session: first nothing-changed New-Checkpoint {0:N3} s; the next five {1}' -f \$first.TotalSeconds, ((\$second | ForEach-Object { '{0:N3}' -f \$_ }) -join ', ')"
