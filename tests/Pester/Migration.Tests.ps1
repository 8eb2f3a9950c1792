# Start-Migration as users run it in real pwsh: from a SQLite store into the store of this pass (a SQLite folder, or on
# build.ps1's PostgreSQL pass a new schema of the test server) and back, idempotent, planned, and its errors.
BeforeAll {
    Import-Module (Join-Path $PSScriptRoot 'TestHelpers.psm1')
    Import-Module (Get-TestManifest)

    <# Every file of a checkpoint exported from a store, as "relative-path hash" lines. #>
    function Get-ExportHashes([string] $Store, [string] $Run, [int] $Number) {
        $out = Join-Path $TestDrive "export-$([guid]::NewGuid().ToString('N'))"
        Export-Checkpoint -Run $Run -Checkpoint $Number -Destination $out -Store $Store | Out-Null
        Get-ChildItem $out -Recurse -File | Sort-Object FullName | ForEach-Object { '{0} {1}' -f $_.FullName.Substring($out.Length), (Get-FileHash $_.FullName).Hash }
    }
}

AfterAll { Disconnect-PersistStore }

Describe 'Start-Migration' {
    BeforeEach {
        $script:source = Connect-SampleStore
        Set-Content (Join-Path (Get-Run nightly-backup).Path 'backup.conf') 'retention = 30'
        New-Checkpoint nightly-backup -Message 'retention 30' | Out-Null
        Enter-RunLock etl-import -Reason 'feed paused' | Out-Null
        $script:destination = New-TestStore 'migrated'
    }
    AfterEach { Exit-RunLock etl-import -ErrorAction SilentlyContinue }

    It 'copies every run, checkpoint, change-log entry and lock, verified, and a second run copies nothing' {
        $report = Start-Migration -Source $source -Destination $destination
        $report.GetType().FullName | Should -Be 'PersistStore.MigrationReport'
        $report.Verified | Should -BeTrue
        ($report.RunsCreated, $report.CheckpointsCopied, $report.LocksCopied) | Should -Be @(3, 2, 1)
        $report.HistoryEntriesCopied | Should -Be @(Get-RunHistory | Where-Object RunId).Count
        $report.ChunksVerified | Should -Be ($report.ChunksCopied + $report.ListingsCopied)
        (Get-Run -Store $destination).Name | Should -Be @('etl-import', 'nightly-backup', 'scratch')
        (Get-Run nightly-backup -Store $destination).Properties['owner'] | Should -Be 'ops'
        (Get-RunLock -Store $destination).Reason | Should -Be 'feed paused'
        foreach ($n in 1, 2) { Get-ExportHashes $destination nightly-backup $n | Should -Be (Get-ExportHashes $source nightly-backup $n) }
        (Get-RunHistory -Store $destination -Last 1).Operation | Should -Be 'MigrateStore'

        $again = Start-Migration -Source $source -Destination $destination -Verbose 4>&1
        $verbose = @($again | Where-Object { $_ -is [System.Management.Automation.VerboseRecord] })
        $result = $again | Where-Object { $_ -is [PersistStore.MigrationReport] }
        ($result.NothingToCopy, $result.Verified, $result.ChunksCopied, $result.HistoryEntriesCopied) | Should -Be @($true, $true, 0, 0)
        $verbose.Message | Should -Contain 'Nothing to copy: the destination already holds the 3 runs, verified.'
        @(Get-RunHistory -Store $destination -Operation MigrateStore).Count | Should -Be 1
    }

    It 'goes there and back: every checkpoint exports the same and both stores pass a read of every byte' {
        Start-Migration $source $destination -Run nightly-* | Out-Null
        $back = New-TestStorePath 'back'
        (Start-Migration $destination $back).CheckpointsCopied | Should -Be 2
        foreach ($store in $source, $destination, $back) {
            (Test-PersistStore -Store $store -ReadData -WarningAction SilentlyContinue | Select-Object -Last 1).Passed | Should -BeTrue -Because $store
        }
        foreach ($n in 1, 2) { Get-ExportHashes $back nightly-backup $n | Should -Be (Get-ExportHashes $source nightly-backup $n) }
        (Get-Run -Store $back).Name | Should -Be @('nightly-backup')
    }

    It 'plans under -WhatIf without creating the destination, and shows each phase with -Debug' {
        $plan = Start-Migration $source $destination -WhatIf
        ($plan.WhatIf, $plan.RunsCreated, $plan.CheckpointsCopied, $plan.Verified) | Should -Be @($true, 3, 2, $false)
        $plan.Destination | Should -Not -BeLike '*persiststore-plan-*'
        { Get-Run -Store $destination } | Should -Throw -ErrorId 'StoreNotFound,PersistStore.Commands.GetRunCommand'

        $debug = Start-Migration $source $destination -Debug 5>&1 | Where-Object { $_ -is [System.Management.Automation.DebugRecord] }
        foreach ($phase in 'plan', 'copy', 'verify', 'readback') {
            @($debug | Where-Object Message -like "Start-Migration: $phase took * ms.").Count | Should -Be 1 -Because $phase
        }
        @($debug | Where-Object Message -like 'Start-Migration: verified runs 3, checkpoints 2, files 4, *').Count | Should -Be 1
    }

    It 'refuses a migration onto itself, and a run name the destination gives another run unless told to skip or rename' {
        Start-Migration $source $source -ErrorAction SilentlyContinue -ErrorVariable e | Should -BeNullOrEmpty
        $e[0].FullyQualifiedErrorId | Should -Be 'MigrationOntoItself,PersistStore.Commands.StartMigrationCommand'
        $e[0].CategoryInfo.Category | Should -Be 'InvalidArgument'

        New-Run -Name SCRATCH -Store $destination | Out-Null
        Start-Migration $source $destination -ErrorAction SilentlyContinue -ErrorVariable c | Should -BeNullOrEmpty
        $c[0].FullyQualifiedErrorId | Should -Be 'MigrationRunConflict,PersistStore.Commands.StartMigrationCommand'
        $c[0].TargetObject | Should -Be 'scratch'
        $c[0].Exception.Message | Should -BeLike '*-OnConflict Skip*-OnConflict Rename*'
        @(Get-Run -Store $destination).Count | Should -Be 1

        $skipped = Start-Migration $source $destination -OnConflict Skip -WarningVariable w -WarningAction SilentlyContinue
        ($skipped.RunsCreated, $skipped.RunsSkipped) | Should -Be @(2, 'scratch')
        "$w" | Should -BeLike "*'scratch' was not migrated*"
        (Start-Migration $source $destination -OnConflict Rename).RunsRenamed | Should -Be 'scratch -> scratch-migrated'
    }

    It 'reports its progress, here from a Start-Job' {
        $job = Start-Job -ScriptBlock { param($m, $s, $d) Import-Module $m; Start-Migration $s $d } -ArgumentList (Get-TestManifest), $source, $destination
        $report = $job | Wait-Job -Timeout 120 | Receive-Job
        $job.State | Should -Be 'Completed'
        $report.Verified | Should -BeTrue
        $progress = @($job.ChildJobs[0].Progress)
        $progress.Count | Should -BeGreaterThan 1
        $progress[0].Activity | Should -BeLike 'Migrating *'
        $progress[-1].RecordType | Should -Be 'Completed'
        $job | Remove-Job
    }

    It 'names a wrong password without ever showing it' -Skip:(-not $env:PERSISTSTORE_TEST_SERVER) {
        $wrong = ($env:PERSISTSTORE_TEST_SERVER -replace 'Password=[^;]*', 'Password=not-the-secret-42') + ';Search Path=nowhere'
        # A store that cannot be opened ends the command (a terminating error), as for every cmdlet.
        $e = { Start-Migration $source $wrong } | Should -Throw -ErrorId 'StoreAccessDenied,PersistStore.Commands.StartMigrationCommand' -PassThru
        $e.CategoryInfo.Category | Should -Be 'PermissionDenied'
        "$($e.Exception.Message) $($e.TargetObject)" | Should -Not -BeLike '*not-the-secret-42*'
        "$($e.TargetObject)" | Should -BeLike '*Password=`*`*`**'
    }
}

