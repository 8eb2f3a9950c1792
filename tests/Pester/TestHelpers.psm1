# Shared by the Pester files: where the laid-out module is, fresh stores, and real pwsh child processes.
# build.ps1 sets PERSISTSTORE_TEST_MODULE (out/PersistStore) and PERSISTSTORE_TEST_PWSH (the pwsh to start, its
# arguments joined by NUL) for every test process; run alone, the defaults below find the same things.
Set-StrictMode -Version 3.0
$script:RepoRoot = (Resolve-Path (Join-Path $PSScriptRoot '../..')).Path

function Get-TestModuleFolder {
    if ($env:PERSISTSTORE_TEST_MODULE) { return $env:PERSISTSTORE_TEST_MODULE }
    return Join-Path $script:RepoRoot 'out/PersistStore'
}

function Get-TestManifest { Join-Path (Get-TestModuleFolder) 'PersistStore.psd1' }

function Get-RepoRoot { $script:RepoRoot }

function Get-TestPwsh {
    if ($env:PERSISTSTORE_TEST_PWSH) { return , @($env:PERSISTSTORE_TEST_PWSH -split [char]0) }
    # Run alone (not through build.ps1): the pwsh this file runs in, found as build.ps1 finds it.
    Import-Module (Join-Path $script:RepoRoot 'tools/Build.psm1') -Scope Local
    return , @(Get-PwshCommand)
}

<# A path for a new store under Pester's TestDrive (or the given folder): nothing is created. #>
function New-TestStorePath([string] $Name = 'test') {
    Join-Path $TestDrive "$Name-$([guid]::NewGuid().ToString('N').Substring(0, 8)).pstore"
}

<#
A new store for a test: a path under TestDrive, or, on the PostgreSQL pass (build.ps1 sets PERSISTSTORE_TEST_POSTGRES
for the files it runs twice), a connection string naming a new schema of the test server. -Store takes either.
#>
function New-TestStore([string] $Name = 'test') {
    if ($env:PERSISTSTORE_TEST_POSTGRES) {
        return "$($env:PERSISTSTORE_TEST_POSTGRES.TrimEnd(';'));Search Path=p_$($Name -replace '\W', '_')_$([guid]::NewGuid().ToString('N').Substring(0, 12))"
    }
    New-TestStorePath $Name
}

<# Connects this session to a new test store (New-TestStore): a SQLite folder, or a PostgreSQL schema. #>
function Connect-TestStore([string] $Name = 'test') {
    $script:ConnectedTestStore = New-TestStore $Name
    if ($env:PERSISTSTORE_TEST_POSTGRES) { Connect-PersistStore -ConnectionString $ConnectedTestStore } else { Connect-PersistStore -Path $ConnectedTestStore }
}

<# The store Connect-TestStore connected, as -Store takes it (Get-PersistStore shows a connection string's password masked). #>
function Get-TestStore { $script:ConnectedTestStore }

<# True on the PostgreSQL pass: tests of what only a store folder has are skipped there. #>
function Test-PostgresPass { [bool]$env:PERSISTSTORE_TEST_POSTGRES }

<# A store holding the sample runs of examples/sample-store.ps1, connected as this session's default. #>
function Connect-SampleStore {
    $path = New-TestStorePath 'sample'
    Connect-PersistStore -Path $path
    & (Join-Path $script:RepoRoot 'examples/sample-store.ps1')
    return $path
}

function New-ChildStartInfo([string] $Command, [hashtable] $Environment, [switch] $NoModule, [switch] $Interactive) {
    $exe, $rest = Get-TestPwsh
    $info = [Diagnostics.ProcessStartInfo]::new($exe)
    foreach ($a in @($rest)) { if ($a) { $info.ArgumentList.Add($a) } }
    $info.ArgumentList.Add('-NoProfile')
    if (-not $Interactive) { $info.ArgumentList.Add('-NonInteractive') }
    $prefix = if ($NoModule) { '' } else { "Import-Module '$(Get-TestManifest)'`n" }
    $info.ArgumentList.Add('-Command')
    $info.ArgumentList.Add($prefix + $Command)
    $info.RedirectStandardOutput = $true
    $info.RedirectStandardError = $true
    $info.RedirectStandardInput = $true
    $info.UseShellExecute = $false
    # Children start in the test's own drive, so nothing they write by a relative path lands in the repository.
    $drive = Get-Variable -Name TestDrive -Scope Global -ValueOnly -ErrorAction Ignore
    if ($drive) { $info.WorkingDirectory = $drive }
    $info.Environment.Remove('PERSISTSTORE_STORE') | Out-Null
    # Plain text: tests read what the child prints, and PowerShell's colours would add escape codes to every header.
    $info.Environment['NO_COLOR'] = '1'
    if ($Environment) {
        foreach ($k in $Environment.Keys) {
            if ($null -eq $Environment[$k]) { $info.Environment.Remove($k) | Out-Null } else { $info.Environment[$k] = [string]$Environment[$k] }
        }
    }
    return $info
}

<#
Runs a command in a fresh pwsh (with the module imported unless -NoModule) and returns its exit code, stdout and
stderr. Standard input is closed at once, as for a scheduled task: anything that prompts fails instead of waiting.
#>
function Invoke-TestPwsh {
    param([Parameter(Mandatory)] [string] $Command, [hashtable] $Environment, [switch] $NoModule, [int] $TimeoutSeconds = 300)
    $info = New-ChildStartInfo -Command $Command -Environment $Environment -NoModule:$NoModule
    $p = [Diagnostics.Process]::Start($info)
    $p.StandardInput.Close()
    $stdout = $p.StandardOutput.ReadToEndAsync()
    $stderr = $p.StandardError.ReadToEndAsync()
    if (-not $p.WaitForExit($TimeoutSeconds * 1000)) {
        $p.Kill($true)
        throw "pwsh did not finish in $TimeoutSeconds s: $Command"
    }
    $p.WaitForExit()
    [pscustomobject]@{ ExitCode = $p.ExitCode; Stdout = $stdout.Result; Stderr = $stderr.Result; Lines = @($stdout.Result -split '\r?\n' | Where-Object { $_ -ne '' }) }
}

<#
Starts a long-lived pwsh running $Command with its standard input and output redirected, and returns the process:
the test talks to it line by line (a holder of a lock prints its pid, then waits for orders). Stop-TestPwsh ends it.
#>
function Start-TestPwsh {
    param([Parameter(Mandatory)] [string] $Command, [hashtable] $Environment)
    return [Diagnostics.Process]::Start((New-ChildStartInfo -Command $Command -Environment $Environment))
}

function Stop-TestPwsh([Diagnostics.Process] $Process, [switch] $Kill) {
    if ($Kill) { $Process.Kill($true) } else { $Process.StandardInput.WriteLine('done'); $Process.StandardInput.Close() }
    $null = $Process.WaitForExit(60000)
    $Process.Dispose()
}

<# The lines of a formatted view at a width, without trailing blanks. #>
function Get-RenderedLines([Parameter(ValueFromPipeline)] $InputObject, [int] $Width, [ValidateSet('Table', 'List', 'Default')] [string] $View = 'Default') {
    begin { $all = [System.Collections.Generic.List[object]]::new() }
    process { $all.Add($InputObject) }
    end {
        $text = switch ($View) {
            'Table' { $all | Format-Table | Out-String -Width $Width }
            'List' { $all | Format-List | Out-String -Width $Width }
            default { $all | Out-String -Width $Width }
        }
        @($text -split '\r?\n' | ForEach-Object TrimEnd | Where-Object { $_ -ne '' })
    }
}

Export-ModuleMember -Function *
