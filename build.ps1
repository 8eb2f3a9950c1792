#requires -Version 7.4
<#
.SYNOPSIS
    Maintainer tasks on top of dotnet: Build, Test, Docs, Package.
.DESCRIPTION
    Build   : dotnet build (lays out ./out/PersistStore exactly as it ships).
    Test    : dotnet test (engine tests and cmdlet tests against ./out/PersistStore).
    Docs    : regenerates en-US/PersistStore.dll-Help.xml from docs/*.md (part of Build), and with PlatyPS
              installed, refreshes docs/*.md from the built cmdlets (Update-MarkdownHelp keeps the prose).
    Package : Build in Release, then Publish-PSResource the module folder to a local repository folder.
    Nothing in the README's setup needs pwsh: `dotnet build` and `dotnet test` do the same work.
.EXAMPLE
    ./build.ps1 -Task Build, Test
.EXAMPLE
    ./build.ps1 -Task Package -Repository ./packages
#>
[CmdletBinding()]
param(
    [ValidateSet('Build', 'Test', 'Docs', 'Package')]
    [string[]] $Task = @('Build', 'Test'),
    [ValidateSet('Debug', 'Release')]
    [string] $Configuration = 'Debug',
    [string] $Repository = (Join-Path $PSScriptRoot 'packages')
)
$ErrorActionPreference = 'Stop'
$moduleOut = Join-Path $PSScriptRoot 'out/PersistStore'

function Invoke-Dotnet {
    & dotnet @args
    if ($LASTEXITCODE -ne 0) { throw "dotnet $($args -join ' ') failed with exit code $LASTEXITCODE" }
}

foreach ($t in $Task) {
    switch ($t) {
        'Build' { Invoke-Dotnet build $PSScriptRoot -c $Configuration }
        'Test' { Invoke-Dotnet test $PSScriptRoot -c $Configuration }
        'Docs' {
            Invoke-Dotnet build (Join-Path $PSScriptRoot 'src/PersistStore') -c $Configuration
            if (Get-Module -ListAvailable platyPS) {
                Import-Module platyPS
                Import-Module (Join-Path $moduleOut 'PersistStore.psd1') -Force
                Update-MarkdownHelp -Path (Join-Path $PSScriptRoot 'docs') -AlphabeticParamsOrder:$false | Out-Null
            }
            else {
                Write-Warning 'platyPS is not installed: the MAML help was regenerated, docs/*.md were not refreshed.'
            }
        }
        'Package' {
            Invoke-Dotnet build (Join-Path $PSScriptRoot 'src/PersistStore') -c Release
            Test-ModuleManifest (Join-Path $moduleOut 'PersistStore.psd1') | Out-Null
            New-Item -ItemType Directory -Force $Repository | Out-Null
            $name = 'PersistStoreLocal'
            if (-not (Get-PSResourceRepository -Name $name -ErrorAction SilentlyContinue)) {
                Register-PSResourceRepository -Name $name -Uri $Repository -Trusted
            }
            Publish-PSResource -Path $moduleOut -Repository $name
            Write-Host "Published to $Repository"
        }
    }
}