Describe 'Start-Migration of the shared benchmark data' -Tag BenchmarkData {
    # On build.ps1's PostgreSQL pass only: SQLite -> PostgreSQL -> SQLite with a store of bench/data's data set (about
    # 1.1 GiB, two checkpoints: the generated tree, then its 1% mutation). About two minutes on 2 cores.
    It 'goes SQLite -> PostgreSQL -> SQLite: both checkpoints export byte-identical from both, every store reads back whole' -Skip:(-not $env:PERSISTSTORE_TEST_POSTGRES -or -not (Get-Command python3 -ErrorAction Ignore)) {
        function Get-TreeImage([string] $Path) {
            Get-ChildItem $Path -Recurse -File | Sort-Object FullName | ForEach-Object { '{0} {1}' -f $_.FullName.Substring($Path.Length), (Get-FileHash $_.FullName).Hash }
        }
        $generators = Join-Path (Get-RepoRoot) 'bench/data'
        $data = Join-Path $TestDrive 'bench-data'
        python3 (Join-Path $generators 'gen_data.py') $data --seed 1 | Out-Null
        $source = New-TestStorePath 'bench-source'
        New-Run bench -Path $data -Store $source | Out-Null
        New-Checkpoint bench -Store $source | Out-Null
        $images = @{ 1 = Get-TreeImage $data }
        python3 (Join-Path $generators 'mutate_data.py') $data --seed 2 | Out-Null
        New-Checkpoint bench -Store $source | Out-Null
        $images[2] = Get-TreeImage $data
        Remove-Item $data -Recurse -Force

        $destination = New-TestStore 'bench'
        $there = Start-Migration $source $destination
        $back = New-TestStorePath 'bench-back'
        $home_ = Start-Migration $destination $back
        ($there.Verified, $there.CheckpointsCopied, $home_.Verified, $home_.CheckpointsCopied) | Should -Be @($true, 2, $true, 2)
        $home_.ChunksCopied | Should -Be $there.ChunksCopied
        $home_.BytesCopied | Should -Be $there.BytesCopied
        foreach ($store in $destination, $back) {
            foreach ($n in 1, 2) {
                $out = Join-Path $TestDrive "bench-export-$n"
                Export-Checkpoint bench -Checkpoint $n -Destination $out -Store $store | Out-Null
                Get-TreeImage $out | Should -Be $images[$n] -Because "checkpoint $n"
                Remove-Item $out -Recurse -Force
            }
        }
        foreach ($store in $source, $destination, $back) {
            $check = Test-PersistStore -Store $store -ReadData -WarningAction SilentlyContinue | Select-Object -Last 1
            ($check.Passed, $check.PacksRead) | Should -Be @($true, $check.Packs)
        }
        @(Get-RunHistory bench -Store $back).Operation | Should -Be @('CreateRun', 'CreateCheckpoint', 'CreateCheckpoint')
    }
}

Describe 'Update-PersistStore on the store of this pass' {
    It 'leaves a current store as it is; on PostgreSQL it refuses -BackupPath, which it could not honour' {
        $store = New-TestStore 'current'
        New-Run kept -Store $store | Out-Null
        $before = @(Get-RunHistory -Store $store).Count
        $info = Update-PersistStore -Store $store -Confirm:$false -Verbose 4>&1
        ($info | Where-Object { $_ -is [System.Management.Automation.VerboseRecord] }).Message | Should -Contain 'The store is already in format 6; nothing was changed.'
        ($info | Where-Object { $_ -isnot [System.Management.Automation.VerboseRecord] }).FormatVersion | Should -Be 6
        @(Get-RunHistory -Store $store).Count | Should -Be $before
        if (Test-PostgresPass) {
            $backup = Join-Path $TestDrive 'never.pstore'
            { Update-PersistStore -Store $store -BackupPath $backup -Confirm:$false } | Should -Throw -ErrorId 'BackupPathNotSupported*'
            Test-Path $backup | Should -BeFalse
            @(Get-RunHistory -Store $store).Count | Should -Be $before
        }
    }
}
