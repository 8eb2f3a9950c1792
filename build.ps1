#requires -Version 7.4
<#
.SYNOPSIS
    The one entry point for building, demonstrating, testing, documenting and packaging PersistStore.
.DESCRIPTION
    Run it through the repository's local pwsh tool (.config/dotnet-tools.json), as README and CI do:
        dotnet tool restore && dotnet pwsh ./build.ps1 -Task Demo
        dotnet tool restore && dotnet pwsh ./build.ps1 -Task Test
    Tasks, in the order they run when several are named:
    Build   : dotnet build of the module project: lays out ./out/PersistStore exactly as it ships (the MAML help is
              generated from docs/*.md as part of it).
    Docs    : Build, then checks that every exported cmdlet has a docs page and a working Get-Help in a fresh pwsh.
              (PlatyPS is not available here, so docs/*.md are edited by hand in its schema.)
    Demo    : Build, then runs examples/quickstart.ps1 in a fresh pwsh on the per-user default store.
    Test    : dotnet test (engine xunit and hosted-engine tests), then the Pester suite (tests/**/*.Tests.ps1), each
              file in a fresh pwsh child process against ./out/PersistStore, NUnit XML in TestResults/Pester. Then the
              PostgreSQL pass: the engine classes marked Backends=Both|Postgres and $PostgresPesterFiles again, against
              $env:PERSISTSTORE_TEST_POSTGRES or (Linux, root) a private server started for the run ('off' skips it).
              Ends with one line "N passed, N failed, N skipped" over all; the exit code is 1 if anything failed.
    Package : Build in Release, then Compress-PSResource the module folder into a .nupkg in -Repository (a folder
              that Register-PSResourceRepository can serve as a local repository).
.EXAMPLE
    dotnet pwsh ./build.ps1 -Task Build, Test
.EXAMPLE
    dotnet pwsh ./build.ps1 -Task Test -PesterPath tests/Pester/Get-Run.Tests.ps1 -SkipDotnetTest
.EXAMPLE
    dotnet pwsh ./build.ps1 -Task Package -Repository ./packages
#>
[CmdletBinding()]
param(
    # From bash (pwsh -File passes one string), separate several tasks with commas and no spaces: -Task Docs,Package
    [ArgumentCompleter({ 'Build', 'Docs', 'Demo', 'Test', 'Package' })]
    [string[]] $Task = @('Build', 'Test'),
    [ValidateSet('Debug', 'Release')]
    [string] $Configuration = 'Debug',
    # Package: the folder that receives PersistStore.<version>.nupkg.
    [string] $Repository = (Join-Path $PSScriptRoot 'out/packages'),
    # Test: only these Pester files (default: every tests/**/*.Tests.ps1); from bash, separate them with commas and
    # no spaces (pwsh -File passes one string).
    [string[]] $PesterPath,
    # Test: run the Pester suite only (the dotnet test part was run already).
    [switch] $SkipDotnetTest,
    # Test: Pester files run at once, each in its own pwsh (default: one per core, at most 4).
    [int] $Parallel = [Math]::Min(4, [Environment]::ProcessorCount)
)
$ErrorActionPreference = 'Stop'
Set-StrictMode -Version 3.0
$moduleOut = Join-Path $PSScriptRoot 'out/PersistStore'
$env:DOTNET_CLI_TELEMETRY_OPTOUT = '1'
$env:DOTNET_NOLOGO = '1'
Import-Module (Join-Path $PSScriptRoot 'tools/Build.psm1') -Force
$tasks = 'Build', 'Docs', 'Demo', 'Test', 'Package'
# Run a second time against PostgreSQL (with PERSISTSTORE_TEST_POSTGRES, leaving out tests tagged SqliteOnly).
$PostgresPesterFiles = 'Runs.Tests.ps1', 'Locks.Tests.ps1', 'LockProcesses.Tests.ps1', 'Checkpoints.Tests.ps1', 'Maintenance.Tests.ps1', 'Migration.Tests.ps1'
$Task = @($Task -split ',' | ForEach-Object Trim | Where-Object { $_ })
foreach ($t in $Task) { if ($t -notin $tasks) { throw "Unknown task '$t'. Tasks: $($tasks -join ', ')." } }

