# Makes a small store with the module as built now, for Update-PersistStore's tests: a checked-in store of every
# released format (format 3 was made by the format-3 module, commit a1d6c1d; format 4 by eb55774; format 5 by 4bf534c+; format 6, listings kept inside their parent's, by the commit that added it).
# Run it with that module imported:
#   Import-Module ./out/PersistStore; ./tests/Fixtures/New-FormatFixture.ps1 -Destination tests/Fixtures/format3
# It writes <Destination>/store.pstore (the store) and <Destination>/manifest.json: per checkpoint, every path with
# its type and the SHA-256 of its content, so a test can export each checkpoint after an upgrade and compare.
param([Parameter(Mandatory)] [string] $Destination)
$ErrorActionPreference = 'Stop'
$Destination = New-Item -ItemType Directory -Force $Destination
$store = Join-Path $Destination 'store.pstore'
Remove-Item "$store*" -Force -ErrorAction SilentlyContinue
$work = New-Item -ItemType Directory -Force (Join-Path ([IO.Path]::GetTempPath()) "persiststore-fixture-$([guid]::NewGuid().ToString('N'))")
try {
    $random = [Random]::new(3)
    function Write-Random([string] $Path, [int] $Bytes) { $b = [byte[]]::new($Bytes); $random.NextBytes($b); [IO.File]::WriteAllBytes($Path, $b) }
    New-Item -ItemType Directory (Join-Path $work 'conf'), (Join-Path $work 'data/deep'), (Join-Path $work 'empty') | Out-Null
    Set-Content (Join-Path $work 'conf/app.conf') "mode = safe`nretries = 3"
    [IO.File]::WriteAllText((Join-Path $work 'data/log.txt'), ('line of a compressible log ' * 20000))
    Write-Random (Join-Path $work 'data/deep/random.bin') 700000          # several chunks, stored raw
    [IO.File]::WriteAllBytes((Join-Path $work 'data/empty.bin'), [byte[]]::new(0))
    New-Item -ItemType SymbolicLink (Join-Path $work 'conf/current') -Target 'app.conf' | Out-Null

    New-Run fixture -Path $work.FullName -Description 'format fixture' -Tag old, format -Properties @{ n = 1; when = [datetime]'2026-01-02T03:04:05Z' } -Store $store | Out-Null
    New-Run other -Tag old -Store $store | Out-Null
    New-Checkpoint fixture -Message 'first' -Store $store | Out-Null
    Set-Content (Join-Path $work 'conf/app.conf') "mode = fast"
    Write-Random (Join-Path $work 'data/deep/second.bin') 300000
    Remove-Item (Join-Path $work 'data/empty.bin')
    Set-Run fixture -Properties @{ n = 2 } -Store $store
    New-Checkpoint fixture -Message 'second' -Store $store | Out-Null

    $manifest = [ordered]@{ format = (Get-PersistStore -Store $store).FormatVersion; runs = @('fixture', 'other'); historyEntries = @(Get-RunHistory -Store $store).Count; checkpoints = @() }
    foreach ($cp in Get-Checkpoint fixture -Store $store) {
        $out = Join-Path $work.Parent.FullName "export-$([guid]::NewGuid().ToString('N'))"
        Export-Checkpoint fixture -Checkpoint $cp.Number -Destination $out -Store $store | Out-Null
        $paths = Get-ChildItem $out -Recurse -Force | Sort-Object FullName | ForEach-Object {
            $rel = [IO.Path]::GetRelativePath($out, $_.FullName) -replace '\\', '/'
            if ($_.LinkType) { [ordered]@{ path = $rel; type = 'Symlink'; target = $_.Target } }
            elseif ($_.PSIsContainer) { [ordered]@{ path = $rel; type = 'Directory' } }
            else { [ordered]@{ path = $rel; type = 'File'; sha256 = (Get-FileHash $_.FullName -Algorithm SHA256).Hash } }
        }
        Remove-Item $out -Recurse -Force
        $manifest.checkpoints += [ordered]@{ number = $cp.Number; message = $cp.Message; files = $cp.Files; logicalBytes = $cp.LogicalBytes; paths = @($paths) }
    }
    # One file, no -wal or -shm beside it: what a user's closed store looks like.
    Disconnect-PersistStore
    $manifest | ConvertTo-Json -Depth 6 | Set-Content (Join-Path $Destination 'manifest.json')
}
finally { Remove-Item $work -Recurse -Force }
