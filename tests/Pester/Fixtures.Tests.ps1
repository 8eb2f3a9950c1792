# Stores of every released format, checked in (tests/Fixtures/format*/store.pstore, a file up to format 3 and a folder
# since, each made by the module of its format, with the manifest of what each checkpoint holds). Every cmdlet refuses
# an older store and leaves it byte for byte; Update-PersistStore backs it up, turns it into the current format, and
# then every checkpoint exports exactly as the manifest says. The current format's fixture opens as it is.
BeforeDiscovery {
    $current = 6
    $all = @(Get-ChildItem (Join-Path $PSScriptRoot '../Fixtures') -Directory -Filter 'format*' | ForEach-Object {
        @{ Name = $_.Name; Folder = $_.FullName; Format = [int]$_.Name.Substring(6) }
    })
    $script:fixtures = @($all | Where-Object Format -lt $current)
    $script:currentFixtures = @($all | Where-Object Format -eq $current)
}

BeforeAll {
    $script:currentFormat = 6
    Import-Module (Join-Path $PSScriptRoot 'TestHelpers.psm1')
    Import-Module (Get-TestManifest)

    <# Every path under a folder with its type and content hash, in the manifest's form. #>
    function Get-FolderImage([string] $Folder) {
        Get-ChildItem $Folder -Recurse -Force | Sort-Object FullName | ForEach-Object {
            $rel = [IO.Path]::GetRelativePath($Folder, $_.FullName) -replace '\\', '/'
            if ($_.LinkType) { "$rel Symlink $($_.Target)" }
            elseif ($_.PSIsContainer) { "$rel Directory" }
            else { "$rel File $((Get-FileHash $_.FullName -Algorithm SHA256).Hash)" }
        }
    }

    function Get-ManifestImage($Checkpoint) {
        $Checkpoint.paths | ForEach-Object {
            if ($_.type -eq 'Symlink') { "$($_.path) Symlink $($_.target)" }
            elseif ($_.type -eq 'Directory') { "$($_.path) Directory" }
            else { "$($_.path) File $($_.sha256)" }
        }
    }

    <# A fixture's store copied to a new place (a file, or a folder with its packs). #>
    function Copy-Fixture([string] $Folder, [string] $Destination) { Copy-Item (Join-Path $Folder 'store.pstore') $Destination -Recurse }

    <# One hash over every byte of a store file or folder: a command that refuses the store must leave it exactly so. #>
    function Get-StoreHash([string] $Path) {
        (Get-ChildItem $Path -Recurse -File -Force | Sort-Object FullName | ForEach-Object { "$($_.FullName.Substring($Path.Length)) $((Get-FileHash $_.FullName).Hash)" }) -join "`n"
    }

    <# Exports every checkpoint of the fixture's run from the store and compares it with the manifest. #>
    function Assert-MatchesManifest([string] $Store, $Manifest, [string] $Tag) {
        (Get-Run -Store $Store).Name | Sort-Object | Should -Be $Manifest.runs
        foreach ($cp in $Manifest.checkpoints) {
            $out = Join-Path $TestDrive "$Tag-export-$($cp.number)"
            Export-Checkpoint fixture -Checkpoint $cp.number -Destination $out -Store $Store | Out-Null
            Get-FolderImage $out | Should -Be (Get-ManifestImage $cp)
            (Get-Checkpoint fixture -Checkpoint $cp.number -Store $Store).LogicalBytes | Should -Be $cp.logicalBytes
        }
    }
}