foreach ($t in $tasks | Where-Object { $_ -in $Task }) {
    Write-Host "== $t" -ForegroundColor Cyan
    switch ($t) {
        'Build' { Invoke-Dotnet build (Join-Path $PSScriptRoot 'src/PersistStore') -c $Configuration }
        'Docs' {
            if ('Build' -notin $Task) { Invoke-Dotnet build (Join-Path $PSScriptRoot 'src/PersistStore') -c $Configuration }
            Test-HelpPages -ModuleFolder $moduleOut -DocsFolder (Join-Path $PSScriptRoot 'docs')
        }
        'Demo' {
            if ('Build' -notin $Task) { Invoke-Dotnet build (Join-Path $PSScriptRoot 'src/PersistStore') -c $Configuration }
            $demo = Join-Path $PSScriptRoot 'examples/quickstart.ps1'
            Invoke-Pwsh -Command "Import-Module '$moduleOut/PersistStore.psd1'; & '$demo'"
        }
        'Test' {
            $counts = [System.Collections.Generic.List[object]]::new()
            $postgres = Start-TestPostgres
            # The first pass is SQLite's: a server named in the environment is for the second pass only.
            Remove-Item Env:PERSISTSTORE_TEST_POSTGRES -ErrorAction Ignore
            try {
                if (-not $SkipDotnetTest) {
                    $counts.Add((Invoke-DotnetTest -Solution (Join-Path $PSScriptRoot 'PersistStore.slnx') -Configuration $Configuration -Filter 'Backends!=Postgres'))
                    if ($postgres) {
                        # The second pass: every engine test class marked Backends=Both, and the PostgreSQL-only ones.
                        $env:PERSISTSTORE_TEST_POSTGRES = $postgres.ConnectionString
                        try {
                            $counts.Add((Invoke-DotnetTest -Solution (Join-Path $PSScriptRoot 'tests/PersistStore.Engine.Tests') -Configuration $Configuration `
                                -Filter 'Backends=Both|Backends=Postgres' -Suite 'dotnet test (PostgreSQL)'))
                        }
                        finally { Remove-Item Env:PERSISTSTORE_TEST_POSTGRES }
                    }
                }
                elseif (-not (Test-Path "$moduleOut/PersistStore.psd1")) {
                    Invoke-Dotnet build (Join-Path $PSScriptRoot 'src/PersistStore') -c $Configuration
                }
                $files = if ($PesterPath) { $PesterPath -split ',' | Where-Object { $_ } | ForEach-Object { (Resolve-Path $_).Path } }
                         else { Get-ChildItem (Join-Path $PSScriptRoot 'tests') -Recurse -Filter *.Tests.ps1 | ForEach-Object FullName }
                $counts.Add((Invoke-PesterSuite -Files $files -ModuleFolder $moduleOut -Parallel $Parallel -Server $(if ($postgres) { $postgres.ConnectionString }) `
                    -ResultFolder (Join-Path $PSScriptRoot 'TestResults/Pester') -Configuration $Configuration))
                # The Pester files of runs, tags, history, checkpoints, locks and maintenance again, on PostgreSQL.
                $both = $files | Where-Object { [IO.Path]::GetFileName($_) -in $PostgresPesterFiles }
                if ($postgres -and $both) {
                    $counts.Add((Invoke-PesterSuite -Files $both -ModuleFolder $moduleOut -Parallel $Parallel -Server $postgres.ConnectionString -PostgresPass `
                        -ResultFolder (Join-Path $PSScriptRoot 'TestResults/Pester-PostgreSQL') -Configuration $Configuration -Suite 'Pester (PostgreSQL)'))
                }
            }
            finally { Stop-TestPostgres $postgres }
            $passed = ($counts | Measure-Object Passed -Sum).Sum
            $failed = ($counts | Measure-Object Failed -Sum).Sum
            $skipped = ($counts | Measure-Object Skipped -Sum).Sum
            foreach ($c in $counts) { Write-Host ("{0}: {1} passed, {2} failed, {3} skipped" -f $c.Suite, $c.Passed, $c.Failed, $c.Skipped) }
            # The plain closing line CI reads: nothing may be printed after it.
            Write-Host "$passed passed, $failed failed, $skipped skipped"
            if ($failed -gt 0 -or ($counts | Where-Object { -not $_.Completed })) { exit 1 }
        }
        'Package' {
            Invoke-Dotnet build (Join-Path $PSScriptRoot 'src/PersistStore') -c Release
            $package = New-ModulePackage -ModuleFolder $moduleOut -Destination $Repository
            Write-Host "Packed $package"
        }
    }
}
