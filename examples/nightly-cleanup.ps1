# Nightly cleanup of a PersistStore store, for a scheduled task: retention, space reclaim, and a check that reads
# a share of the data. Safe while other scripts take checkpoints. Prints one line; exit code 1 when the check
# finds an error (a checkpoint that cannot be restored in full, or broken records), 0 otherwise.
#   pwsh -NoProfile -NonInteractive -File nightly-cleanup.ps1     (the store: $env:PERSISTSTORE_STORE or the per-user default)
$keepLast = 3; $keepDaily = 14; $keepWeekly = 8; $keepMonthly = 12
$readDataPercent = 10   # about a tenth of the packs a night: everything is read within a few weeks

$ErrorActionPreference = 'Stop'
$ProgressPreference = 'SilentlyContinue'
$started = Get-Date
$removed = @(Get-Run | Remove-Checkpoint -KeepLast $keepLast -KeepDaily $keepDaily -KeepWeekly $keepWeekly -KeepMonthly $keepMonthly -Confirm:$false |
    Where-Object Removed)
$optimized = Optimize-PersistStore -Confirm:$false -WarningAction SilentlyContinue
$results = @(Test-PersistStore -ReadDataPercent $readDataPercent -ErrorAction SilentlyContinue -WarningAction SilentlyContinue)
$check = $results[-1]
$problems = @($results | Where-Object Severity -eq 'Error')
'{0:yyyy-MM-dd HH:mm:ss} cleanup of {1}: {2} checkpoints removed, {3:N1} MiB freed{4}; check {5}: {6} errors, {7} warnings, {8:N0} s' -f $started,
    $check.Store, $removed.Count, ($optimized.BytesFreed / 1MB), $(if ($optimized.Deferred) { ' (deletions deferred: a writer ran too long)' }),
    $(if ($check.Passed) { 'passed' } else { 'FAILED' }), $check.Errors, $check.Warnings, ((Get-Date) - $started).TotalSeconds
foreach ($p in $problems) { '  {0} {1}: {2}' -f $p.Kind, $p.Target, ($p.Checkpoints -join ', ') }
exit ([int](-not $check.Passed))
