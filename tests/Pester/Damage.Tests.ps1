# A damaged store as users meet it: a truncated pack, a flipped byte in a pack, a deleted pack. Export refuses the
# file whose chunk cannot be read, names the file, the chunk and the pack, and writes nothing from it.
BeforeAll {
    Import-Module (Join-Path $PSScriptRoot 'TestHelpers.psm1')
    Import-Module (Get-TestManifest)
    $script:pristine = New-TestStorePath 'damage'
    $work = New-Item -ItemType Directory (Join-Path $TestDrive 'work')
    $bytes = [byte[]]::new(300000); [Random]::new(5).NextBytes($bytes)
    [IO.File]::WriteAllBytes((Join-Path $work 'random.bin'), $bytes)      # stored raw: a flipped byte changes its hash
    New-Run -Name hurt -Path $work.FullName -Store $pristine | Out-Null
    New-Checkpoint hurt -Store $pristine | Out-Null

    <# A fresh copy of the store, damaged as asked; returns the copy's path and its one pack's name. #>
    function New-DamagedStore([string] $How) {
        $store = New-TestStorePath $How
        Copy-Item $pristine $store -Recurse
        $pack = @(Get-ChildItem (Join-Path $store 'packs') -Recurse -Filter '*.pack')
        $pack.Count | Should -Be 1
        $file = $pack[0].FullName
        switch ($How) {
            'truncated' { $b = [IO.File]::ReadAllBytes($file); [IO.File]::WriteAllBytes($file, $b[0..($b.Length / 2)]) }   # into the chunk's bytes
            'flipped' { $b = [IO.File]::ReadAllBytes($file); $b[1000] = $b[1000] -bxor 0x10; [IO.File]::WriteAllBytes($file, $b) }
            'deleted' { Remove-Item $file }
        }
        [pscustomobject]@{ Store = $store; Pack = $pack[0].BaseName }
    }
}

Describe 'Export-Checkpoint from a damaged store' {
    It 'refuses the file of a <How> pack with <ErrorId>, naming the file, the chunk and the pack, and writes nothing from it' -ForEach @(
        @{ How = 'truncated'; ErrorId = 'PackDamaged' }
        @{ How = 'flipped'; ErrorId = 'BlobDamaged' }
        @{ How = 'deleted'; ErrorId = 'PackMissing' }
    ) {
        $damaged = New-DamagedStore $How
        $out = Join-Path $TestDrive "out-$How"
        Export-Checkpoint hurt -Destination $out -Store $damaged.Store -ErrorAction SilentlyContinue -ErrorVariable e | Should -BeNullOrEmpty
        $e.Count | Should -Be 1
        $e[0].FullyQualifiedErrorId | Should -Be "$ErrorId,PersistStore.Commands.ExportCheckpointCommand"
        $e[0].Exception.Message | Should -Match ([regex]::Escape((Join-Path $out 'random.bin')))
        $e[0].Exception.Message | Should -Match 'chunk [0-9a-f]{64}'
        $e[0].Exception.Message | Should -Match $damaged.Pack
        $e[0].Exception.Message | Should -Not -Match 'Test-PersistStore'
        Test-Path (Join-Path $out 'random.bin') | Should -BeFalse
        @(Get-ChildItem $out -Force -Recurse -ErrorAction SilentlyContinue | Where-Object Name -like '.persiststore-*').Count | Should -Be 0
    }
}

Describe 'Invoke-RunRevert from a damaged store' {
    It 'refuses before it changes any file, and says which file and chunk' {
        $damaged = New-DamagedStore 'flipped'
        $work = (Get-Run hurt -Store $damaged.Store).Path
        Set-Content (Join-Path $work 'random.bin') 'a local edit'
        Set-Content (Join-Path $work 'added.txt') 'not in the checkpoint'
        $edited = Get-ChildItem $work -Force -Recurse | ForEach-Object { "$($_.Name) $((Get-FileHash $_.FullName -ErrorAction SilentlyContinue).Hash)" }
        Invoke-RunRevert hurt -Checkpoint 1 -Confirm:$false -Store $damaged.Store -ErrorAction SilentlyContinue -ErrorVariable e | Should -BeNullOrEmpty
        $e.Count | Should -Be 1
        $e[0].FullyQualifiedErrorId | Should -Be 'BlobDamaged,PersistStore.Commands.InvokeRunRevertCommand'
        $e[0].Exception.Message | Should -Match 'random\.bin'
        $e[0].Exception.Message | Should -Match 'chunk [0-9a-f]{64}'
        Get-ChildItem $work -Force -Recurse | ForEach-Object { "$($_.Name) $((Get-FileHash $_.FullName -ErrorAction SilentlyContinue).Hash)" } | Should -Be $edited
    }
}
