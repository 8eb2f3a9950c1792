# The module as a whole in real pwsh: Get-Help of every cmdlet from the shipped MAML, docs pages that match the
# cmdlets' parameters (the docs are kept by hand: PlatyPS is not available), and a Pester Describe for every cmdlet.
BeforeDiscovery {
    Import-Module (Join-Path $PSScriptRoot 'TestHelpers.psm1')
    $script:cmdlets = @((Import-PowerShellDataFile (Get-TestManifest)).CmdletsToExport | Sort-Object)
}

BeforeAll {
    Import-Module (Join-Path $PSScriptRoot 'TestHelpers.psm1')
    Import-Module (Get-TestManifest)
    $script:docs = Join-Path (Get-RepoRoot) 'docs'
}

Describe 'Get-Help' {
    It '<_> has a synopsis, a description, every parameter and an example' -ForEach $cmdlets {
        $help = Get-Help $_ -Full
        $help.Synopsis.Trim() | Should -Not -BeNullOrEmpty
        $help.Synopsis.Trim() | Should -Not -BeLike "$_*" -Because 'Get-Help falls back to the syntax when there is no MAML synopsis'
        ($help.description.Text -join '').Trim() | Should -Not -BeNullOrEmpty
        @($help.examples.example).Count | Should -BeGreaterOrEqual 1
        $common = [System.Management.Automation.Cmdlet]::CommonParameters
        $actual = (Get-Command $_).Parameters.Keys | Where-Object { $_ -notin $common } | Sort-Object
        $helped = @($help.parameters.parameter | Where-Object { $_.description.Text -join '' } | ForEach-Object name) | Sort-Object
        $helped | Should -Be $actual
    }
}

Describe 'docs pages' {
    It 'are exactly the exported cmdlets' {
        (Get-ChildItem $docs -Filter '*-*.md').BaseName | Sort-Object | Should -Be $cmdlets
    }

    It '<_>.md documents exactly the parameters the cmdlet has' -ForEach $cmdlets {
        $common = [System.Management.Automation.Cmdlet]::CommonParameters
        $actual = (Get-Command $_).Parameters.Keys | Where-Object { $_ -notin $common } | Sort-Object
        $documented = [regex]::Matches((Get-Content (Join-Path $docs "$_.md") -Raw), '(?m)^### -(\w+)\s*$') | ForEach-Object { $_.Groups[1].Value } | Sort-Object
        $documented | Should -Be $actual
    }
}

Describe 'The Pester suite' {
    It 'has a Describe block for every cmdlet' {
        $described = Get-ChildItem $PSScriptRoot -Filter *.Tests.ps1 | ForEach-Object {
            [regex]::Matches((Get-Content $_.FullName -Raw), "(?m)^Describe '([A-Za-z]+-[A-Za-z]+)'") | ForEach-Object { $_.Groups[1].Value }
        }
        $cmdlets | Where-Object { $_ -notin $described } | Should -BeNullOrEmpty
    }
}
