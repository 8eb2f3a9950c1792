# Stores of every released format, checked in (tests/Fixtures/format*/store.pstore with the manifest of what each
# checkpoint holds): this module reads its own format's fixture exactly, checkpoint by checkpoint, file by file.
BeforeDiscovery {
    $script:fixtures = @(Get-ChildItem (Join-Path $PSScriptRoot '../Fixtures') -Directory -Filter 'format*' | ForEach-Object {
        @{ Name = $_.Name; Folder = $_.FullName }
    })
}

BeforeAll {
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
}

Describe 'Format fixtures' {
    It '<Name> exports every checkpoint exactly as its manifest says' -ForEach $fixtures {
        $manifest = Get-Content (Join-Path $Folder 'manifest.json') -Raw | ConvertFrom-Json
        $copy = Join-Path $TestDrive "$Name.pstore"
        Copy-Item (Join-Path $Folder 'store.pstore') $copy
        $info = Get-PersistStore -Store $copy
        $info.FormatVersion | Should -Be $manifest.format
        (Get-Run -Store $copy).Name | Sort-Object | Should -Be $manifest.runs
        @(Get-RunHistory -Store $copy).Count | Should -Be $manifest.historyEntries
        foreach ($cp in $manifest.checkpoints) {
            $out = Join-Path $TestDrive "$Name-export-$($cp.number)"
            Export-Checkpoint fixture -Checkpoint $cp.number -Destination $out -Store $copy | Out-Null
            $expected = $cp.paths | ForEach-Object { if ($_.type -eq 'Symlink') { "$($_.path) Symlink $($_.target)" } elseif ($_.type -eq 'Directory') { "$($_.path) Directory" } else { "$($_.path) File $($_.sha256)" } }
            Get-FolderImage $out | Should -Be $expected
            (Get-Checkpoint fixture -Checkpoint $cp.number -Store $copy).LogicalBytes | Should -Be $cp.logicalBytes
        }
    }
}
