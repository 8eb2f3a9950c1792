# Scheduled cleanup as users run it in real pwsh: retention, then Optimize-PersistStore beside other processes.
BeforeAll {
    Import-Module (Join-Path $PSScriptRoot 'TestHelpers.psm1')
    Import-Module (Get-TestManifest)

    <# A store with run 'job' (two checkpoints of different random content) and checkpoint 1 removed. #>
    function Initialize-RemovedCheckpoint {
        $script:store = New-TestStore 'maint'
        Connect-PersistStore -Path $store
        $script:dir = (New-Item -ItemType Directory (Join-Path $TestDrive "job-$([guid]::NewGuid().ToString('N').Substring(0, 6))")).FullName
        New-Run job -Path $dir | Out-Null
        $rng = [Random]::new(7)
        $bytes = [byte[]]::new(3MB); $rng.NextBytes($bytes); [IO.File]::WriteAllBytes((Join-Path $dir 'data.bin'), $bytes)
        New-Checkpoint job | Out-Null
        $bytes = [byte[]]::new(2MB); $rng.NextBytes($bytes); [IO.File]::WriteAllBytes((Join-Path $dir 'data.bin'), $bytes)
        Set-Content (Join-Path $dir 'small.txt') 'kept'
        New-Checkpoint job | Out-Null
        Remove-Checkpoint job -Checkpoint 1 -Confirm:$false | Out-Null
    }

    function Get-FolderHashes([string] $Path) {
        Get-ChildItem $Path -Recurse -File | Sort-Object FullName | ForEach-Object { '{0} {1}' -f $_.FullName.Substring($Path.Length), (Get-FileHash $_.FullName).Hash }
    }
}

AfterAll { Disconnect-PersistStore }

Describe 'Optimize-PersistStore' {
    BeforeEach { Initialize-RemovedCheckpoint }

    It 'plans under -WhatIf without changing anything, then frees the removed checkpoint''s space, and what is kept exports identical' {
        $before = Get-PersistStore
        $before.UnreferencedBytes | Should -BeGreaterThan 3MB
        $plan = Optimize-PersistStore -WhatIf
        $plan.WhatIf | Should -BeTrue
        $plan.PacksDeleted | Should -Be 1
        $plan.BytesFreed | Should -BeGreaterThan 3MB
        (Get-PersistStore).PackBytes | Should -Be $before.PackBytes

        $report = Optimize-PersistStore
        $report.GetType().FullName | Should -Be 'PersistStore.OptimizeReport'
        $report.WhatIf | Should -BeFalse
        $report.PacksDeleted | Should -Be 1
        $report.Deferred | Should -BeNullOrEmpty
        $after = Get-PersistStore
        $after.UnreferencedBytes | Should -Be 0
        ($before.PackBytes - $after.PackBytes) | Should -BeGreaterThan 3MB
        (Get-RunHistory -Last 1).Operation | Should -Be 'OptimizeStore'

        $out = Join-Path $TestDrive "export-$([guid]::NewGuid().ToString('N'))"
        Export-Checkpoint job -Checkpoint 2 -Destination $out | Out-Null
        Get-FolderHashes $out | Should -Be (Get-FolderHashes $dir)
    }

    It 'shows each phase''s time with -Debug' {
        $debug = Optimize-PersistStore -Debug 5>&1 | Where-Object { $_ -is [System.Management.Automation.DebugRecord] }
        foreach ($phase in 'mark', 'condemn', 'wait', 'sweep', 'repack') {
            @($debug | Where-Object Message -like "Optimize-PersistStore: $phase took * ms.").Count | Should -Be 1 -Because $phase
        }
    }

    It 'waits for a checkpoint writer in another process, and defers with a warning when it outlasts -WriterTimeout' {
        $holder = Start-TestPwsh @"
Enter-RunLock -Run job -Store '$store' -Reason 'long job' | Out-Null
[Console]::Out.WriteLine('held')
[Console]::In.ReadLine() | Out-Null
Exit-RunLock -Run job -Store '$store'
[Console]::Out.WriteLine('released')
"@
        try {
            $holder.StandardOutput.ReadLine() | Should -Be 'held'
            $deferred = Optimize-PersistStore -WriterTimeout 0.5 -WarningVariable warned -WarningAction SilentlyContinue
            $deferred.Deferred | Should -BeLike "*run 'job' locked by *reason 'long job'*"
            $deferred.PacksDeleted | Should -Be 0
            "$warned" | Should -BeLike 'Nothing was deleted*the next Optimize-PersistStore deletes it.'
            (Get-PersistStore).UnreferencedBytes | Should -BeGreaterThan 3MB

            $manifest = Get-TestManifest
            $job = Start-ThreadJob { param($s) Import-Module $using:manifest; Optimize-PersistStore -Store $s } -ArgumentList $store
            # Released only well after the job's pass has begun waiting (importing the module in a thread job takes
            # a few hundred milliseconds; a loaded CI machine more).
            Start-Sleep -Seconds 3
            $holder.StandardInput.WriteLine('go')
            $holder.StandardOutput.ReadLine() | Should -Be 'released'
            $done = $job | Receive-Job -Wait -AutoRemoveJob
            $done.Deferred | Should -BeNullOrEmpty
            $done.PacksDeleted | Should -Be 1
            $done.WaitedForWriters | Should -BeGreaterThan ([TimeSpan]::FromMilliseconds(300))
        }
        finally { Stop-TestPwsh $holder -Kill }
        (Get-PersistStore).UnreferencedBytes | Should -Be 0
    }
}

