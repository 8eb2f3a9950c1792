# Checkpoints, compare, export and revert as users run them in real pwsh.
BeforeAll {
    Import-Module (Join-Path $PSScriptRoot 'TestHelpers.psm1')
    Import-Module (Get-TestManifest)

    function New-TrackedRun([string] $Name = 'work') {
        $dir = New-Item -ItemType Directory (Join-Path $TestDrive "$Name-$([guid]::NewGuid().ToString('N').Substring(0, 6))")
        New-Item -ItemType Directory (Join-Path $dir 'logs/old') | Out-Null
        Set-Content (Join-Path $dir 'app.conf') 'mode = safe'
        Set-Content (Join-Path $dir 'logs/a.log') 'first'
        Set-Content (Join-Path $dir 'logs/old/b.log') 'second'
        New-Run -Name $Name -Path $dir.FullName | Out-Null
        return $dir.FullName
    }

    <# A fresh store holding the run 'work' and its checkpoint 1; returns the run's folder. #>
    function Initialize-CheckpointedRun {
        Connect-TestStore
        $dir = New-TrackedRun
        New-Checkpoint work | Out-Null
        return $dir
    }

    <# The same change seen both ways: checkpoint 1 against the live folder, then against a checkpoint of it. #>
    function Compare-BothWays {
        $live = @(Compare-Checkpoint work -Reference 1 | Sort-Object Path)
        New-Checkpoint work | Out-Null
        $stored = @(Compare-Checkpoint work -Reference 1 -Difference 2 | Sort-Object Path)
        return [pscustomobject]@{ Live = $live; Stored = $stored }
    }
}

Describe 'New-Checkpoint' {
    BeforeEach { Connect-TestStore; $script:dir = New-TrackedRun }

    It 'checkpoints piped runs and writes Checkpoint objects' {
        $cp = Get-Run work | New-Checkpoint -Message 'first'
        $cp.GetType().FullName | Should -Be 'PersistStore.Checkpoint'
        $cp.Number | Should -Be 1
        $cp.Files | Should -Be 3
        $cp.Message | Should -Be 'first'
    }

    It 'takes nothing under -WhatIf' {
        New-Checkpoint work -WhatIf
        Get-Checkpoint work | Should -BeNullOrEmpty
    }

    It 'runs in a Start-Job, reports progress there, and completes it' {
        [IO.File]::WriteAllBytes((Join-Path $dir 'big.bin'), [byte[]]::new(32MB))
        $store = Get-TestStore
        $job = Start-Job -ScriptBlock { param($m, $s) Import-Module $m; New-Checkpoint -Run work -Store $s } -ArgumentList (Get-TestManifest), $store
        $cp = $job | Wait-Job -Timeout 120 | Receive-Job
        $job.State | Should -Be 'Completed'
        $cp.PSObject.TypeNames[0] | Should -Be 'Deserialized.PersistStore.Checkpoint'
        $cp.Files | Should -Be 4
        $progress = @($job.ChildJobs[0].Progress)
        $progress.Count | Should -BeGreaterThan 1
        $progress[0].Activity | Should -BeLike "*checkpoint*work*"
        $progress[0].RecordType | Should -Be 'Processing'
        # The folder is counted for totals only when a checkpoint runs longer than a second: either form.
        $progress[0].StatusDescription | Should -Match '^\d+ (of \d+ )?files \([\d.,]+ (of [\d.,]+ )?MiB\), \d+ read(; still counting the folder)?$'
        $progress[0].PercentComplete | Should -BeIn (0..100)
        $progress[-1].RecordType | Should -Be 'Completed'
        @($progress.ActivityId | Sort-Object -Unique).Count | Should -Be 1
        $job | Remove-Job
    }

    It 'writes no progress with $ProgressPreference = SilentlyContinue' {
        $store = Get-TestStore
        $job = Start-Job -ScriptBlock { param($m, $s) $ProgressPreference = 'SilentlyContinue'; Import-Module $m; New-Checkpoint -Run work -Store $s } -ArgumentList (Get-TestManifest), $store
        $cp = $job | Wait-Job -Timeout 120 | Receive-Job
        $cp.Number | Should -Be 1
        @($job.ChildJobs[0].Progress).Count | Should -Be 0
        $job | Remove-Job
    }
}

