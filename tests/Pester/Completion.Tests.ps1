# Tab completion as a user gets it in pwsh: TabExpansion2 on the command line, against the store it names or the
# session's store. (Moved from the hosted-engine xunit suite: TabExpansion2 is what the console calls.)
BeforeAll {
    Import-Module (Join-Path $PSScriptRoot 'TestHelpers.psm1')
    Import-Module (Get-TestManifest)
    $script:store = New-TestStorePath 'complete'
    New-Run nightly-backup -Tag nightly, backup -Store $store | Out-Null
    New-Run nightly-etl -Tag 'needs review' -Store $store | Out-Null
    New-Run adhoc -Store $store | Out-Null
    $work = New-Item -ItemType Directory (Join-Path $TestDrive 'work')
    Set-Content (Join-Path $work 'a.txt') 'a'
    Set-Run adhoc -Path $work.FullName -Store $store
    New-Checkpoint adhoc -Store $store | Out-Null
    New-Checkpoint adhoc -Store $store | Out-Null

    function Complete([string] $InputScript) {
        @((TabExpansion2 -inputScript $InputScript -cursorColumn $InputScript.Length).CompletionMatches.CompletionText)
    }
}

Describe 'Completion' {
    AfterEach { Disconnect-PersistStore }

    It 'completes run names from the store on the command line, case-insensitively' {
        Complete "Set-RunTag -Store '$store' -Run NIGHT" | Should -Be @('nightly-backup', 'nightly-etl')
    }

    It 'completes run names from the session store, positionally too' {
        Connect-PersistStore -Path $store
        Complete 'Get-Run -Name a' | Should -Be @('adhoc')
        Complete 'Remove-Run ' | Should -Be @('adhoc', 'nightly-backup', 'nightly-etl')
    }

    It 'completes tags, quoted when they hold a space' {
        Complete "Get-Run -Store '$store' -Tag n" | Should -Be @("'needs review'", 'nightly')
    }

    It 'completes history operations' {
        Complete "Get-RunHistory -Store '$store' -Operation SetT" | Should -Be @('SetTags')
    }

    It 'completes checkpoint numbers newest first' {
        Complete "Export-Checkpoint -Store '$store' -Run adhoc -Checkpoint " | Should -Be @('2', '1')
        Complete "Get-Checkpoint -Store '$store' -Run adhoc -Checkpoint " | Should -Be @('2', '1')
    }

    It 'completes nothing from a missing store, and creates nothing' {
        $missing = New-TestStorePath 'missing'
        Complete "Get-Run -Store '$missing' -Name n" | Should -BeNullOrEmpty
        Test-Path $missing | Should -BeFalse
    }
}
