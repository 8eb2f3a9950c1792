# Stores as sessions and scheduled tasks use them: the resolution order, the per-user default, many processes at once.
BeforeAll {
    Import-Module (Join-Path $PSScriptRoot 'TestHelpers.psm1')
    Import-Module (Get-TestManifest)
}

Describe 'Connect-PersistStore' {
    AfterEach { Disconnect-PersistStore }

    It 'sets the session default and returns it with -PassThru' {
        $path = New-TestStorePath
        $info = Connect-PersistStore -Path $path -PassThru
        $info.Location | Should -Be $path
        New-Run c | Out-Null
        (Get-PersistStore).Source | Should -Be 'SessionDefault'
        (Get-Run).Name | Should -Be 'c'
    }
}

Describe 'Disconnect-PersistStore' {
    It 'returns to the environment variable, then to the per-user default' {
        $env = New-TestStorePath 'env'
        New-Run e -Store $env | Out-Null
        $r = Invoke-TestPwsh @"
Connect-PersistStore -Path '$(New-TestStorePath 'session')'
`$env:PERSISTSTORE_STORE = '$env'
Disconnect-PersistStore
(Get-PersistStore).Source
Remove-Item Env:PERSISTSTORE_STORE
(Get-PersistStore).Source
"@ -Environment @{ XDG_DATA_HOME = (Join-Path $TestDrive 'xdg-disconnect') }
        $r.ExitCode | Should -Be 0 -Because $r.Stderr
        $r.Lines | Should -Be @('Environment', 'UserDefault')
    }
}

Describe 'Get-PersistStore' {
    It 'resolves parameter, then session, then environment, then the per-user default' {
        $xdg = Join-Path $TestDrive 'xdg-order'
        $env = New-TestStorePath 'env'; $session = New-TestStorePath 'session'; $param = New-TestStorePath 'param'
        $r = Invoke-TestPwsh @"
`$g = { `$i = Get-PersistStore @args; '{0}|{1}' -f `$i.Source, `$i.Location }
& `$g
`$env:PERSISTSTORE_STORE = '$env'; New-Run e | Out-Null; & `$g
Connect-PersistStore '$session'; & `$g
New-Run p -Store '$param' | Out-Null; & `$g -Store '$param'
Disconnect-PersistStore; & `$g
"@ -Environment @{ XDG_DATA_HOME = $xdg }
        $r.ExitCode | Should -Be 0 -Because $r.Stderr
        $r.Lines | Should -Be @(
            "UserDefault|$(Join-Path $xdg 'persiststore/default.pstore')"
            "Environment|$env"
            "SessionDefault|$session"
            "Parameter|$param"
            "Environment|$env")
    }

    It 'counts what the store holds' {
        $path = New-TestStorePath
        'a', 'b' | New-Run -Store $path | Out-Null
        $info = Get-PersistStore -Store $path
        $info.Runs | Should -Be 2
        $info.FormatVersion | Should -BeGreaterThan 0
    }
}

Describe 'Update-PersistStore' {
    It 'leaves a current store as it is, and says so' {
        $path = New-TestStorePath
        New-Run u -Store $path | Out-Null
        $before = (Get-RunHistory -Store $path).Count
        Update-PersistStore -Store $path -Confirm:$false
        (Get-RunHistory -Store $path).Count | Should -Be $before
    }
}

Describe 'The per-user default store' {
    It 'runs the quickstart twice in fresh pwsh processes, and its output fits 120 columns' {
        $xdg = Join-Path $TestDrive 'xdg-quickstart'
        foreach ($i in 1, 2) {
            $r = Invoke-TestPwsh "& '$(Join-Path (Get-RepoRoot) 'examples/quickstart.ps1')'" -Environment @{ XDG_DATA_HOME = $xdg; COLUMNS = '120' }
            $r.ExitCode | Should -Be 0 -Because $r.Stderr
            $r.Stderr | Should -BeNullOrEmpty
            $r.Stdout | Should -Match 'quickstart-nightly'
            $r.Stdout | Should -Match 'Modified \(UTC\)'
            ($r.Lines | Measure-Object Length -Maximum).Maximum | Should -BeLessOrEqual 120
        }
        Test-Path (Join-Path $xdg 'persiststore/default.pstore') -PathType Container | Should -BeTrue
    }

    It 'runs the quickstart on a per-user store of an older format, after upgrading it with a backup' {
        $xdg = Join-Path $TestDrive 'xdg-old'
        New-Item -ItemType Directory (Join-Path $xdg 'persiststore') | Out-Null
        Copy-Item (Join-Path (Get-RepoRoot) 'tests/Fixtures/format3/store.pstore') (Join-Path $xdg 'persiststore/default.pstore')
        $r = Invoke-TestPwsh "& '$(Join-Path (Get-RepoRoot) 'examples/quickstart.ps1')'" -Environment @{ XDG_DATA_HOME = $xdg }
        $r.ExitCode | Should -Be 0 -Because $r.Stderr
        $r.Stdout | Should -Match 'older format: upgrading it'
        (Get-Run -Store (Join-Path $xdg 'persiststore/default.pstore')).Name | Sort-Object | Should -Be @('fixture', 'other', 'quickstart-adhoc', 'quickstart-nightly')
        @(Get-ChildItem (Join-Path $xdg 'persiststore') -Filter 'default.format3-*.pstore').Count | Should -Be 1
    }
}

Describe 'Many processes at once' {
    It 'fifty concurrent pwsh processes lose no tag and no history entry' {
        $store = New-TestStorePath 'concurrent'
        New-Run shared -Store $store | Out-Null
        0..49 | ForEach-Object { New-Run "own-$_" -Store $store | Out-Null }
        $children = 0..49 | ForEach-Object {
            $p = [Diagnostics.Process]::Start((New-ChildStartInfo "Set-RunTag shared -Tag t$_ -Append -Store '$store'; Set-RunTag own-$_ -Tag mine-$_ -Store '$store'"))
            $p.StandardInput.Close()
            [pscustomobject]@{ Process = $p; Err = $p.StandardError.ReadToEndAsync(); Out = $p.StandardOutput.ReadToEndAsync() }
        }
        foreach ($c in $children) {
            $c.Process.WaitForExit(600000) | Should -BeTrue
            $c.Process.ExitCode | Should -Be 0 -Because $c.Err.Result
        }
        (Get-Run shared -Store $store).Tags.Count | Should -Be 50
        @(Get-Run own-* -Store $store | Where-Object { $_.Tags.Count -eq 1 -and $_.Tags[0] -eq ('mine-' + $_.Name.Substring(4)) }).Count | Should -Be 50
        $h = @(Get-RunHistory -Store $store)
        $h.Count | Should -Be (1 + 1 + 50 + 2 * 50)
        @($h | Where-Object Operation -eq SetTags).Count | Should -Be 100
        for ($i = 1; $i -lt $h.Count; $i++) {
            $h[$i].PreviousHash | Should -Be $h[$i - 1].Hash
            $h[$i].Id | Should -Be ($h[$i - 1].Id + 1)
        }
    }
}
