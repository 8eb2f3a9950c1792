# Helpers of build.ps1: dotnet and pwsh child processes, the Pester suite, the package. Kept out of build.ps1 so the
# task list stays readable; nothing here is shipped.
Set-StrictMode -Version 3.0
$script:Root = Split-Path $PSScriptRoot -Parent

function Invoke-Dotnet {
    & dotnet @args
    if ($LASTEXITCODE -ne 0) { throw "dotnet $($args -join ' ') failed with exit code $LASTEXITCODE" }
}

<# The pwsh this script runs in, as an executable path: the local tool starts the engine under its own launcher, so
   [Environment]::ProcessPath is dotnet; $PSHOME holds the engine and an apphost for it. #>
function Get-PwshCommand {
    $apphost = Join-Path $PSHOME ($IsWindows ? 'pwsh.exe' : 'pwsh')
    if (Test-Path $apphost) { return , @($apphost) }
    return , @('dotnet', (Join-Path $PSHOME 'pwsh.dll'))
}

function Invoke-Pwsh([string] $Command) {
    $pwsh = Get-PwshCommand
    $exe, $rest = $pwsh
    & $exe @rest -NoProfile -NonInteractive -Command $Command
    if ($LASTEXITCODE -ne 0) { throw "pwsh -Command failed with exit code $LASTEXITCODE" }
}

<# dotnet test prints one "Passed!/Failed! - Failed: n, Passed: n, Skipped: n" line per test assembly: sum them. #>
function Invoke-DotnetTest([string] $Solution, [string] $Configuration, [string] $Filter, [string] $Suite = 'dotnet test') {
    $result = [pscustomobject]@{ Suite = $Suite; Passed = 0; Failed = 0; Skipped = 0; Completed = $false }
    $assemblies = 0
    $filterArgs = if ($Filter) { @('--filter', $Filter) } else { @() }
    & dotnet test $Solution -c $Configuration @filterArgs 2>&1 | ForEach-Object {
        $line = "$_"
        Write-Host $line
        if ($line -match '(Passed|Failed)!\s+-\s+Failed:\s+(\d+),\s+Passed:\s+(\d+),\s+Skipped:\s+(\d+)') {
            $result.Failed += [int]$Matches[2]; $result.Passed += [int]$Matches[3]; $result.Skipped += [int]$Matches[4]
            $assemblies++
        }
    }
    $exit = $LASTEXITCODE
    $result.Completed = $assemblies -gt 0
    if ($exit -ne 0 -and $result.Failed -eq 0) { $result.Failed = 1; Write-Host "dotnet test failed with exit code $exit" }
    return $result
}

<#
The PostgreSQL server of the suite's second pass: PERSISTSTORE_TEST_POSTGRES if set ('off' skips the pass), else on
Linux as root a private PostgreSQL 15 started by tools/postgres-test-server.sh (apt installs it if missing) on a free
port, stopped by Stop-TestPostgres. Elsewhere the pass is skipped with a line saying how to point it at a server.
#>
function Start-TestPostgres {
    $given = $env:PERSISTSTORE_TEST_POSTGRES
    if ($given -eq 'off') { Write-Host 'PostgreSQL pass skipped (PERSISTSTORE_TEST_POSTGRES=off).'; return $null }
    if ($given) { return [pscustomobject]@{ ConnectionString = $given; Folder = $null } }
    if (-not $IsLinux -or (& id -u) -ne '0') {
        Write-Host 'PostgreSQL pass skipped: set PERSISTSTORE_TEST_POSTGRES to a connection string of a server where the user may create schemas (or run as root on Linux, which starts a private server).'
        return $null
    }
    $listener = [System.Net.Sockets.TcpListener]::new([System.Net.IPAddress]::Loopback, 0)
    $listener.Start(); $port = $listener.LocalEndpoint.Port; $listener.Stop()
    $line = & bash (Join-Path $script:Root 'tools/postgres-test-server.sh') start $port
    if ($LASTEXITCODE -ne 0) { throw "tools/postgres-test-server.sh start failed with exit code $LASTEXITCODE" }
    $folder = if ("$line" -match 'ServerFolder=([^;]+)') { $Matches[1] }
    Write-Host "PostgreSQL test server on port $port ($folder)"
    return [pscustomobject]@{ ConnectionString = ("$line" -replace ';ServerFolder=[^;]*', ''); Folder = $folder }
}

