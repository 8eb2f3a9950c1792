# Dependency isolation in real pwsh: a module built here that carries Microsoft.Data.Sqlite 8.0.x in PowerShell's
# default load context is imported in the same session as PersistStore (10.0.15 in its own load context), in both
# orders, and both keep working.
BeforeAll {
    Import-Module (Join-Path $PSScriptRoot 'TestHelpers.psm1')
    $script:probe = Join-Path $TestDrive 'SqliteProbe'
    & dotnet build (Join-Path (Get-RepoRoot) 'tests/SqliteProbe') -c Release -o $probe --nologo --verbosity quiet 2>&1 | Out-Host
    $LASTEXITCODE | Should -Be 0
}

Describe 'Import-Module PersistStore beside another Microsoft.Data.Sqlite' {
    It 'works with the other module imported <Order>' -ForEach @(
        @{ Order = 'first'; Imports = 'Import-Module "{0}/SqliteProbe.dll"; Import-Module "{1}"' }
        @{ Order = 'second'; Imports = 'Import-Module "{1}"; New-Run warm -Store $s | Out-Null; Import-Module "{0}/SqliteProbe.dll"' }
    ) {
        $store = New-TestStorePath 'iso'
        $r = Invoke-TestPwsh -NoModule @"
`$ErrorActionPreference = 'Stop'
`$s = '$store'
$($Imports -f $probe, (Get-TestManifest))
New-Run a -Tag x, y -Store `$s | Out-Null
New-Checkpoint a -Store `$s -ErrorAction SilentlyContinue | Out-Null
'tags: ' + ((Get-Run a -Store `$s).Tags -join ',')
'probe: ' + (Get-ProbeSqlite)
'probe reads: ' + ((Invoke-ProbeSql (Join-Path `$s 'index.db') 'SELECT name FROM runs ORDER BY name') -join ',')
[AppDomain]::CurrentDomain.GetAssemblies() | Where-Object { `$_.GetName().Name -eq 'Microsoft.Data.Sqlite' } |
    ForEach-Object { 'loaded: {0} default={1}' -f `$_.GetName().Version, ([Runtime.Loader.AssemblyLoadContext]::GetLoadContext(`$_) -eq [Runtime.Loader.AssemblyLoadContext]::Default) } |
    Sort-Object
"@
        $r.ExitCode | Should -Be 0 -Because $r.Stderr
        $r.Lines | Should -Contain 'tags: x,y'
        $r.Lines | Should -Contain 'probe: 8.0.34.0 in Default'
        $r.Lines | Should -Contain ('probe reads: ' + $(if ($Order -eq 'first') { 'a' } else { 'a,warm' }))
        $r.Lines | Should -Contain 'loaded: 10.0.15.0 default=False'
        $r.Lines | Should -Contain 'loaded: 8.0.34.0 default=True'
    }
}

Describe 'The system LZ4 library' {
    It 'encodes chunks on Linux, loaded through the module''s own load context, and what it stores reads back' -Skip:(-not $IsLinux) {
        $store = New-TestStorePath 'lz4'
        $data = New-Item -ItemType Directory (Join-Path $TestDrive "lz4-$([guid]::NewGuid().ToString('N'))")
        Set-Content (Join-Path $data 'text.txt') ((1..20000 | ForEach-Object { "line $_ of a compressible file" }) -join "`n")
        $r = Invoke-TestPwsh @"
`$ErrorActionPreference = 'Stop'
'before: ' + [bool](Select-String -Path /proc/`$PID/maps -Pattern 'liblz4' -Quiet)
New-Run t -Path '$data' -Store '$store' | New-Checkpoint | Out-Null
'after: ' + [bool](Select-String -Path /proc/`$PID/maps -Pattern 'liblz4' -Quiet)
Export-Checkpoint t -Destination '$data-out' -Store '$store' | Out-Null
'same: ' + ((Get-FileHash '$data/text.txt').Hash -eq (Get-FileHash '$data-out/text.txt').Hash)
'stored: ' + ((Get-PersistStore -Store '$store').StoredBytes -lt (Get-Item '$data/text.txt').Length / 2)
"@
        $r.ExitCode | Should -Be 0 -Because $r.Stderr
        $r.Lines | Should -Be 'before: False', 'after: True', 'same: True', 'stored: True'
    }
}
