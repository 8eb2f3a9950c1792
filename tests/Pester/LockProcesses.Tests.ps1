# Locks between real pwsh processes: a holder the test kills (-9) or suspends (SIGSTOP), waiters in this pwsh, and
# eight processes incrementing one property under the lock.
BeforeAll {
    Import-Module (Join-Path $PSScriptRoot 'TestHelpers.psm1')
    Import-Module (Get-TestManifest)

    <# A pwsh that takes the lock, prints its pid, then tries Set-Run for every 'set' line until 'exit'. #>
    function Start-Holder([string] $Store, [int] $LeaseSeconds) {
        $p = Start-TestPwsh @"
Enter-RunLock -Run job -Store '$Store' -Lease $LeaseSeconds -Reason 'holder test' | Out-Null
[Console]::Out.WriteLine(`$PID)
while (`$true) {
    `$line = [Console]::In.ReadLine()
    if (`$null -eq `$line -or `$line -eq 'exit') { break }
    try { Set-Run -Run job -Store '$Store' -Properties @{ by = 'holder' } -ErrorAction Stop; [Console]::Out.WriteLine('set ok') }
    catch { [Console]::Out.WriteLine('set failed: ' + `$_.FullyQualifiedErrorId) }
}
"@
        return $p
    }
}

Describe 'Lock contention between two pwsh processes' {
    BeforeEach {
        $script:store = New-TestStore 'locks'
        New-Run job -Store $store | Out-Null
    }

    It 'fails a waiter under its budget naming the holder, shows the waits with -Debug, then takes over from a killed holder' {
        $holder = Start-Holder $store 30
        try {
            $holderPid = [int]$holder.StandardOutput.ReadLine()
            Enter-RunLock job -Store $store -Timeout 0 -ErrorAction SilentlyContinue -ErrorVariable e | Should -BeNullOrEmpty
            $e[0].FullyQualifiedErrorId | Should -Be 'RunLocked,PersistStore.Commands.EnterRunLockCommand'
            $e[0].CategoryInfo.Category | Should -Be 'ResourceBusy'
            $e[0].TargetObject | Should -Be 'job'
            $e[0].Exception.Message | Should -BeLike "*(pid $holderPid) since *reason 'holder test'*Gave up after 1 attempt over *Unlock-Run -Run 'job'*"

            # Any mutating command waits under the session's budget; -Debug shows each wait and never prompts.
            Connect-PersistStore -RetryBudget @{ MaxAttempts = 3; InitialDelay = 0.05; Jitter = 0 }
            $debug = Set-Run job -Description d -Store $store -Debug -ErrorAction SilentlyContinue -ErrorVariable e2 5>&1
            $e2[0].Exception.Attempts | Should -Be 3
            $e2[0].Exception.Waited | Should -BeGreaterOrEqual ([TimeSpan]::FromMilliseconds(150))
            $waits = @($debug | Where-Object { $_ -is [System.Management.Automation.DebugRecord] -and $_.Message -like "Run 'job' is locked by *(pid $holderPid)*attempt*" })
            $waits.Count | Should -Be 3
            Disconnect-PersistStore

            $seen = Get-RunLock -Store $store
            $seen.ProcessId | Should -Be $holderPid
            $seen.IsStale | Should -BeFalse
            $seen.HeldByThisSession | Should -BeFalse
        }
        finally { Stop-TestPwsh $holder -Kill }

        (Get-RunLock -Store $store).IsStale | Should -BeTrue
        $taken = Enter-RunLock job -Store $store -Timeout 30
        Exit-RunLock job -Store $store
        $taken.ProcessId | Should -Be $PID
        (Get-RunHistory job -Operation TakeOverLock -Store $store).Details | Should -BeLike "*its process $holderPid on * is gone*"
        (Get-Run job -Store $store).Description | Should -BeNullOrEmpty
    }

    It 'takes over a hung holder once its lease ended, and the holder''s next change fails with LockLost' -Skip:(-not $IsLinux) {
        $holder = Start-Holder $store 2
        try {
            $holderPid = [int]$holder.StandardOutput.ReadLine()
            $holder.StandardInput.WriteLine('set')
            $holder.StandardOutput.ReadLine() | Should -Be 'set ok'
            kill -STOP $holderPid
            try {
                # Suspended, the holder renews no more: this is the end of its lease.
                $leaseEnd = (Get-RunLock job -Store $store).ExpiresAt
                Enter-RunLock job -Store $store -Timeout 30 -Reason waiter | Out-Null
                Set-Run job -Properties @{ by = 'waiter' } -Store $store
                Exit-RunLock job -Store $store
            }
            finally { kill -CONT $holderPid }
            $takeover = Get-RunHistory job -Operation TakeOverLock -Store $store
            $takeover.Details | Should -BeLike '*its lease expired at*'
            $takeover.Time | Should -BeGreaterOrEqual $leaseEnd
            $holder.StandardInput.WriteLine('set')
            $holder.StandardOutput.ReadLine() | Should -Be 'set failed: LockLost,PersistStore.Commands.SetRunCommand'
            (Get-Run job -Store $store).Properties['by'] | Should -Be 'waiter'
        }
        finally { Stop-TestPwsh $holder -Kill }
    }
}

Describe 'Locked read-modify-write from many processes' {
    It 'eight pwsh processes times 200 locked read-modify-write steps lose nothing' {
        $store = New-TestStore 'counter'
        New-Run counter -Properties @{ n = 0 } -Store $store | Out-Null
        $script = @"
for (`$i = 0; `$i -lt 200; `$i++) {
    Enter-RunLock -Run counter -Store '$store' -Timeout 600 | Out-Null
    `$n = (Get-Run -Name counter -Store '$store').Properties['n']
    Set-Run -Run counter -Store '$store' -Properties @{ n = `$n + 1 }
    Exit-RunLock -Run counter -Store '$store'
}
'done'
"@
        $children = 1..8 | ForEach-Object {
            $info = New-ChildStartInfo -Command $script
            $p = [Diagnostics.Process]::Start($info)
            $p.StandardInput.Close()
            [pscustomobject]@{ Process = $p; Out = $p.StandardOutput.ReadToEndAsync(); Err = $p.StandardError.ReadToEndAsync() }
        }
        foreach ($c in $children) {
            $c.Process.WaitForExit(600000) | Should -BeTrue
            $c.Process.ExitCode | Should -Be 0 -Because $c.Err.Result
            $c.Out.Result.Trim() | Should -Be 'done'
        }
        (Get-Run counter -Store $store).Properties['n'] | Should -Be 1600
    }
}
