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
