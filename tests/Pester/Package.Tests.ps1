# The Gallery path: the module folder is packed and published to a local file repository, installed from there into
# an empty module path by a fresh pwsh that knows nothing of this repository, imported by name, and used.
BeforeAll {
    Import-Module (Join-Path $PSScriptRoot 'TestHelpers.psm1')
    Import-Module (Join-Path (Get-RepoRoot) 'tools/Build.psm1')
    $script:repo = New-Item -ItemType Directory (Join-Path $TestDrive 'repo')
    # The Package task's own packer: it refuses a module folder that holds files a user must not get.
    $script:package = New-ModulePackage -ModuleFolder (Get-TestModuleFolder) -Destination $repo.FullName
    # A user's machine: its own home, so the module path, the repository list and every store start empty.
    $script:userEnv = @{ HOME = (New-Item -ItemType Directory (Join-Path $TestDrive 'home')).FullName; XDG_DATA_HOME = $null; XDG_CONFIG_HOME = $null; XDG_CACHE_HOME = $null; PSModulePath = $null }
}

Describe 'The module package' {
    It 'holds the module and nothing a user should not get' {
        Add-Type -AssemblyName System.IO.Compression.FileSystem
        $zip = [IO.Compression.ZipFile]::OpenRead($package)
        try { $names = $zip.Entries.FullName } finally { $zip.Dispose() }
        $names | Should -Contain 'PersistStore.psd1'
        $names | Should -Contain 'PersistStore.dll'
        $names | Should -Contain 'en-US/PersistStore.dll-Help.xml'
        $names | Should -Contain 'lib/core/PersistStore.Engine.dll'
        $names | Should -Contain 'runtimes/linux-x64/native/libe_sqlite3.so'
        $names | Where-Object { $_ -match 'System\.Management\.Automation|persiststore-host|\.pdb$|\.deps\.json$|TestTool|Tests' } | Should -BeNullOrEmpty
    }

    It 'is published, installed with Install-PSResource into an empty module path, imported by name, and checkpoints and reverts' {
        $r = Invoke-TestPwsh -NoModule -Environment $userEnv @"
`$ErrorActionPreference = 'Stop'
if (Get-Module -ListAvailable PersistStore) { throw 'PersistStore is already on the module path' }
`$published = New-Item -ItemType Directory (Join-Path `$HOME 'published')
Register-PSResourceRepository -Name Local -Uri `$published.FullName -Trusted
Publish-PSResource -Path '$(Get-TestModuleFolder)' -Repository Local
Install-PSResource -Name PersistStore -Repository Local -Scope CurrentUser -TrustRepository
(Get-ChildItem `$published.FullName).Name
(Get-Module -ListAvailable PersistStore).ModuleBase
"@
        $r.ExitCode | Should -Be 0 -Because $r.Stderr
        $r.Lines[-2] | Should -Be 'PersistStore.0.1.0.nupkg'
        $r.Lines[-1] | Should -BeLike "$($userEnv.HOME)*PersistStore*"

        $work = New-Item -ItemType Directory (Join-Path $TestDrive 'work')
        Set-Content (Join-Path $work 'a.txt') 'one'
        $use = Invoke-TestPwsh -NoModule -Environment $userEnv @"
`$ErrorActionPreference = 'Stop'
Import-Module PersistStore
New-Run -Name installed -Path '$($work.FullName)' | Out-Null
New-Checkpoint installed | Out-Null
Set-Content '$(Join-Path $work 'a.txt')' 'two'
(Invoke-RunRevert installed -Checkpoint 1 -Confirm:`$false).ChangedPaths
(Get-Module PersistStore).ModuleBase
(Get-PersistStore).Source
"@
        $use.ExitCode | Should -Be 0 -Because $use.Stderr
        $use.Lines[0] | Should -Be '1'
        $use.Lines[1] | Should -BeLike "$($userEnv.HOME)*"
        $use.Lines[2] | Should -Be 'UserDefault'
        Get-Content (Join-Path $work 'a.txt') | Should -Be 'one'
    }

    It 'installs with Install-Module (PowerShellGet 2) from the folder that the Package task wrote, into another empty home' {
        $home2 = @{} + $userEnv
        $home2.HOME = (New-Item -ItemType Directory (Join-Path $TestDrive 'home2')).FullName
        $r = Invoke-TestPwsh -NoModule -Environment $home2 @"
`$ErrorActionPreference = 'Stop'
Register-PSRepository -Name Packed -SourceLocation '$($repo.FullName)' -InstallationPolicy Trusted
Install-Module PersistStore -Repository Packed -Scope CurrentUser
Import-Module PersistStore
(Get-Module PersistStore).ModuleBase
(New-Run -Name viaInstallModule).Name
"@
        $r.ExitCode | Should -Be 0 -Because $r.Stderr
        $r.Lines[0] | Should -BeLike "$($home2.HOME)*PersistStore*0.1.0"
        $r.Lines[1] | Should -Be 'viaInstallModule'
    }
}
