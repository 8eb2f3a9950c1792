using System;
using System.Diagnostics;
using System.IO;
using System.Linq;
using Microsoft.Data.Sqlite;
using PersistStore.Engine.Errors;
using PersistStore.Engine.Storage;
using PersistStore.Engine.Storage.Sqlite;
using PersistStore.Tests.Shared;
using Xunit;

namespace PersistStore.Engine.Tests;

public class SqliteStoreTests
{
    [Fact]
    public void BlobsAreStoredOnceAndReadBackExactlyEvenWhenEmpty()
    {
        using var store = new TestStore();
        var backend = store.Open();
        var empty = Compression.BlobCodec.Encode(Array.Empty<byte>());
        var text = Compression.BlobCodec.Encode(TestFiles.TextBytes(100_000, 3));
        var stored = backend.Write(w => w.PutBlobs(new[] { (empty, Model.BlobKind.Chunk), (text, Model.BlobKind.Chunk) }));
        Assert.Equal((2, (long)text.Length), stored);
        Assert.Equal((0, 0L), backend.Write(w => w.PutBlobs(new[] { (text, Model.BlobKind.Chunk) })));   // already there
        foreach (var (blob, plain) in new[] { (empty, Array.Empty<byte>()), (text, TestFiles.TextBytes(100_000, 3)) })
        {
            byte[]? decoded = null;
            Assert.True(backend.Read(r => r.ReadBlob(blob.Id, (size, codec, data) =>
            {
                decoded = new byte[size];
                Compression.BlobCodec.DecodeInto(blob.Id, size, codec, data, decoded);
            })));
            Assert.Equal(plain, decoded);
        }
        Assert.Equal(Compression.BlobCodecKind.Lz4, text.Codec);
    }

    private static object? Query(string path, string sql)
    {
        using var c = new SqliteConnection($"Data Source={path};Pooling=False");
        c.Open();
        using var cmd = c.CreateCommand();
        cmd.CommandText = sql;
        return cmd.ExecuteScalar();
    }

    private static void Execute(string path, string sql) => Query(path, sql);

    [Fact]
    public void ANewStoreIsWalStampedAndLogsItsCreation()
    {
        using var store = new TestStore();
        var backend = store.Open();
        Assert.Equal(SqliteSchema.LatestVersion, backend.FormatVersion);
        Assert.Equal("wal", Query(store.IndexOnDisk, "PRAGMA journal_mode"));
        Assert.Equal((long)SqliteSchema.ApplicationId, Query(store.IndexOnDisk, "PRAGMA application_id"));
        Assert.Equal(SqliteSchema.LatestVersion.ToString(), Query(store.IndexOnDisk, "SELECT value FROM store_meta WHERE key = 'format_version'"));
        Assert.True(Directory.Exists(Path.Combine(store.PathOnDisk, "packs")));
        Assert.Equal("CreateStore", Query(store.IndexOnDisk, "SELECT operation FROM history WHERE id = 1"));
        Assert.Equal(1L, backend.Read(r => r.Summarize()).HistoryEntries);
    }

    [Fact]
    public void ReopeningAStoreKeepsIt()
    {
        using var store = new TestStore();
        string id = store.Open().Read(r => r.Summarize()).StoreId;
        Assert.Equal(id, store.Open(create: false).Read(r => r.Summarize()).StoreId);
        Assert.Equal(1L, Query(store.IndexOnDisk, "SELECT COUNT(*) FROM history"));
    }

    [Fact]
    public void AMissingStoreIsNotCreatedUnlessAsked()
    {
        using var store = new TestStore();
        var e = Assert.Throws<StoreNotFoundException>(() => store.Open(create: false));
        Assert.Equal("StoreNotFound", e.ErrorId);
        Assert.Contains("Connect-PersistStore", e.Message);
        Assert.False(File.Exists(store.PathOnDisk));
    }

    [Fact]
    public void AStoreInAMissingFolderIsRefusedAndNoFolderIsCreated()
    {
        using var store = new TestStore();
        string path = Path.Combine(store.Folder, "missing", "s.pstore");
        var e = Assert.Throws<StoreNotFoundException>(() => SqliteStore.Open(path, new StoreOpenOptions { CreateIfMissing = true }));
        Assert.Equal(ErrorKind.NotFound, e.Kind);
        Assert.Equal(path, e.Target);
        Assert.False(Directory.Exists(Path.Combine(store.Folder, "missing")));
    }

