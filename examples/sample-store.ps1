# Creates the sample runs that the examples in README.md and docs/ assume, in the session's store.
# Run it after Connect-PersistStore (a new store file is best):
#   Connect-PersistStore -Path ./sample.pstore; ./examples/sample-store.ps1
$work = [IO.Directory]::CreateDirectory([IO.Path]::Combine([IO.Path]::GetTempPath(), "persiststore-sample-$PID")).FullName
New-Run -Name nightly-backup -Description 'Nightly database backup' -Path $work -Tag nightly, backup `
    -Properties @{ retries = 3; owner = 'ops' } | Out-Null
New-Run -Name etl-import -Description 'Import of the partner feed' -Tag nightly, etl | Out-Null
New-Run -Name scratch | Out-Null