Describe 'Update-PersistStore with the format fixtures' {
    It '<Name>: refused by other cmdlets, upgraded with a backup, then every checkpoint exports exactly' -ForEach $fixtures {
        $manifest = Get-Content (Join-Path $Folder 'manifest.json') -Raw | ConvertFrom-Json
        $copy = Join-Path $TestDrive "$Name.pstore"
        Copy-Fixture $Folder $copy
        $before = Get-StoreHash $copy

        foreach ($command in { Get-Run -Store $copy }, { Get-PersistStore -Store $copy }, { New-Run x -Store $copy }) {
            $command | Should -Throw -ErrorId 'StoreUpgradeRequired*'
        }
        Get-StoreHash $copy | Should -Be $before
        @(Get-ChildItem $TestDrive -Filter "$Name.pstore*").Name | Should -Be "$Name.pstore"

        $info = Update-PersistStore -Store $copy -Confirm:$false -Verbose 4>&1
        $verbose = $info | Where-Object { $_ -is [System.Management.Automation.VerboseRecord] }
        $store = $info | Where-Object { $_ -isnot [System.Management.Automation.VerboseRecord] }
        $store.FormatVersion | Should -Be $currentFormat
        $store.Packs | Should -BeGreaterThan 0
        Test-Path $copy -PathType Container | Should -BeTrue
        $backup = Get-ChildItem $TestDrive -Filter "$Name.format$($manifest.format)-*.pstore"
        $backup.Count | Should -Be 1
        "$verbose" | Should -Match ([regex]::Escape($backup.FullName))
        # The backup is the old store as it was (since format 4: its index, the packs staying where they are): put
        # back, it is refused as old, and upgrades to the same content.
        $restored = Join-Path $TestDrive "$Name-restored.pstore"
        if ($manifest.format -le 3) { Copy-Item $backup.FullName $restored }
        else { Copy-Fixture $Folder $restored; Copy-Item $backup.FullName (Join-Path $restored 'index.db') -Force }
        { Get-Run -Store $restored } | Should -Throw -ErrorId 'StoreUpgradeRequired*'
        Update-PersistStore -Store $restored -BackupPath (Join-Path $TestDrive "$Name-restored.bak") -Confirm:$false | Out-Null
        Assert-MatchesManifest $restored $manifest "$Name-restored"

        Assert-MatchesManifest $copy $manifest $Name
        @(Get-RunHistory -Store $copy).Count | Should -Be ($manifest.historyEntries + 1)
        (Get-RunHistory -Store $copy -Last 1).Operation | Should -Be 'UpgradeStore'

        # Once more: nothing to do, nothing logged, no second backup.
        (Update-PersistStore -Store $copy -Confirm:$false).FormatVersion | Should -Be $currentFormat
        @(Get-RunHistory -Store $copy).Count | Should -Be ($manifest.historyEntries + 1)
        @(Get-ChildItem $TestDrive -Filter "$Name.format*").Count | Should -Be 1

        # And the upgraded store takes new checkpoints.
        $work = New-Item -ItemType Directory (Join-Path $TestDrive "$Name-new")
        Set-Content (Join-Path $work 'n.txt') 'new'
        Set-Run fixture -Path $work.FullName -Store $copy
        (New-Checkpoint fixture -Store $copy).Number | Should -Be ($manifest.checkpoints.Count + 1)
    }

    It '<Name>: an upgrade killed at any moment leaves the old store or the new one, and running it again completes it' -ForEach $fixtures {
        $manifest = Get-Content (Join-Path $Folder 'manifest.json') -Raw | ConvertFrom-Json
        $random = [Random]::new(11)
        foreach ($trial in 1..6) {
            $trialDir = New-Item -ItemType Directory (Join-Path $TestDrive "$Name-kill-$trial")
            $copy = Join-Path $trialDir "$Name.pstore"
            Copy-Fixture $Folder $copy
            $p = [Diagnostics.Process]::Start((New-ChildStartInfo "Update-PersistStore -Store '$copy' -Confirm:`$false | Out-Null"))
            $p.StandardInput.Close()
            Start-Sleep -Milliseconds $random.Next(600, 1400)   # the import takes most of this; the upgrade is near its end
            if (-not $p.HasExited) { $p.Kill($true) }
            $p.WaitForExit()
            Update-PersistStore -Store $copy -Confirm:$false | Out-Null
            Test-Path $copy -PathType Container | Should -BeTrue
            Assert-MatchesManifest $copy $manifest "$Name-kill-$trial"
        }
    }
}

Describe 'The current format''s fixture' {
    It '<Name>: opens as it is, exports exactly, needs no upgrade, and takes new checkpoints' -ForEach $currentFixtures {
        $manifest = Get-Content (Join-Path $Folder 'manifest.json') -Raw | ConvertFrom-Json
        $copy = Join-Path $TestDrive "$Name.pstore"
        Copy-Fixture $Folder $copy
        (Get-PersistStore -Store $copy).FormatVersion | Should -Be $manifest.format
        Assert-MatchesManifest $copy $manifest $Name
        (Update-PersistStore -Store $copy -Confirm:$false).FormatVersion | Should -Be $manifest.format
        @(Get-RunHistory -Store $copy).Count | Should -Be $manifest.historyEntries
        @(Get-ChildItem $TestDrive -Filter "$Name.format*").Count | Should -Be 0
        $work = New-Item -ItemType Directory (Join-Path $TestDrive "$Name-new")
        Set-Content (Join-Path $work 'n.txt') 'new'
        Set-Run fixture -Path $work.FullName -Store $copy
        (New-Checkpoint fixture -Store $copy).Number | Should -Be ($manifest.checkpoints.Count + 1)
    }
}
