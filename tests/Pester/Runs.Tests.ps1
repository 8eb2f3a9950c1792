# Runs, tags and the change log as users drive them in real pwsh: pipelines, common parameters, views.
BeforeAll {
    Import-Module (Join-Path $PSScriptRoot 'TestHelpers.psm1')
    Import-Module (Get-TestManifest)
}

Describe 'New-Run' {
    BeforeEach { Connect-TestStore }

    It 'creates a run from named parameters and writes it to the pipeline' {
        $run = New-Run -Name db-backup -Description 'Nightly' -Tag nightly, db -Properties @{ retries = 3 }
        $run.GetType().FullName | Should -Be 'PersistStore.Run'
        $run.Name | Should -Be 'db-backup'
        $run.Tags | Should -Be @('nightly', 'db')
        $run.Properties['retries'] | Should -Be 3
    }

    It 'takes names from the pipeline, by value and by property name' {
        'a', 'b' | New-Run | Out-Null
        [pscustomobject]@{ Name = 'c' } | New-Run | Out-Null
        (Get-Run | Sort-Object Name).Name | Should -Be @('a', 'b', 'c')
    }


    It 'refuses an empty -Path instead of tracking the current directory' {
        { New-Run -Name p -Path '' -ErrorAction Stop } | Should -Throw -ErrorId 'ParameterArgumentValidationError,PersistStore.Commands.NewRunCommand'
        Get-Run | Should -BeNullOrEmpty
    }

    It 'refuses property keys that differ only in case' {
        $h = [hashtable]::new([StringComparer]::Ordinal); $h['A'] = 1; $h['a'] = 2
        New-Run -Name k -Properties $h -ErrorAction SilentlyContinue -ErrorVariable e | Should -BeNullOrEmpty
        $e.Count | Should -Be 1
        $e[0].FullyQualifiedErrorId | Should -Be 'InvalidProperty,PersistStore.Commands.NewRunCommand'
        $e[0].CategoryInfo.Category | Should -Be 'InvalidArgument'
        $e[0].Exception.Message | Should -Match "case-insensitive"
        ($e[0].Exception.Message -match "'a'" -and $e[0].Exception.Message -match "'A'") | Should -BeTrue
        Get-Run | Should -BeNullOrEmpty
    }

    It 'holds -Description to the same 1 MiB limit as property values, and says the limit' {
        New-Run -Name d -Description ('x' * (1MB + 1)) -ErrorAction SilentlyContinue -ErrorVariable e | Out-Null
        $e[0].FullyQualifiedErrorId | Should -Be 'InvalidDescription,PersistStore.Commands.NewRunCommand'
        $e[0].Exception.Message | Should -BeLike '*1,048,577 characters long*at most 1 MiB (1,048,576 characters)*'
        New-Run -Name d -Properties @{ p = 'x' * (1MB + 1) } -ErrorAction SilentlyContinue -ErrorVariable e2 | Out-Null
        $e2[0].Exception.Message | Should -BeLike '*at most 1 MiB (1,048,576 characters)*'
        Get-Run | Should -BeNullOrEmpty
        (New-Run -Name d -Description ('x' * 1MB)).Description.Length | Should -Be 1MB
    }

    It 'names a refused emoji whole, not half of its surrogate pair' {
        New-Run -Name "run$([char]::ConvertFromUtf32(0x1F600))" -ErrorAction SilentlyContinue -ErrorVariable e | Out-Null
        $e[0].FullyQualifiedErrorId | Should -BeLike 'InvalidRunName*'
        $e[0].Exception.Message | Should -BeLike "*contains '$([char]::ConvertFromUtf32(0x1F600))' (U+1F600)*"
    }
}

Describe 'Get-Run' {
    BeforeAll {
        Connect-TestStore
        New-Run -Name alpha -Tag nightly, db | Out-Null
        New-Run -Name beta -Tag nightly | Out-Null
        New-Run -Name gamma -Tag adhoc | Out-Null
    }

    It 'filters by wildcard, all-of tags and any-of tags' {
        (Get-Run -Name '*a' | Sort-Object Name).Name | Should -Be @('alpha', 'beta', 'gamma')
        (Get-Run -Tag nightly, db).Name | Should -Be 'alpha'
        (Get-Run -AnyTag db, adhoc | Sort-Object Name).Name | Should -Be @('alpha', 'gamma')
    }

    It 'works with Select-Object and Sort-Object' {
        $rows = Get-Run | Sort-Object Name -Descending | Select-Object Name, @{ n = 'TagCount'; e = { $_.Tags.Count } }
        $rows[0].Name | Should -Be 'gamma'
        $rows.TagCount | Should -Be @(1, 1, 2)
    }

    It 'reports a missing literal name as a non-terminating error with -ErrorVariable' {
        $found = Get-Run -Name alpha, nope -ErrorAction SilentlyContinue -ErrorVariable e
        $found.Name | Should -Be 'alpha'
        $e.Count | Should -Be 1
        $e[0].FullyQualifiedErrorId | Should -BeLike 'RunNotFound*'
        $e[0].CategoryInfo.Category | Should -Be 'ObjectNotFound'
        $e[0].TargetObject | Should -Be 'nope'
    }

    It 'stops the script with -ErrorAction Stop' {
        { Get-Run -Name nope -ErrorAction Stop } | Should -Throw -ErrorId 'RunNotFound*'
    }

    It 'shows debug lines with -Debug and never prompts, even with no console' {
        $store = Get-TestStore
        $r = Invoke-TestPwsh "Get-Run -Name alpha -Store '$store' -Debug | ForEach-Object Name; Get-Run -Name alpha -Store '$store' -Debug -Verbose | Out-Null; 'went on'" -Environment @{ NO_COLOR = '1' }
        $r.ExitCode | Should -Be 0
        $r.Stderr | Should -BeNullOrEmpty
        $r.Lines | Should -Contain 'alpha'
        $r.Lines | Should -Contain 'went on'
        @($r.Lines | Where-Object { $_ -match '^DEBUG: Get-Run .*: \d+\.\d ms' }).Count | Should -Be 2
        @($r.Lines | Where-Object { $_ -match '^VERBOSE: Store: ' }).Count | Should -Be 1
    }
}