Describe 'Test-PersistStore' {
    BeforeEach { Initialize-RemovedCheckpoint }

    It 'passes a sound store with a summary last, then names a flipped byte as one object and one error, and the next checkpoint stores the content again' -Tag SqliteOnly {
        $clean = @(Test-PersistStore -ReadData -WarningAction SilentlyContinue)
        $clean[-1].GetType().FullName | Should -Be 'PersistStore.StoreCheck'
        $clean[-1].Passed | Should -BeTrue
        $clean[-1].PacksRead | Should -Be $clean[-1].Packs
        $clean[-1].BytesRead | Should -BeGreaterThan 2MB

        Optimize-PersistStore | Out-Null
        $pack = @(Get-ChildItem (Join-Path $store 'packs') -Recurse -Filter '*.pack' | Sort-Object Length -Descending)[0].FullName
        $b = [IO.File]::ReadAllBytes($pack); $b[1000] = $b[1000] -bxor 0x10; [IO.File]::WriteAllBytes($pack, $b)
        Disconnect-PersistStore; Connect-PersistStore -Path $store   # no handle to the pack as it was

        $results = @(Test-PersistStore -ReadData -ErrorVariable problems -ErrorAction SilentlyContinue)
        $results.Count | Should -Be 2
        $results[0].GetType().FullName | Should -Be 'PersistStore.StoreProblem'
        $results[0].Kind | Should -Be 'ChunkDamaged'
        $results[0].Checkpoints | Should -Be 'job#2'
        $results[0].Files | Should -Be 'job#2:data.bin'
        $results[1].Passed | Should -BeFalse
        $results[1].Errors | Should -Be 1
        $problems.Count | Should -Be 1
        $problems[0].FullyQualifiedErrorId | Should -Be 'ChunkDamaged,PersistStore.Commands.TestPersistStoreCommand'
        $problems[0].CategoryInfo.Category | Should -Be 'InvalidData'
        $problems[0].TargetObject | Should -Be $results[0].Target
        $problems[0].Exception.Message | Should -BeLike "*Affects 1 checkpoint(s) (job#2) and 1 file(s), first: job#2:data.bin."
        (Get-PersistStore).DamagedBlobs | Should -Be 1

        (New-Checkpoint job).NewBytes | Should -BeGreaterThan 64KB   # nothing changed on disk, but the damaged chunk (64 KiB or more) is stored again
        $out = Join-Path $TestDrive "export-$([guid]::NewGuid().ToString('N'))"
        Export-Checkpoint job -Destination $out | Out-Null
        Get-FolderHashes $out | Should -Be (Get-FolderHashes $dir)
        (Test-PersistStore -ReadData -WarningAction SilentlyContinue | Select-Object -Last 1).Passed | Should -BeTrue
    }
}