Describe 'Get-Checkpoint' {
    BeforeAll {
        Connect-TestStore
        New-TrackedRun | Out-Null
        1..3 | ForEach-Object { New-Checkpoint work -Message "n$_" | Out-Null }
    }

    It 'lists checkpoints for Sort-Object and Select-Object, and one by number' {
        (Get-Checkpoint work | Sort-Object Number -Descending | Select-Object -First 1).Message | Should -Be 'n3'
        (Get-Checkpoint work -Checkpoint 2).Message | Should -Be 'n2'
        (Get-Run work | Get-Checkpoint).Count | Should -Be 3
    }

    It 'takes -Checkpoint as JSON gives numbers (Int64) and as CSV gives them (text), and says what is wrong with other text' {
        (Get-Checkpoint work -Checkpoint ('{"n": 2}' | ConvertFrom-Json).n).Message | Should -Be 'n2'
        (Get-Checkpoint work -Checkpoint ("Checkpoint`n3" | ConvertFrom-Csv).Checkpoint).Message | Should -Be 'n3'
        { Export-Checkpoint work -Checkpoint 'latest' -Destination (Join-Path $TestDrive 'never') -ErrorAction Stop } | Should -Throw "*'latest' is not a checkpoint number*"
        Test-Path (Join-Path $TestDrive 'never') | Should -BeFalse
        (Export-Checkpoint work -Checkpoint ('{"n": 1}' | ConvertFrom-Json).n -Destination (Join-Path $TestDrive 'one')).Name | Should -Be 'one'
    }
}

Describe 'Compare-Checkpoint' {
    BeforeEach { $script:dir = Initialize-CheckpointedRun }

    It 'lists a removed folder and every path in it, between checkpoints and against the live folder alike' {
        Remove-Item (Join-Path $dir 'logs') -Recurse
        $both = Compare-BothWays
        $expected = 'logs', 'logs/a.log', 'logs/old', 'logs/old/b.log'
        $both.Live.Path | Should -Be $expected
        $both.Stored.Path | Should -Be $expected
        ($both.Live.Change + $both.Stored.Change) | Sort-Object -Unique | Should -Be 'Removed'
    }

    It 'lists an added folder and every path in it, both ways' {
        New-Item -ItemType Directory (Join-Path $dir 'new/deep') | Out-Null
        Set-Content (Join-Path $dir 'new/deep/c.txt') 'x'
        $both = Compare-BothWays
        $both.Live.Path | Should -Be @('new', 'new/deep', 'new/deep/c.txt')
        $both.Stored.Path | Should -Be $both.Live.Path
        ($both.Live.Change + $both.Stored.Change) | Sort-Object -Unique | Should -Be 'Added'
    }
}

Describe 'Export-Checkpoint' {
    BeforeEach { $script:dir = Initialize-CheckpointedRun }

    It 'exports a piped checkpoint into a new folder' {
        $out = Join-Path $TestDrive "export-$([guid]::NewGuid().ToString('N'))"
        $result = Get-Checkpoint work -Checkpoint 1 | Export-Checkpoint -Destination $out
        $result.FullName | Should -Be $out
        Get-Content (Join-Path $out 'logs/old/b.log') | Should -Be 'second'
    }

    It 'says PermissionDenied about the destination, not about its own temp file, when it may not write there' -Skip:(-not $IsLinux) {
        $ro = New-Item -ItemType Directory (Join-Path $TestDrive "ro-$([guid]::NewGuid().ToString('N'))")
        # Mode bits do not stop root: as root the folder is a read-only tmpfs mount instead of a 0555 folder.
        if ((id -u) -eq 0) { mount -t tmpfs -o ro,size=1m persiststore-test $ro.FullName } else { chmod 0555 $ro.FullName }
        try {
            foreach ($target in $ro.FullName, (Join-Path $ro.FullName 'sub')) {
                Export-Checkpoint work -Destination $target -ErrorAction SilentlyContinue -ErrorVariable e | Should -BeNullOrEmpty
                $e.Count | Should -Be 1
                $e[0].FullyQualifiedErrorId | Should -Be 'DestinationNotWritable,PersistStore.Commands.ExportCheckpointCommand'
                $e[0].CategoryInfo.Category | Should -Be 'PermissionDenied'
                $e[0].TargetObject | Should -Be $target
                $e[0].Exception.Message | Should -Not -Match 'persiststore-.*\.tmp'
                $e[0].Exception.Message | Should -Match 'write access'
                @(Get-ChildItem -Force $ro.FullName).Count | Should -Be 0
            }
        }
        finally { if ((id -u) -eq 0) { umount $ro.FullName } else { chmod 0755 $ro.FullName } }
    }

    It 'refuses a folder that is not empty and writes nothing' {
        $out = New-Item -ItemType Directory (Join-Path $TestDrive "full-$([guid]::NewGuid().ToString('N'))")
        Set-Content (Join-Path $out 'mine.txt') 'keep'
        { Export-Checkpoint work -Destination $out.FullName -ErrorAction Stop } | Should -Throw -ErrorId 'DestinationNotEmpty*'
        (Get-ChildItem $out).Name | Should -Be 'mine.txt'
    }
}