    [Fact]
    public void AFolderWithOtherContentIsNeverMadeAStore()
    {
        using var store = new TestStore();
        File.WriteAllText(Path.Combine(store.Folder, "notes.txt"), "mine");
        var e = Assert.Throws<StoreFormatException>(() => SqliteStore.Open(store.Folder, new StoreOpenOptions { CreateIfMissing = true }));
        Assert.Equal("StoreIndexMissing", e.ErrorId);
        Assert.Equal(new[] { "notes.txt" }, Directory.GetFileSystemEntries(store.Folder).Select(Path.GetFileName));
    }

    [Fact]
    public void AFileThatIsNotSqliteIsRefusedAndLeftUntouched()
    {
        using var store = new TestStore();
        File.WriteAllText(store.PathOnDisk, "just some notes, not a database\n");
        string before = TestStore.Sha256(store.PathOnDisk);
        var e = Assert.Throws<StoreFormatException>(() => store.Open());
        Assert.Equal("NotAPersistStore", e.ErrorId);
        Assert.Equal(ErrorKind.InvalidData, e.Kind);
        Assert.Equal(before, TestStore.Sha256(store.PathOnDisk));
    }

    [Fact]
    public void AnotherApplicationsSqliteDatabaseIsRefusedAndLeftUntouched()
    {
        using var store = new TestStore();
        Execute(store.PathOnDisk, "CREATE TABLE customers (id INTEGER PRIMARY KEY, name TEXT)");
        string before = TestStore.Sha256(store.PathOnDisk);
        var e = Assert.Throws<StoreFormatException>(() => store.Open());
        Assert.Equal("NotAPersistStore", e.ErrorId);
        Assert.Equal(before, TestStore.Sha256(store.PathOnDisk));
        Assert.Equal(0L, Query(store.PathOnDisk, "SELECT COUNT(*) FROM sqlite_master WHERE name = 'runs'"));
    }

    [Fact]
    public void ANewerFormatIsRefusedWithoutChangingTheStore()
    {
        using var store = new TestStore();
        store.Open();
        SqliteConnection.ClearAllPools();
        Execute(store.IndexOnDisk, "UPDATE store_meta SET value = '99' WHERE key = 'format_version'");
        string before = TestStore.Sha256(store.IndexOnDisk);
        var e = Assert.Throws<StoreFormatException>(() => store.Open());
        Assert.Equal("StoreFormatTooNew", e.ErrorId);
        Assert.Contains("format version 99", e.Message);
        Assert.Equal(before, TestStore.Sha256(store.IndexOnDisk));
    }

    [Fact]
    public void AnOlderFormatIsRefusedUntilUpgradedExplicitlyWithABackup()
    {
        using var store = new TestStore();
        var v1 = new[] { SqliteSchema.Migrations[0] };
        var v2 = new[] { SqliteSchema.Migrations[0], new SchemaMigration(2, "test column", new[] { "ALTER TABLE runs ADD COLUMN owner TEXT" }) };
        SqliteStore.Open(store.PathOnDisk, new StoreOpenOptions { CreateIfMissing = true }, v1);
        SqliteConnection.ClearAllPools();

        var e = Assert.Throws<StoreFormatException>(() => SqliteStore.Open(store.PathOnDisk, new StoreOpenOptions(), v2));
        Assert.Equal("StoreUpgradeRequired", e.ErrorId);

        string taken = store.PathOnDisk + ".taken";
        File.WriteAllText(taken, "not to be overwritten");
        string before = TestStore.Sha256(store.IndexOnDisk);
        var exists = Assert.Throws<PersistStoreException>(() => SqliteUpgrade.Upgrade(store.PathOnDisk, taken, new StoreOpenOptions(), v2));
        Assert.Equal("BackupExists", exists.ErrorId);
        Assert.Equal("not to be overwritten", File.ReadAllText(taken));
        Assert.Equal(before, TestStore.Sha256(store.IndexOnDisk));

        string backup = store.PathOnDisk + ".v1.bak";
        Assert.Equal(new UpgradeResult(1, 2, backup), SqliteUpgrade.Upgrade(store.PathOnDisk, backup, new StoreOpenOptions(), v2));
        Assert.Equal(2, SqliteStore.Open(store.PathOnDisk, new StoreOpenOptions(), v2).FormatVersion);
        Assert.Equal("1", Query(backup, "SELECT value FROM store_meta WHERE key = 'format_version'"));
        Assert.Equal("UpgradeStore", Query(store.IndexOnDisk, "SELECT operation FROM history ORDER BY id DESC LIMIT 1"));
        Assert.Equal(0L, Query(store.IndexOnDisk, "SELECT COUNT(*) FROM runs WHERE owner IS NOT NULL"));

        // Already current: nothing to back up, nothing logged.
        Assert.Equal(new UpgradeResult(2, 2, null), SqliteUpgrade.Upgrade(store.PathOnDisk, null, new StoreOpenOptions(), v2));
        Assert.Equal(1L, Query(store.IndexOnDisk, "SELECT COUNT(*) FROM history WHERE operation = 'UpgradeStore'"));
    }