Describe 'Repair-PersistStore' {
    BeforeEach { Initialize-RemovedCheckpoint }

    It 'plans under -WhatIf, marks what no pack holds without deleting it, and deletes its entries only with -Force' -Tag SqliteOnly {
        Optimize-PersistStore | Out-Null
        $pack = @(Get-ChildItem (Join-Path $store 'packs') -Recurse -Filter '*.pack' | Sort-Object Length -Descending)[0]
        Remove-Item $pack.FullName
        Disconnect-PersistStore; Connect-PersistStore -Path $store

        $plan = Repair-PersistStore -WhatIf
        $plan.WhatIf | Should -BeTrue
        $plan.ChunksLost | Should -BeGreaterThan 0
        $plan.UnrestorableCheckpoints | Should -Be 'job#2'
        $report = Repair-PersistStore -Confirm:$false
        $report.ChunksLost | Should -Be $plan.ChunksLost
        $report.IndexEntriesDeleted | Should -Be 0
        $report.Remaining.Kind | Should -Be 'PackMissing'
        (Get-RunHistory -Last 1).Operation | Should -Be 'RepairStore'

        $forced = Repair-PersistStore -Force -Confirm:$false
        $forced.IndexEntriesDeleted | Should -Be $plan.ChunksLost
        @($forced.Remaining.Kind | Sort-Object -Unique) | Should -Be 'ChunkMissing'
        # The content is still on disk: the next checkpoint stores it again and restores in full.
        New-Checkpoint job | Out-Null
        $out = Join-Path $TestDrive "export-$([guid]::NewGuid().ToString('N'))"
        Export-Checkpoint job -Destination $out | Out-Null
        Get-FolderHashes $out | Should -Be (Get-FolderHashes $dir)
    }
}

Describe 'The scheduled cleanup script' {
    BeforeAll { $script:cleanup = Join-Path (Get-RepoRoot) 'examples/nightly-cleanup.ps1' }

    It 'is shown exactly in docs/cleanup.md' {
        $page = Get-Content (Join-Path (Get-RepoRoot) 'docs/cleanup.md') -Raw
        $page.Replace("`r`n", "`n").Contains('```powershell' + "`n" + (Get-Content $cleanup -Raw).Replace("`r`n", "`n") + '```') | Should -BeTrue
    }

    It 'runs quietly in a fresh pwsh beside a process taking checkpoints, and exits 0 on a sound store' {
        Initialize-RemovedCheckpoint
        $writer = Start-TestPwsh @"
`$ProgressPreference = 'SilentlyContinue'
foreach (`$i in 1..15) { Set-Content (Join-Path '$dir' 'small.txt') "round `$i"; New-Checkpoint job -Store '$store' | Out-Null }
[Console]::Out.WriteLine('done')
"@
        try {
            $r = Invoke-TestPwsh "& '$cleanup'" -Environment @{ PERSISTSTORE_STORE = $store }
            $writer.StandardOutput.ReadLine() | Should -Be 'done'
        }
        finally { Stop-TestPwsh $writer -Kill }
        $r.Stderr | Should -BeNullOrEmpty
        $r.ExitCode | Should -Be 0 -Because $r.Stdout
        $r.Lines.Count | Should -Be 1
        $r.Lines[0] | Should -Match "cleanup of .*maint[-_].*: \d+ checkpoints removed, [\d.]+ MiB freed; check passed: 0 errors"
        foreach ($c in Get-Checkpoint job) {
            $out = Join-Path $TestDrive "export-$([guid]::NewGuid().ToString('N'))"
            Export-Checkpoint job -Checkpoint $c.Number -Destination $out | Out-Null
        }
        (Test-PersistStore -ReadData -WarningAction SilentlyContinue | Select-Object -Last 1).Passed | Should -BeTrue
    }

    It 'exits 1 and names the problem when the check finds one' -Tag SqliteOnly {
        Initialize-RemovedCheckpoint
        Optimize-PersistStore | Out-Null
        Disconnect-PersistStore
        Remove-Item @(Get-ChildItem (Join-Path $store 'packs') -Recurse -Filter '*.pack' | Sort-Object Length -Descending)[0].FullName
        $r = Invoke-TestPwsh "& '$cleanup'" -Environment @{ PERSISTSTORE_STORE = $store }
        $r.ExitCode | Should -Be 1 -Because $r.Stdout
        $r.Lines[0] | Should -Match 'check FAILED: 1 errors'
        $r.Lines[1] | Should -Match '^  PackMissing [0-9a-f]{32}: job#2$'
    }
}
