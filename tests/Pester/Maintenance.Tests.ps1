# Scheduled cleanup as users run it in real pwsh: retention, then Optimize-PersistStore beside other processes.
BeforeAll {
    Import-Module (Join-Path $PSScriptRoot 'TestHelpers.psm1')
    Import-Module (Get-TestManifest)

    <# A store with run 'job' (two checkpoints of different random content) and checkpoint 1 removed. #>
    function Initialize-RemovedCheckpoint {
        $script:store = New-TestStorePath 'maint'
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
            Start-Sleep -Milliseconds 700
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