Describe 'Set-Run' {
    BeforeEach {
        Connect-TestStore
        New-Run -Name r -Properties @{ a = 1 } | Out-Null
    }

    It 'merges properties and writes the run with -PassThru' {
        $run = Set-Run r -Properties @{ b = 2 } -PassThru
        $run.Properties['a'] | Should -Be 1
        $run.Properties['b'] | Should -Be 2
    }

    It 'takes runs from the pipeline' {
        Get-Run r | Set-Run -Description 'piped'
        (Get-Run r).Description | Should -Be 'piped'
    }

    It 'refuses an empty -Path' {
        { Set-Run r -Path '' -ErrorAction Stop } | Should -Throw -ErrorId 'ParameterArgumentValidationError,PersistStore.Commands.SetRunCommand'
        (Get-Run r).Path | Should -BeNullOrEmpty
    }

}

Describe 'Remove-Run' {
    BeforeEach {
        Connect-TestStore
        'x', 'y' | New-Run | Out-Null
    }

    It 'removes piped runs with -Confirm:$false' {
        Get-Run x | Remove-Run -Confirm:$false
        (Get-Run).Name | Should -Be 'y'
    }

    It 'removes nothing under -WhatIf and says what it would do' {
        $store = Get-TestStore
        $r = Invoke-TestPwsh "Remove-Run x -Store '$store' -WhatIf; (Get-Run -Store '$store').Count"
        $r.ExitCode | Should -Be 0
        $r.Lines[0] | Should -BeLike 'What if:*x*'
        $r.Lines[-1] | Should -Be '2'
    }

    It 'fails rather than prompting when a confirmation is needed and there is no console' {
        $store = Get-TestStore
        $r = Invoke-TestPwsh "Remove-Run x -Store '$store' -Confirm"
        $r.ExitCode | Should -Not -Be 0
        $r.Stderr | Should -Match 'NonInteractive'
        (Get-Run).Count | Should -Be 2
    }
}

Describe 'Set-RunTag' {
    BeforeEach { Connect-TestStore; 'a', 'b' | New-Run -Tag one | Out-Null }

    It 'takes Run and Tag by property name: rows of a CSV pipe straight in' {
        "Run,Tag`na,x`nb,y`na,z" | ConvertFrom-Csv | Set-RunTag -Append
        (Get-Run a).Tags | Should -Be @('one', 'x', 'z')
        (Get-Run b).Tags | Should -Be @('one', 'y')
    }

    It 'names a row that has no Tag column instead of prompting' {
        { [pscustomobject]@{ Run = 'a' } | Set-RunTag -ErrorAction Stop } | Should -Throw -ErrorId 'InputObjectMissingMandatory*'
        (Get-Run a).Tags | Should -Be @('one')
    }
}

Describe 'Remove-RunTag' {
    BeforeEach { Connect-TestStore; New-Run -Name t -Tag one, two, three | Out-Null }

    It 'removes the named tags only, case-insensitively, also from CSV rows' {
        Get-Run t | Remove-RunTag -Tag ONE
        (Get-Run t).Tags | Should -Be @('two', 'three')
        "Run,Tag`nt,Three" | ConvertFrom-Csv | Remove-RunTag
        (Get-Run t).Tags | Should -Be @('two')
    }
}

Describe 'Get-RunHistory' {
    BeforeAll {
        Connect-TestStore
        New-Run -Name h | Out-Null
        Set-Run h -Properties @{ x = 1 }
    }

    It 'lists hash-chained entries, newest last, with -Last' {
        $all = Get-RunHistory
        $all.Operation | Should -Be @('CreateStore', 'CreateRun', 'UpdateRun')
        for ($i = 1; $i -lt $all.Count; $i++) { $all[$i].PreviousHash | Should -Be $all[$i - 1].Hash }
        (Get-RunHistory -Last 1).Operation | Should -Be 'UpdateRun'
        (Get-Run h | Get-RunHistory).Operation | Should -Be @('CreateRun', 'UpdateRun')
    }
}
