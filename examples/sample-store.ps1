# Creates the sample runs that the examples in README.md and docs/ assume, in the session's store.
# Run it after Connect-PersistStore (a new store file is best):
#   Connect-PersistStore -Path ./sample.pstore; ./examples/sample-store.ps1
$work = [IO.Directory]::CreateDirectory([IO.Path]::Combine([IO.Path]::GetTempPath(), "persiststore-sample-$([guid]::NewGuid().ToString('N'))")).FullName
[IO.Directory]::CreateDirectory([IO.Path]::Combine($work, 'dumps')) | Out-Null
[IO.File]::WriteAllText([IO.Path]::Combine($work, 'backup.conf'), "target = db01`nretention = 14`n")
[IO.File]::WriteAllText([IO.Path]::Combine($work, 'dumps', 'orders.sql'), ('INSERT INTO orders VALUES (1);' * 1000))
New-Run -Name nightly-backup -Description 'Nightly database backup' -Path $work -Tag nightly, backup `
    -Properties @{ retries = 3; owner = 'ops' } | Out-Null
New-Run -Name etl-import -Description 'Import of the partner feed' -Tag nightly, etl | Out-Null
New-Run -Name scratch | Out-Null
New-Checkpoint -Run nightly-backup -Message 'configured' | Out-Null
