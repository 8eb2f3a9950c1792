# Shared by the side-by-side benchmark scripts (sourced): tools, the engine's command line, and the timing helpers.
# Expects: repo, work (the work folder), shared (the shared/ folder), and $rep set by the caller's loop.
command -v restic >/dev/null && command -v borg >/dev/null && command -v lz4 >/dev/null || {
  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq restic borgbackup lz4 >/dev/null; }
# The engine's command line, published ReadyToRun as a shipped tool would be: restic and borg start as compiled
# programs too. (In a PowerShell session the engine is compiled once, by the session's first command.)
dotnet publish -c Release -r linux-x64 --self-contained false -p:PublishReadyToRun=true "$repo/bench/PersistStore.Benchmarks" \
  -o "$work/ps-cli" -v q -nologo >/dev/null
ps=(dotnet "$work/ps-cli/PersistStore.Benchmarks.dll")
# The module as users run it: the laid-out module folder, in the repository's local pwsh.
(cd "$repo" && dotnet tool restore >/dev/null && dotnet pwsh -NoProfile -File ./build.ps1 -Task Build -Configuration Release >/dev/null)
pwsh="$(cd "$repo" && dotnet pwsh -NoProfile -c '$PSHOME')/pwsh"
module="$repo/out/PersistStore/PersistStore.psd1"
mkdir -p "$work"
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
# pwsh_checkpoint STEP STORE FOLDER: New-Checkpoint of the run "bench" (made untimed first) in a fresh pwsh, as a
# scheduled task runs it: the whole process (STEP/pwsh) and the cmdlet's own time inside it (STEP/pwsh cmdlet).
pwsh_checkpoint() {
  local step=$1 store=$2 folder=$3
  "$pwsh" -NoProfile -c "Import-Module '$module'; try { Get-Run bench -Store '$store' -ErrorAction Stop | Out-Null } catch { New-Run bench -Path '$folder' -Store '$store' | Out-Null }"
  hot "$folder" "$store"
  timed "$step/pwsh" "$pwsh" -NoProfile -c "Import-Module '$module'; \$t = Measure-Command { New-Checkpoint bench -Store '$store' | Out-Null }; [IO.File]::WriteAllText('$work/cmdlet.out', \$t.TotalSeconds)"
  printf '%s\t%s\t%s\t0\n' "$step/pwsh cmdlet" "$rep" "$(cat "$work/cmdlet.out")" >> "$results"
}
# pwsh_second_call STEP STORE: a nothing-changed New-Checkpoint as the second call in one pwsh session (the cmdlet's time).
pwsh_second_call() {
  "$pwsh" -NoProfile -c "Import-Module '$module'; New-Checkpoint bench -Store '$2' | Out-Null; \$t = Measure-Command { New-Checkpoint bench -Store '$2' | Out-Null }; [IO.File]::WriteAllText('$work/cmdlet.out', \$t.TotalSeconds)"
  printf '%s\t%s\t%s\t0\n' "$1/pwsh second call in a session" "$rep" "$(cat "$work/cmdlet.out")" >> "$results"
}
size() { printf 'size/%s\t%s\t%s\t0\n' "$1" "$rep" "$(du -sb "${@:2}" | awk '{s += $1} END {print s}')" >> "$results"; }


# The medians of every step and size in $results, as a markdown table.
print_table() {
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
    print(f"| {label} | {shown} | {'' if label.startswith('size/') or m == 0 else f'{m / 1024:,.0f} MiB'} | {len(values)} |")
PY
}