    [Fact]
    public void AFormatOneStoreIsUpgradedToRunLocksWithADefaultBackupBesideIt()
    {
        using var store = new TestStore();
        SqliteStore.Open(store.PathOnDisk, new StoreOpenOptions { CreateIfMissing = true }, new[] { SqliteSchema.Migrations[0] });
        new Runs.RunService(SqliteStore.Open(store.PathOnDisk, new StoreOpenOptions(), new[] { SqliteSchema.Migrations[0] }))
            .Create(new Runs.NewRunRequest { Name = "old" });
        SqliteConnection.ClearAllPools();
        Assert.Equal("StoreUpgradeRequired", Assert.Throws<StoreFormatException>(() => store.Open(create: false)).ErrorId);

        var result = SqliteUpgrade.Upgrade(store.PathOnDisk, null, new StoreOpenOptions());
        Assert.Equal(1, result.From);
        Assert.Equal(SqliteSchema.LatestVersion, result.To);
        Assert.Equal(store.Folder, Path.GetDirectoryName(result.BackupPath));
        Assert.Matches(@"^test\.format1-\d{8}-\d{6}\.pstore$", Path.GetFileName(result.BackupPath));
        Assert.Equal("1", Query(result.BackupPath!, "SELECT value FROM store_meta WHERE key = 'format_version'"));

        var upgraded = store.Open(create: false);
        var locks = new Locking.LockService(upgraded, new Identity.Caller(new Locking.LockSession(Locking.LockOwner.NewSession())));
        Assert.Equal("old", locks.Enter(Runs.RunRef.Parse("old"), null, null).RunName);
        Assert.Equal(1L, Query(store.IndexOnDisk, "SELECT COUNT(*) FROM runs"));
    }

    [Fact]
    public void AFormatFourFolderIsUpgradedInPlaceAndItsCheckpointsStillExport()
    {
        using var store = new TestStore();
        // Format 4's tables are format 5's without its two maintenance tables (format 6 changed no table): a store made
        // now, with those taken away.
        var current = store.Open();
        string work = Directory.CreateDirectory(Path.Combine(store.Folder, "work")).FullName;
        TestFiles.Sample(work);
        new Runs.RunService(current).Create(new Runs.NewRunRequest { Name = "old", Path = work });
        var taken = new Checkpoints.CheckpointService(current).Create(Runs.RunRef.Parse("old"), null);
        SqliteConnection.ClearAllPools();
        Execute(store.IndexOnDisk, "DROP TABLE blob_marks; DROP TABLE checkpoint_numbers; UPDATE store_meta SET value = '4' WHERE key = 'format_version'; PRAGMA user_version = 4");
        SqliteConnection.ClearAllPools();
        Assert.Equal("StoreUpgradeRequired", Assert.Throws<StoreFormatException>(() => store.Open(create: false)).ErrorId);

        var result = SqliteUpgrade.Upgrade(store.PathOnDisk, null, new StoreOpenOptions());
        Assert.Equal((4, SqliteSchema.LatestVersion), (result.From, result.To));
        Assert.Equal("4", Query(result.BackupPath!, "SELECT value FROM store_meta WHERE key = 'format_version'"));
        var upgraded = store.Open(create: false);
        string target = Path.Combine(store.Folder, "export");
        new Checkpoints.RestoreService(upgraded).Export(taken, target);
        Assert.Equal(DirectoryImage.Capture(work, withDirectoryTimes: false), DirectoryImage.Capture(target, withDirectoryTimes: false));
        Assert.Equal(2, new Checkpoints.CheckpointService(upgraded).Create(Runs.RunRef.Parse("old"), null).Number);
    }

    [Fact]
    public void AStoreInAReadOnlyFolderIsRefusedWithPermissionDenied()
    {
        using var store = new TestStore();
        using var readOnly = ReadOnlyFolder.Create(store.Folder);
        string path = Path.Combine(readOnly.Path, "s.pstore");
        var e = Assert.Throws<StoreAccessException>(() => SqliteStore.Open(path, new StoreOpenOptions { CreateIfMissing = true }));
        Assert.Equal("StoreAccessDenied", e.ErrorId);
        Assert.Equal(ErrorKind.PermissionDenied, e.Kind);
        Assert.False(Directory.Exists(path));
    }
}