function Stop-TestPostgres($Server) {
    if ($Server -and $Server.Folder) { & bash (Join-Path $script:Root 'tools/postgres-test-server.sh') stop $Server.Folder }
}

<# Pester 5.9.1 comes from NuGet (the package's tools/ folder is the module); a tiny project restores it. #>
function Get-PesterManifest {
    Invoke-Dotnet restore (Join-Path $script:Root 'tools/TestDependencies/TestDependencies.csproj') --verbosity quiet
    $packages = $env:NUGET_PACKAGES
    if (-not $packages) {
        $line = & dotnet nuget locals global-packages --list
        $packages = ($line -replace '^global-packages:\s*', '').Trim()
    }
    $manifest = Join-Path $packages 'pester/5.9.1/tools/Pester.psd1'
    if (-not (Test-Path $manifest)) { throw "Pester 5.9.1 was restored but $manifest is missing." }
    return $manifest
}

<#
Runs each test file with Pester in its own fresh pwsh, $Parallel at a time. Every child gets a private temp and
per-user data folder (so no test touches the machine's real default store) and knows the module folder and the pwsh
to start for its own children through PERSISTSTORE_TEST_* variables.
#>
function Invoke-PesterSuite([string[]] $Files, [string] $ModuleFolder, [int] $Parallel, [string] $ResultFolder, [string] $Configuration,
    [string] $Server, [switch] $PostgresPass, [string] $Suite = 'Pester') {
    $pester = Get-PesterManifest
    Remove-Item $ResultFolder -Recurse -Force -ErrorAction SilentlyContinue
    New-Item -ItemType Directory -Force $ResultFolder | Out-Null
    $pwsh = Get-PwshCommand
    $runner = Join-Path $script:Root 'tests/Pester/Invoke-PesterFile.ps1'
    $jobs = foreach ($file in $Files) {
        $name = [IO.Path]::GetFileNameWithoutExtension([IO.Path]::GetFileNameWithoutExtension($file))
        Start-ThreadJob -ThrottleLimit $Parallel -Name $name -ArgumentList $pwsh, $runner, $pester, $file, $ModuleFolder, $ResultFolder, $name, $Configuration, $Server, $PostgresPass.IsPresent -ScriptBlock {
            param($pwsh, $runner, $pester, $file, $module, $results, $name, $configuration, $server, $postgresPass)
            $sandbox = Join-Path ([IO.Path]::GetTempPath()) "persiststore-pester-$name-$([guid]::NewGuid().ToString('N').Substring(0, 8))"
            $tmp = New-Item -ItemType Directory -Force (Join-Path $sandbox 'tmp')
            $data = New-Item -ItemType Directory -Force (Join-Path $sandbox 'data')
            $exe, $rest = $pwsh
            $info = [Diagnostics.ProcessStartInfo]::new($exe)
            foreach ($a in @($rest) + @('-NoProfile', '-NonInteractive', '-File', $runner, $pester, $file, (Join-Path $results "$name.xml"), (Join-Path $results "$name.json"))) {
                if ($a) { $info.ArgumentList.Add($a) }
            }
            $info.RedirectStandardOutput = $true; $info.RedirectStandardError = $true; $info.UseShellExecute = $false
            $info.Environment['PERSISTSTORE_TEST_MODULE'] = $module
            $info.Environment['PERSISTSTORE_TEST_PWSH'] = $pwsh -join [char]0
            $info.Environment['PERSISTSTORE_TEST_CONFIGURATION'] = $configuration
            $info.Environment['TMPDIR'] = $tmp.FullName
            $info.Environment['XDG_DATA_HOME'] = $data.FullName
            $info.Environment.Remove('PERSISTSTORE_STORE') | Out-Null
            # The test server, for tests that need one on either pass (a migration to PostgreSQL, the team examples).
            if ($server) { $info.Environment['PERSISTSTORE_TEST_SERVER'] = $server } else { $info.Environment.Remove('PERSISTSTORE_TEST_SERVER') | Out-Null }
            # The PostgreSQL pass: stores are schemas of the test server, and tests of store folders are excluded.
            if ($postgresPass) { $info.Environment['PERSISTSTORE_TEST_POSTGRES'] = $server; $info.ArgumentList.Add('SqliteOnly') }
            else { $info.Environment.Remove('PERSISTSTORE_TEST_POSTGRES') | Out-Null }
            $p = [Diagnostics.Process]::Start($info)
            $err = $p.StandardError.ReadToEndAsync()
            $out = $p.StandardOutput.ReadToEnd()
            $p.WaitForExit()
            Remove-Item $sandbox -Recurse -Force -ErrorAction SilentlyContinue
            [pscustomobject]@{ Name = $name; ExitCode = $p.ExitCode; Output = $out + $err.Result }
        }
    }
    $total = [pscustomobject]@{ Suite = $Suite; Passed = 0; Failed = 0; Skipped = 0; Completed = $true }
    foreach ($job in $jobs) {
        $r = Receive-Job $job -Wait -AutoRemoveJob
        Write-Host $r.Output
        $json = Join-Path $ResultFolder "$($r.Name).json"
        if (Test-Path $json) {
            $c = Get-Content $json -Raw | ConvertFrom-Json
            $total.Passed += $c.Passed; $total.Failed += $c.Failed; $total.Skipped += $c.Skipped
            if ($c.Failed -eq 0 -and $r.ExitCode -ne 0) { $total.Failed++ }
        }
        else {
            Write-Host "$($r.Name): pwsh exited with $($r.ExitCode) before Pester reported (a container failed to run)"
            $total.Failed++
        }
    }
    return $total
}

<# Everything a user gets from the Gallery, and nothing else: checked here so a stray file fails the package. #>
function New-ModulePackage([string] $ModuleFolder, [string] $Destination) {
    $forbidden = Get-ChildItem $ModuleFolder -Recurse -File | Where-Object {
        $_.Name -in 'System.Management.Automation.dll', 'persiststore-host.dll' -or $_.Extension -in '.pdb', '.deps.json'
    }
    if ($forbidden) { throw "The module folder holds files a user must not get: $($forbidden.FullName -join ', ')" }
    Test-ModuleManifest (Join-Path $ModuleFolder 'PersistStore.psd1') | Out-Null
    New-Item -ItemType Directory -Force $Destination | Out-Null
    $version = (Import-PowerShellDataFile (Join-Path $ModuleFolder 'PersistStore.psd1')).ModuleVersion
    $package = Join-Path $Destination "PersistStore.$version.nupkg"
    Remove-Item $package -ErrorAction SilentlyContinue
    Compress-PSResource -Path $ModuleFolder -DestinationPath $Destination
    if (-not (Test-Path $package)) { throw "Compress-PSResource did not write $package" }
    return $package
}

<# Every exported cmdlet has docs/<name>.md and a Get-Help with a synopsis and an example, in a fresh pwsh. #>
function Test-HelpPages([string] $ModuleFolder, [string] $DocsFolder) {
    $check = @"
Import-Module '$ModuleFolder/PersistStore.psd1'
`$bad = foreach (`$c in Get-Command -Module PersistStore) {
    if (-not (Test-Path (Join-Path '$DocsFolder' "`$(`$c.Name).md"))) { "`$(`$c.Name): no docs page" }
    `$h = Get-Help `$c.Name -Full
    if (-not `$h.Synopsis -or `$h.Synopsis -match '^\s*`$(`$c.Name)') { "`$(`$c.Name): no synopsis" }
    if (-not `$h.examples) { "`$(`$c.Name): no example" }
}
if (`$bad) { `$bad; exit 1 }
"every cmdlet has a docs page and help: `$(@(Get-Command -Module PersistStore).Count) cmdlets"
"@
    Invoke-Pwsh -Command $check
}

Export-ModuleMember -Function Invoke-Dotnet, Invoke-Pwsh, Get-PwshCommand, Invoke-DotnetTest, Get-PesterManifest, Invoke-PesterSuite, Start-TestPostgres, Stop-TestPostgres, New-ModulePackage, Test-HelpPages
