# Lock cmdlets as a script or an interactive admin uses them in real pwsh: pipelines, -WhatIf and confirmation
# without a console, try/catch and $? around a transaction. (Contention between processes: LockProcesses.Tests.ps1;
# rollback details: the hosted-engine LockCmdletTests.)
BeforeAll {
    Import-Module (Join-Path $PSScriptRoot 'TestHelpers.psm1')
    Import-Module (Get-TestManifest)
}

Describe 'Enter-RunLock' {
    BeforeEach { Connect-TestStore 'locks'; 'a', 'b' | New-Run | Out-Null }
    AfterEach { Get-RunLock | Where-Object HeldByThisSession | Exit-RunLock }

    It 'locks every piped run and writes one RunLock each' {
        $locks = Get-Run | Enter-RunLock -Reason 'maintenance'
        $locks | ForEach-Object { $_.GetType().FullName } | Should -Be @('PersistStore.RunLock', 'PersistStore.RunLock')
        ($locks | Sort-Object RunName).RunName | Should -Be @('a', 'b')
        $locks.Reason | Sort-Object -Unique | Should -Be 'maintenance'
        $locks.ProcessId | Sort-Object -Unique | Should -Be $PID
    }

    It 'takes no lock under -WhatIf' {
        Enter-RunLock a -WhatIf
        Get-RunLock | Should -BeNullOrEmpty
    }

    It 'refuses a negative -Timeout before it touches the store' {
        { Enter-RunLock a -Timeout -1 -ErrorAction Stop } | Should -Throw -ErrorId 'InvalidTimeout,PersistStore.Commands.EnterRunLockCommand'
        Get-RunLock | Should -BeNullOrEmpty
    }
}

Describe 'Exit-RunLock' {
    BeforeEach { Connect-TestStore 'locks'; New-Run a | Out-Null; Enter-RunLock a | Out-Null }

    It 'releases the locks piped from Get-RunLock, and -PassThru writes what it released' {
        $released = Get-RunLock | Exit-RunLock -PassThru
        $released.RunName | Should -Be 'a'
        Get-RunLock | Should -BeNullOrEmpty
    }

    It 'keeps the lock under -WhatIf' {
        Exit-RunLock a -WhatIf
        (Get-RunLock).RunName | Should -Be 'a'
        Exit-RunLock a
    }
}

Describe 'Get-RunLock' {
    It 'lists locks with who holds them, for Where-Object and Select-Object' {
        Connect-TestStore 'locks'
        'a', 'b', 'c' | New-Run | Out-Null
        Enter-RunLock b -Reason 'disk' | Out-Null
        try {
            $row = Get-RunLock | Where-Object { -not $_.IsStale } | Select-Object RunName, Reason, HeldByThisSession
            $row.RunName | Should -Be 'b'
            $row.Reason | Should -Be 'disk'
            $row.HeldByThisSession | Should -BeTrue
            Get-RunLock a | Should -BeNullOrEmpty
        }
        finally { Exit-RunLock b }
    }
}

Describe 'Unlock-Run' {
    BeforeEach {
        $script:store = New-TestStore 'unlock'
        New-Run held -Store $store | Out-Null
        $script:holder = Start-TestPwsh "Enter-RunLock held -Store '$store' -Reason 'holder' | Out-Null; [Console]::Out.WriteLine('locked'); `$null = [Console]::In.ReadLine()"
        $holder.StandardOutput.ReadLine() | Should -Be 'locked'
    }
    AfterEach { Stop-TestPwsh $holder -Kill }

    It 'asks for confirmation (ConfirmImpact High), and with no console fails instead of removing a live lock' {
        $r = Invoke-TestPwsh "Unlock-Run held -Force -Store '$store'"
        $r.ExitCode | Should -Not -Be 0
        $r.Stderr | Should -Match 'NonInteractive'
        (Get-RunLock held -Store $store).Reason | Should -Be 'holder'
    }

    It 'removes a live lock with -Force -Confirm:$false and logs it' {
        $removed = Unlock-Run held -Force -Confirm:$false -PassThru -Store $store
        $removed.RunName | Should -Be 'held'
        Get-RunLock -Store $store | Should -BeNullOrEmpty
        (Get-RunHistory held -Operation UnlockRun -Store $store).Details | Should -BeLike "*holder*"
    }
}

Describe 'Invoke-RunTransaction' {
    BeforeEach {
        Connect-TestStore 'tx'
        $script:dir = New-Item -ItemType Directory (Join-Path $TestDrive "tx-$([guid]::NewGuid().ToString('N').Substring(0, 6))")
        Set-Content (Join-Path $dir 'state.txt') 'start'
        New-Run job -Path $dir.FullName -Properties @{ step = 1 } | Out-Null
    }

    It 'a failing block is caught by try/catch, and files and properties are back as they were' {
        $caught = $null
        try {
            Invoke-RunTransaction job -ErrorAction Stop {
                Set-Content (Join-Path $dir 'state.txt') 'half done'
                Set-Run job -Properties @{ step = 2 }
                throw 'disk full'
            }
        }
        catch { $caught = $_ }
        $caught.Exception.Message | Should -Be 'disk full'
        Get-Content (Join-Path $dir 'state.txt') | Should -Be 'start'
        (Get-Run job).Properties['step'] | Should -Be 1
        Get-RunLock | Should -BeNullOrEmpty
    }

    It 'writes the block''s output and checkpoints with the message when the block succeeds' {
        $out = Invoke-RunTransaction job -Message 'step 2' { Set-Run job -Properties @{ step = 2 }; 'done' }
        $out | Should -Be 'done'
        (Get-Run job).Properties['step'] | Should -Be 2
        (Get-Checkpoint job | Select-Object -Last 1).Message | Should -Be 'step 2'
    }

    It 'runs nothing under -WhatIf' {
        Invoke-RunTransaction job -WhatIf { Set-Content (Join-Path $dir 'state.txt') 'ran' }
        Get-Content (Join-Path $dir 'state.txt') | Should -Be 'start'
        Get-Checkpoint job | Should -BeNullOrEmpty
    }
}
