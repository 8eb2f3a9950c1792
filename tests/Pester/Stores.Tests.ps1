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
        $info.UnreferencedChunks, $info.UnreferencedBytes | Should -Be 0, 0
    }
}

Describe 'Opening a store changes nothing' {
    BeforeAll {
        function Get-Listing([string] $Folder) {
            Get-ChildItem -Recurse -File -Force $Folder | Sort-Object FullName | ForEach-Object { '{0} {1}' -f $_.FullName, (Get-FileHash $_.FullName).Hash }
        }
    }

    It 'refuses a store whose write-ahead log was deleted after a kill -9, and never makes a new empty store of it' {
        $store = New-TestStorePath 'killed'
        $data = New-Item -ItemType Directory (Join-Path $TestDrive "data-$([guid]::NewGuid().ToString('N'))")
        Set-Content (Join-Path $data 'a.txt') 'work'
        # The writer keeps its connections (and so the log) open until it is killed.
        $p = Start-TestPwsh "New-Run job -Path '$data' -Store '$store' | New-Checkpoint | Out-Null; [Console]::Out.WriteLine('ready'); [Console]::In.ReadLine()"
        try { $p.StandardOutput.ReadLine() | Should -Be 'ready' } finally { Stop-TestPwsh $p -Kill }
        Remove-Item (Join-Path $store 'index.db-wal')
        $before = Get-Listing $store
        foreach ($command in { Get-PersistStore -Store $store }, { Get-Run -Store $store }, { New-Run other -Store $store }) {
            $e = $null
            try { & $command } catch { $e = $_ }
            $e.FullyQualifiedErrorId | Should -BeLike 'StoreIndexDamaged,*'
            $e.CategoryInfo.Category | Should -Be 'InvalidData'
            $e.TargetObject | Should -Be $store
            $e.Exception.Message | Should -Match "write-ahead log '.*index\.db-wal' is missing"
        }
        Get-Listing $store | Should -Be $before
    }

    It 'reads a store on a read-only file system, refuses a change naming the cause, and leaves every file as it was' -Skip:(-not $IsLinux) {
        $store = New-TestStorePath 'ro'
        $data = New-Item -ItemType Directory (Join-Path $TestDrive "data-$([guid]::NewGuid().ToString('N'))")
        Set-Content (Join-Path $data 'a.txt') 'kept'
        $ro = New-Item -ItemType Directory (Join-Path $TestDrive "ro-$([guid]::NewGuid().ToString('N'))")
        $root = (id -u) -eq 0
        # Mode bits do not stop root: as root the store lies on a tmpfs mount made read-only once the store is in it.
        if ($root) { mount -t tmpfs -o size=16m persiststore-test $ro.FullName }
        try {
            $inside = Join-Path $ro.FullName 'store'
            Invoke-TestPwsh "New-Run job -Path '$data' -Store '$inside' | New-Checkpoint | Out-Null" | ForEach-Object ExitCode | Should -Be 0
            if ($root) { mount -o remount,ro $ro.FullName } else { chmod -R a-w $ro.FullName }
            $before = Get-Listing $inside

            (Get-PersistStore -Store $inside).Checkpoints | Should -Be 1
            (Get-Run -Store $inside).Name | Should -Be 'job'
            $out = Join-Path $TestDrive "out-$([guid]::NewGuid().ToString('N'))"
            Export-Checkpoint job -Store $inside -Destination $out | Out-Null
            Get-Content (Join-Path $out 'a.txt') | Should -Be 'kept'

            New-Checkpoint job -Store $inside -ErrorAction SilentlyContinue -ErrorVariable e | Should -BeNullOrEmpty
            $e[0].FullyQualifiedErrorId | Should -BeLike 'StoreAccessDenied,*'
            $e[0].CategoryInfo.Category | Should -Be 'PermissionDenied'
            $cause = if ($root) { 'on a read-only file system' } else { 'read-only for' }
            $e[0].Exception.Message | Should -Match "its folder '.*' is $cause"
            Get-Listing $inside | Should -Be $before
        }
        finally { if ($root) { umount $ro.FullName } else { chmod -R u+w $ro.FullName } }
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
