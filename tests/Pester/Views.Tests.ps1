# Every default view, rendered as a console of 80 and of 120 columns would: no line longer than the console, every
# header on one line in its order, and the free-width last column still there (PowerShell drops columns that do
# not fit and wraps headers that are narrower than their label).
BeforeAll {
    Import-Module (Join-Path $PSScriptRoot 'TestHelpers.psm1')
    Import-Module (Get-TestManifest)
    Connect-SampleStore | Out-Null
    Set-Run nightly-backup -Description 'A description long enough to be cut at eighty columns, and then some more words'
    $work = (Get-Run nightly-backup).Path
    Set-Content (Join-Path $work 'backup.conf') 'changed'
    Remove-Item (Join-Path $work 'dumps') -Recurse
    $script:views = @(
        @{ Name = 'Run'; Objects = @(Get-Run); Labels = 'Name', 'Tags', 'Modified (UTC)', 'Description' }
        @{ Name = 'HistoryEntry'; Objects = @(Get-RunHistory); Labels = 'Id', 'Time (UTC)', 'User', 'Operation', 'RunName', 'Details' }
        @{ Name = 'Checkpoint'; Objects = @(New-Checkpoint nightly-backup -Message 'after the change of backup.conf, with a long message'; Get-Checkpoint nightly-backup)
           Labels = 'RunName', 'Number', 'Kind', 'Created (UTC)', 'Files', 'MiB', 'NewMiB', 'Message' }
        @{ Name = 'CheckpointChange'; Objects = @(Compare-Checkpoint nightly-backup -Reference 1 -Difference 2); Labels = 'Change', 'ItemType', 'Detail', 'Path' }
        @{ Name = 'RevertResult'; Objects = @(Invoke-RunRevert nightly-backup -Checkpoint 1 -Confirm:$false); Labels = 'RunName', 'Checkpoint', 'SafetyCheckpoint', 'ChangedPaths', 'TagsRestored' }
        @{ Name = 'CheckpointRemoval'; Objects = @(Remove-Checkpoint nightly-backup -KeepLast 1 -KeepTag nightly -WhatIf); Labels = 'RunName', 'Number', 'Created (UTC)', 'Action', 'Removed', 'Reasons' }
        @{ Name = 'StoreProblem'; Objects = @(& {   # a store of its own with its one pack deleted
                    $damaged = New-TestStorePath 'damaged'
                    New-Run viewed -Path $work -Store $damaged | Out-Null
                    New-Checkpoint viewed -Store $damaged | Out-Null
                    Remove-Item @(Get-ChildItem (Join-Path $damaged 'packs') -Recurse -Filter '*.pack')[0].FullName
                    Test-PersistStore -Store $damaged -ErrorAction SilentlyContinue -WarningAction SilentlyContinue | Where-Object Kind })
           Labels = 'Severity', 'Kind', 'Target', 'Files', 'Checkpoints' }
        @{ Name = 'RunLock'; Objects = @(Enter-RunLock nightly-backup -Reason 'disk replacement in rack 4, back at noon'); Labels = 'RunName', 'Owner', 'ProcessId', 'Expires (UTC)', 'Stale', 'Reason' }
    )
}

AfterAll { Exit-RunLock nightly-backup -ErrorAction SilentlyContinue }

Describe 'Default table views' {
    It '<Name> at <Width> columns: every header on one line, the last column kept, no line too long' -ForEach @(
        foreach ($w in 80, 120) { foreach ($n in 'Run', 'HistoryEntry', 'Checkpoint', 'CheckpointChange', 'RevertResult', 'CheckpointRemoval', 'StoreProblem', 'RunLock') { @{ Name = $n; Width = $w } } }
    ) {
        $view = $script:views | Where-Object { $_.Name -eq $Name }
        $view.Objects.Count | Should -BeGreaterThan 0
        $lines = $view.Objects | Get-RenderedLines -Width $Width
        $header = $lines[0].Trim() -split '\s{1,}' -join ' '
        $header | Should -Be ($view.Labels -join ' ')
        $lines[1].Trim() | Should -Match '^-+( +-+)*$' -Because 'the second line underlines the headers: a wrapped header would put more header text there'
        ($lines | Measure-Object Length -Maximum).Maximum | Should -BeLessOrEqual $Width
    }

    It 'uses the room of 120 columns for the free-width column' {
        $run = $script:views[0].Objects | Where-Object Name -eq 'nightly-backup'
        ($run | Get-RenderedLines -Width 80)[2] | Should -Match 'A description long e…$'
        ($run | Get-RenderedLines -Width 120)[2] | Should -Match 'A description long enough to be cut at eighty columns, and t…$'
    }
}

Describe 'Get-PersistStore list view' {
    It 'fits 80 columns' {
        $lines = Get-PersistStore | Get-RenderedLines -Width 80
        $lines.Count | Should -BeGreaterThan 5
        ($lines | Measure-Object Length -Maximum).Maximum | Should -BeLessOrEqual 80
    }
}

Describe 'Format-List' {
    It 'shows every property of a run exactly, seconds included' {
        $lines = Get-Run nightly-backup | Get-RenderedLines -Width 80 -View List
        $lines | Should -Contain "Name        : nightly-backup"
        ($lines | Where-Object { $_ -like 'Path *' }) | Should -Not -BeNullOrEmpty
    }
}