Describe 'Invoke-RunRevert' {
    BeforeEach {
        $script:dir = Initialize-CheckpointedRun
        Set-Content (Join-Path $dir 'app.conf') 'mode = broken'
    }

    It 'changes nothing under -WhatIf and lists the plan' {
        $store = Get-TestStore
        $r = Invoke-TestPwsh "Invoke-RunRevert work -Checkpoint 1 -Store '$store' -WhatIf"
        $r.ExitCode | Should -Be 0
        $r.Stdout | Should -Match 'What if:.*app\.conf'
        Get-Content (Join-Path $dir 'app.conf') | Should -Be 'mode = broken'
        (Get-Checkpoint work).Count | Should -Be 1
    }

    It 'reverts after a safety checkpoint, from the pipeline' {
        $result = Get-Checkpoint work -Checkpoint 1 | Invoke-RunRevert -Confirm:$false
        $result.SafetyCheckpoint | Should -Be 2
        $result.ChangedPaths | Should -Be 1
        Get-Content (Join-Path $dir 'app.conf') | Should -Be 'mode = safe'
        (Get-Checkpoint work -Checkpoint 2).Kind | Should -Be 'Safety'
    }
}

Describe 'Remove-Checkpoint' {
    BeforeEach {
        $script:dir = Initialize-CheckpointedRun
        foreach ($n in 2..4) { Set-Content (Join-Path $dir 'app.conf') "mode = $n"; New-Checkpoint work -Message "v$n" | Out-Null }
        Set-RunTag work -Tag release | Out-Null
        New-Checkpoint work -Message 'v5' | Out-Null
    }

    It 'refuses an empty policy before touching anything' {
        { Remove-Checkpoint work -KeepLast 0 -KeepWithin 0 -Confirm:$false -ErrorAction Stop } | Should -Throw -ErrorId 'RetentionPolicyEmpty,*'
        { Remove-Checkpoint work -KeepDaily -2 -Confirm:$false -ErrorAction Stop } | Should -Throw -ErrorId 'ParameterArgumentValidationError,*'
        @(Get-Checkpoint work).Count | Should -Be 5
    }

    It 'lists the whole plan with the rules under -WhatIf and removes nothing' {
        $plan = Remove-Checkpoint work -KeepLast 2 -WhatIf
        $plan.Number | Should -Be 5, 4, 3, 2, 1
        $plan.Action | Should -Be 'Keep', 'Keep', 'Remove', 'Remove', 'Remove'
        $plan[0].Reasons | Should -Be 'newest', 'KeepLast'
        $plan.Removed | Should -Not -Contain $true
        @(Get-Checkpoint work).Count | Should -Be 5
    }

    It 'removes what the policy does not keep, logs it, and never gives a number again' {
        $out = Remove-Checkpoint work -KeepLast 1 -KeepTag release -Confirm:$false
        ($out | Where-Object Removed).Number | Should -Be 4, 3, 2, 1
        (Get-Checkpoint work).Number | Should -Be 5
        (Get-RunHistory -Run work -Last 1).Details | Should -BeLike 'removed checkpoints 1, 2, 3, 4 (policy KeepLast 1; KeepTag release); kept 5'
        Remove-Checkpoint work -Checkpoint 5 -Confirm:$false | Out-Null
        (New-Checkpoint work).Number | Should -Be 6
    }

    It 'removes piped checkpoints by number, and an unknown number removes nothing' {
        Get-Checkpoint work | Where-Object Message -in 'v2', 'v3' | Remove-Checkpoint -Confirm:$false | Out-Null
        (Get-Checkpoint work).Number | Should -Be 1, 4, 5
        Remove-Checkpoint work -Checkpoint 1, 9 -Confirm:$false -ErrorVariable failed -ErrorAction SilentlyContinue
        $failed[0].FullyQualifiedErrorId | Should -BeLike 'CheckpointNotFound,*'
        $failed[0].CategoryInfo.Category | Should -Be 'ObjectNotFound'
        (Get-Checkpoint work).Number | Should -Be 1, 4, 5
    }

    It 'applies one policy to every piped run' {
        $other = New-TrackedRun other
        1..3 | ForEach-Object { New-Checkpoint other | Out-Null }
        $out = Get-Run | Remove-Checkpoint -KeepLast 1 -Confirm:$false
        ($out | Where-Object Removed | Group-Object RunName | Sort-Object Name | ForEach-Object { "$($_.Name)=$($_.Count)" }) | Should -Be 'other=2', 'work=4'
        (Get-Checkpoint work).Number | Should -Be 5
        (Get-Checkpoint other).Number | Should -Be 3
    }
}

Describe 'Damage messages' {
    It 'name only commands that exist' {
        $folder = Get-TestModuleFolder
        $text = [Text.Encoding]::Unicode.GetString([IO.File]::ReadAllBytes((Join-Path $folder 'lib/core/PersistStore.Engine.dll'))) +
                [Text.Encoding]::Unicode.GetString([IO.File]::ReadAllBytes((Join-Path $folder 'PersistStore.dll')))
        $named = [regex]::Matches($text, '\b(?:Get|Set|New|Remove|Test|Repair|Update|Connect|Disconnect|Export|Invoke|Enter|Exit|Unlock|Compare|Optimize|Start)-[A-Z][A-Za-z]+') |
            ForEach-Object Value | Sort-Object -Unique
        $named.Count | Should -BeGreaterThan 5
        $missing = $named | Where-Object { -not (Get-Command $_ -ErrorAction SilentlyContinue) }
        $missing | Should -BeNullOrEmpty
    }
}
