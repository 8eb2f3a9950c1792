# Every PowerShell example in README.md and docs/ runs in real pwsh, each in a fresh process whose temp folder and
# per-user data folder are private, against a new store holding the sample runs of examples/sample-store.ps1. An
# example passes when it finishes with exit code 0 and writes nothing to the error stream. Examples of a team's
# PostgreSQL store read $env:PERSISTSTORE_TEAM_DB: each gets a new schema of the test server build.ps1 started
# (PERSISTSTORE_TEST_SERVER), and is skipped, saying so, where there is none.
BeforeDiscovery {
    $root = (Resolve-Path (Join-Path $PSScriptRoot '../..')).Path
    $fence = [regex]::new('^```powershell\r?\n(?<code>.*?)^```', 'Multiline, Singleline')
    $files = @(Get-ChildItem (Join-Path $root 'docs') -Filter *.md) + @(Get-Item (Join-Path $root 'README.md'))
    $script:examples = foreach ($file in $files | Sort-Object FullName) {
        $n = 0
        foreach ($m in $fence.Matches((Get-Content $file.FullName -Raw))) {
            $code = $m.Groups['code'].Value
            # Installing from the PowerShell Gallery needs the network: the one block not run (Package.Tests.ps1 installs
            # the package from a local repository instead).
            if ($code.TrimStart().StartsWith('Install-Module')) { continue }
            @{ File = [IO.Path]::GetRelativePath($root, $file.FullName); Number = ++$n; Code = $code }
        }
    }
    $script:pages = @(Get-ChildItem (Join-Path $root 'docs') -Filter '*-*.md' | ForEach-Object { "docs/$($_.Name)" }) + 'README.md'
}

BeforeAll {
    Import-Module (Join-Path $PSScriptRoot 'TestHelpers.psm1')
}

Describe 'Examples' {
    It '<_> has at least one example' -ForEach $pages {
        $page = $_
        @($examples | Where-Object { $_.File -eq $page }).Count | Should -BeGreaterThan 0
    }

    It '<File> example <Number> runs without errors' -ForEach $examples {
        $sandbox = New-Item -ItemType Directory (Join-Path $TestDrive "example-$([guid]::NewGuid().ToString('N').Substring(0, 8))")
        $xdg = New-Item -ItemType Directory (Join-Path $sandbox 'xdg')
        $tmp = New-Item -ItemType Directory (Join-Path $sandbox 'tmp')
        $script = "`$ErrorActionPreference = 'Continue'`nConnect-PersistStore -Path '$(Join-Path $sandbox 'examples.pstore')'`n& '$(Join-Path (Get-RepoRoot) 'examples/sample-store.ps1')'`n$Code"
        $environment = @{ XDG_DATA_HOME = $xdg.FullName; TMPDIR = $tmp.FullName }
        if ($Code -match 'PERSISTSTORE_TEAM_DB') {
            if (-not $env:PERSISTSTORE_TEST_SERVER) { Set-ItResult -Skipped -Because 'it needs a PostgreSQL server (PERSISTSTORE_TEST_SERVER)'; return }
            $environment['PERSISTSTORE_TEAM_DB'] = "$($env:PERSISTSTORE_TEST_SERVER.TrimEnd(';'));Search Path=team_$([guid]::NewGuid().ToString('N').Substring(0, 12))"
        }
        $r = Invoke-TestPwsh $script -Environment $environment
        $r.Stderr | Should -BeNullOrEmpty -Because "$File example $Number`n$Code"
        $r.ExitCode | Should -Be 0 -Because "$File example $Number`n$Code`n$($r.Stdout)"
    }
}
