@{
    RootModule             = 'PersistStore.dll'
    ModuleVersion          = '0.1.0'
    GUID                   = '7d6f1a0e-3c1b-4f7e-9a55-2b8f0c4d9e61'
    Author                 = 'PersistStore contributors'
    CompanyName            = 'PersistStore'
    Copyright              = '(c) PersistStore contributors. MIT License.'
    Description            = 'Keeps runs safe: checkpoints of their files and data, tags, a hash-chained change log, revert and cross-process locks, in one SQLite file or PostgreSQL.'
    CompatiblePSEditions   = @('Core', 'Desktop')
    PowerShellVersion      = '5.1'
    FormatsToProcess       = @('PersistStore.Format.ps1xml')
    CmdletsToExport        = @(
        'Connect-PersistStore'
        'Disconnect-PersistStore'
        'Get-PersistStore'
        'Update-PersistStore'
        'Optimize-PersistStore'
        'Test-PersistStore'
        'Repair-PersistStore'
        'Start-Migration'
        'New-Run'
        'Get-Run'
        'Set-Run'
        'Remove-Run'
        'Set-RunTag'
        'Remove-RunTag'
        'Get-RunHistory'
        'New-Checkpoint'
        'Remove-Checkpoint'
        'Get-Checkpoint'
        'Compare-Checkpoint'
        'Export-Checkpoint'
        'Invoke-RunRevert'
        'Enter-RunLock'
        'Exit-RunLock'
        'Get-RunLock'
        'Unlock-Run'
        'Invoke-RunTransaction'
    )
    FunctionsToExport      = @()
    AliasesToExport        = @()
    VariablesToExport      = @()
    PrivateData            = @{
        PSData = @{
            Tags         = @('checkpoint', 'snapshot', 'backup', 'run', 'lock', 'sqlite', 'postgresql', 'ops', 'automation', 'PSEdition_Core', 'PSEdition_Desktop', 'Windows', 'Linux', 'MacOS')
            ProjectUri   = 'https://github.com/persiststore/PersistStore'
            LicenseUri   = 'https://github.com/persiststore/PersistStore/blob/main/LICENSE'
            ReleaseNotes = 'First release: runs, tags, the hash-chained change log, deduplicated checkpoints with compare, export and revert, and run locks (leases, stale takeover, fencing, retry budgets) with Invoke-RunTransaction, on an embedded SQLite store.'
        }
    }
}
