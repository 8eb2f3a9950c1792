# Runs one Pester test file in this (fresh) pwsh and writes its NUnit XML and a small count file for build.ps1.
param(
    [Parameter(Mandatory)] [string] $PesterManifest,
    [Parameter(Mandatory)] [string] $File,
    [Parameter(Mandatory)] [string] $XmlPath,
    [Parameter(Mandatory)] [string] $CountPath,
    # Tests with this tag are left out (the PostgreSQL pass leaves out SqliteOnly).
    [string] $ExcludeTag
)
$ErrorActionPreference = 'Stop'
Import-Module $PesterManifest
$config = New-PesterConfiguration
$config.Run.Path = $File
$config.Run.PassThru = $true
if ($ExcludeTag) { $config.Filter.ExcludeTag = $ExcludeTag }
$config.Run.Exit = $false
$config.TestResult.Enabled = $true
$config.TestResult.OutputFormat = 'NUnitXml'
$config.TestResult.OutputPath = $XmlPath
$config.Output.Verbosity = 'Detailed'
$config.Output.RenderMode = 'Plaintext'
$result = Invoke-Pester -Configuration $config
# A failed BeforeAll or a file that does not parse fails a block or the container, not a test: count those too.
[ordered]@{
    Passed  = $result.PassedCount
    Failed  = $result.FailedCount + $result.FailedBlocksCount + $result.FailedContainersCount
    Skipped = $result.SkippedCount + $result.NotRunCount
} | ConvertTo-Json | Set-Content -LiteralPath $CountPath
exit $(if ($result.Result -eq 'Passed') { 0 } else { 1 })
