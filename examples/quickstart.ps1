# PersistStore quickstart: runs, tags, properties, checkpoints, revert and the change log on the embedded default store.
# Run it from a fresh clone with:  dotnet tool restore && dotnet pwsh ./build.ps1 -Task Demo
# (or, after a build:  Import-Module ./out/PersistStore; ./examples/quickstart.ps1)

$ErrorActionPreference = 'Stop'

# A per-user store made by an earlier version (one file) is refused until it is upgraded: do that first, as a user
# would after updating the module (the old store is backed up beside it).
try { $null = Get-PersistStore }
catch {
    if ($_.FullyQualifiedErrorId -notlike 'StoreUpgradeRequired*') { throw }
    Write-Host 'Your per-user store is in an older format: upgrading it (the old one is kept as a backup beside it).'
    Update-PersistStore -Confirm:$false -Verbose | Out-Null
}

# Start clean if the demo ran before: the default store keeps everything between sessions.
Get-Run -Name 'quickstart-*' | Remove-Run -Confirm:$false

# A run is a named unit of work; a tracked directory, properties and tags are optional.
$work = [IO.Directory]::CreateDirectory([IO.Path]::Combine([IO.Path]::GetTempPath(), 'persiststore-quickstart')).FullName
[IO.File]::WriteAllText([IO.Path]::Combine($work, 'export.conf'), "target = warehouse`nbatch = 500`n")
$null = New-Run -Name quickstart-nightly -Description 'Nightly export' -Path $work -Tag nightly, export `
    -Properties @{ retries = 3; owner = 'ops'; started = [datetime]::UtcNow }
$null = New-Run -Name quickstart-adhoc -Tag adhoc, Export, EXPORT   # duplicate tags are dropped, first spelling kept

# Select by tag (all-of with -Tag, any-of with -AnyTag), then change what the pipeline found.
Get-Run -AnyTag nightly, adhoc | Set-RunTag -Tag reviewed -Append
Set-Run quickstart-nightly -Properties @{ lastStatus = 'ok'; lastDurationSeconds = 41.7 }

Get-Run -Name 'quickstart-*' | Out-Default

# A checkpoint keeps the run's directory, properties and tags; a revert brings them back (after a safety checkpoint).
New-Checkpoint -Run quickstart-nightly -Message 'known good' | Out-Default
[IO.File]::WriteAllText([IO.Path]::Combine($work, 'export.conf'), "target = oops`n")
Compare-Checkpoint -Run quickstart-nightly -Reference 1 | Out-Default
Invoke-RunRevert -Run quickstart-nightly -Confirm:$false | Out-Default

# Every change is one hash-chained entry in the change log.
Get-RunHistory -Last 8 | Out-Default

Get-PersistStore
