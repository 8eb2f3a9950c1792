using System;
using System.Diagnostics;
using System.IO;
using System.Linq;
using System.Threading.Tasks;
using PersistStore.Engine.Checkpoints;
using PersistStore.Engine.Errors;
using PersistStore.Engine.Runs;
using PersistStore.Engine.Storage;
using PersistStore.Engine.Storage.Sqlite;
using PersistStore.Tests.Shared;
using Xunit;

namespace PersistStore.Engine.Tests;

/// <summary>
/// Opening a store never changes it unless the command changes the store: a damaged index is an error naming what
/// is missing (never a new empty store), a store this process may not write can be read and leaves nothing behind,
/// and a write to it is refused with the real cause.
/// </summary>
public sealed class StoreOpeningTests : IDisposable
{
    private readonly TestStore _store = new TestStore();
    private readonly string _work;

    public StoreOpeningTests()
    {
        _work = Directory.CreateDirectory(Path.Combine(_store.Folder, "work")).FullName;
        File.WriteAllText(Path.Combine(_work, "a.txt"), "first");
    }

    public void Dispose() => _store.Dispose();

    /// <summary>The POSIX locks this process holds on a file, from /proc/locks (Linux).</summary>
    private static int LocksHeldOn(string file)
    {
        var stat = Process.Start(new ProcessStartInfo("stat", $"-c %i \"{file}\"") { RedirectStandardOutput = true })!;
        string inode = stat.StandardOutput.ReadToEnd().Trim();
        stat.WaitForExit();
        return File.ReadAllLines("/proc/locks").Select(l => l.Split(' ', StringSplitOptions.RemoveEmptyEntries))
            .Count(f => f.Length > 5 && f[1] == "POSIX" && f[4] == Environment.ProcessId.ToString() && f[5].EndsWith(":" + inode, StringComparison.Ordinal));
    }

    /// <summary>
    /// Opening a store a second time in a process that has it open (a second path to it, Update-PersistStore beside
    /// the catalog's backend) must not drop the POSIX locks its connections hold: a close of any handle to a file drops
    /// all of a process's locks on it, so the open reads nothing of the index or its -shm through a handle of its own.
    /// Found by a killed Optimize-PersistStore that then took itself for the last user of the index, reset its log,
    /// and deleted the packs of the checkpoints the test process had just committed as leftovers.
    /// </summary>
    [Fact]
    public void OpeningAStoreAgainKeepsThisProcesssLocksOnItsIndex()
    {
        Assert.True(OperatingSystem.IsLinux(), "this test reads /proc/locks: run it on Linux (the CI machine is)");
        var first = _store.OpenSqlite();
        new RunService(first).Create(new NewRunRequest { Name = "held" });
        // A connection of its own holds the locks: the pool's could be closed by another test's ClearAllPools, running
        // in parallel (which once left no lock to lose in CI).
        using var holder = new Microsoft.Data.Sqlite.SqliteConnection($"Data Source={_store.IndexOnDisk};Pooling=False");
        holder.Open();
        using (var read = holder.CreateCommand())
        {
            read.CommandText = "SELECT COUNT(*) FROM runs";
            Assert.Equal(1L, read.ExecuteScalar());
        }
        string shm = SqliteIndexFile.SharedMemory(_store.IndexOnDisk);
        var held = (Index: LocksHeldOn(_store.IndexOnDisk), Shm: LocksHeldOn(shm));
        Assert.True(held.Index + held.Shm > 0, "no lock to lose: the test proves nothing");
        _store.OpenSqlite(create: false);
        Assert.Equal(held, (LocksHeldOn(_store.IndexOnDisk), LocksHeldOn(shm)));
    }

    private static StoreOpenOptions Existing => new StoreOpenOptions { CreateIfMissing = false };

    /// <summary>A store with one run and one checkpoint, as a killed writer leaves it: index, -wal and -shm.</summary>
    private string KilledWriterCopy()
    {
        var backend = _store.Open();
        new RunService(backend).Create(new NewRunRequest { Name = "r", Path = _work });
        new CheckpointService(backend).Create(RunRef.Parse("r"), "one");
        // The pooled connections keep the log open, as a process killed now would leave it. One more commit, with
        // this connection's automatic WAL checkpoint off and the connection held open over the copy, makes sure the
        // log holds committed pages not yet folded into the index (a fold after the checkpoint's own commits
        // happened in CI once).
        string copy = Path.Combine(_store.Folder, "killed.pstore");
        using (var writer = new Microsoft.Data.Sqlite.SqliteConnection($"Data Source={_store.IndexOnDisk};Pooling=False"))
        {
            writer.Open();
            using (var command = writer.CreateCommand())
            {
                command.CommandText = "PRAGMA wal_autocheckpoint = 0; INSERT INTO store_meta (key, value) VALUES ('test-marker', '1')";
                command.ExecuteNonQuery();
            }
            CopyFolder(_store.PathOnDisk, copy);
        }
        Assert.True(SqliteIndexFile.HasLog(SqliteStore.IndexFile(copy)), "the copy has no write-ahead log: the test proves nothing");
        return copy;
    }

    private static void CopyFolder(string from, string to)
    {
        foreach (var dir in Directory.GetDirectories(from, "*", SearchOption.AllDirectories))
            Directory.CreateDirectory(Path.Combine(to, Path.GetRelativePath(from, dir)));
        Directory.CreateDirectory(to);
        foreach (var file in Directory.GetFiles(from, "*", SearchOption.AllDirectories))
        {
            using var source = new FileStream(file, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
            using var target = File.Create(Path.Combine(to, Path.GetRelativePath(from, file)));
            source.CopyTo(target);
        }
    }

    private static string[] Listing(string folder) =>
        Directory.GetFiles(folder, "*", SearchOption.AllDirectories).Select(f => $"{Path.GetRelativePath(folder, f)} {TestStore.Sha256(f)}").OrderBy(x => x, StringComparer.Ordinal).ToArray();

    [Fact]
    public void AnIndexWhoseLogWasDeletedIsDamagedNotOlderOrNew()
    {
        string copy = KilledWriterCopy();
        File.Delete(SqliteStore.IndexFile(copy) + "-wal");
        var before = Listing(copy);
        var e = Assert.Throws<StoreFormatException>(() => SqliteStore.Open(copy, Existing));
        Assert.Equal("StoreIndexDamaged", e.ErrorId);
        Assert.Equal(copy, e.Target);
        Assert.Contains("index.db-wal' is missing", e.Message);
        Assert.Contains("committed page writes", e.Message);
        Assert.Throws<StoreFormatException>(() => SqliteStore.Open(copy, new StoreOpenOptions { CreateIfMissing = true }));
        Assert.Equal(before, Listing(copy));
    }

    [Fact]
    public void AnIndexWithItsLogKeptOpensWhole()
    {
        string copy = KilledWriterCopy();
        var backend = SqliteStore.Open(copy, Existing);
        Assert.Single(new CheckpointService(backend).List(RunRef.Parse("r")));
    }

    [Fact]
    public void AnIndexIsCreatedWholeSoLosingLogAndSharedMemoryKeepsTheStoreNotANewOne()
    {
        string copy = KilledWriterCopy();
        string id = _store.Open().Read(r => r.Summarize()).StoreId;
        File.Delete(SqliteStore.IndexFile(copy) + "-wal");
        File.Delete(SqliteStore.IndexFile(copy) + "-shm");
        // What the log still held is gone (SQLite cannot know it existed), but the index is the same store, as
        // created or later (an automatic WAL checkpoint may have folded some commits in): its own CreateStore entry
        // first, never an empty new store made over it.
        var reopened = SqliteStore.Open(copy, Existing);
        var summary = reopened.Read(r => r.Summarize());
        Assert.Equal(id, summary.StoreId);
        Assert.InRange(summary.HistoryEntries, 1L, 3L);   // CreateStore, CreateRun and CreateCheckpoint were committed
        var first = reopened.Read(r => r.QueryHistory(new PersistStore.Engine.Model.HistoryFilter()))[0];
        Assert.Equal(PersistStore.Engine.Model.Operations.CreateStore, first.Operation);
        Assert.Contains(id, first.Details);
    }

    [Fact]
    public void AnEmptyIndexFileIsDamagedAndStaysAsItIs()
    {
        Directory.CreateDirectory(_store.PathOnDisk);
        File.WriteAllBytes(_store.IndexOnDisk, Array.Empty<byte>());
        var e = Assert.Throws<StoreFormatException>(() => _store.Open(create: true));
        Assert.Equal("StoreIndexDamaged", e.ErrorId);
        Assert.Contains("is an empty file", e.Message);
        Assert.Equal(new[] { "index.db" }, Directory.GetFileSystemEntries(_store.PathOnDisk).Select(Path.GetFileName));
        Assert.Equal(0, new FileInfo(_store.IndexOnDisk).Length);
    }

    [Fact]
    public void AnIndexWithoutTablesIsDamagedAndNeverFilledIn()
    {
        Directory.CreateDirectory(_store.PathOnDisk);
        using (var c = new Microsoft.Data.Sqlite.SqliteConnection($"Data Source={_store.IndexOnDisk};Pooling=False"))
        {
            c.Open();
            using var cmd = c.CreateCommand();
            cmd.CommandText = "PRAGMA journal_mode = WAL";   // writes the header: a file SQLite made and nothing else
            cmd.ExecuteNonQuery();
        }
        string before = TestStore.Sha256(_store.IndexOnDisk);
        var e = Assert.Throws<StoreFormatException>(() => _store.Open(create: true));
        Assert.Equal("StoreIndexDamaged", e.ErrorId);
        Assert.Contains("holds no tables", e.Message);
        Assert.Equal(before, TestStore.Sha256(_store.IndexOnDisk));
    }

    [Fact]
    public void ProcessesCreatingOneStoreAtOnceGetOneStore()
    {
        var ids = Enumerable.Range(0, 8).AsParallel().WithDegreeOfParallelism(8)
            .Select(_ => _store.Open(create: true).Read(r => r.Summarize()).StoreId).Distinct().ToList();
        Assert.Single(ids);
        Assert.Equal(1L, _store.Open().Read(r => r.Summarize()).HistoryEntries);
        Assert.Equal(new[] { "index.db", "packs" },
            Directory.GetFileSystemEntries(_store.PathOnDisk).Select(Path.GetFileName).Where(n => !n!.StartsWith("index.db-")).OrderBy(n => n));
    }

    [Fact]
    public void AnIndexAKilledCreatorLeftHalfMadeIsNotPartOfTheStore()
    {
        Directory.CreateDirectory(_store.PathOnDisk);
        File.WriteAllText(Path.Combine(_store.PathOnDisk, SqliteIndexFile.CreatingPrefix + "0123"), "half");
        Assert.Equal(SqliteSchema.LatestVersion, _store.Open(create: true).FormatVersion);
    }

    [Fact]
    [System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
    public void AStoreOnAReadOnlyFileSystemIsReadAndAWriteIsRefusedWithTheCause()
    {
        if (OperatingSystem.IsWindows()) return;
        var backend = _store.Open();
        new RunService(backend).Create(new NewRunRequest { Name = "r", Path = _work });
        new CheckpointService(backend).Create(RunRef.Parse("r"), "one");
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();   // the writer is done: no log left
        using var readOnly = ReadOnlyFolder.Holding(_store.Folder, _store.PathOnDisk);
        string store = Path.Combine(readOnly.Path, Path.GetFileName(_store.PathOnDisk));
        var before = Listing(store);

        var reader = SqliteStore.Open(store, Existing);
        var checkpoints = new CheckpointService(reader).List(RunRef.Parse("r"));
        string exported = Path.Combine(_store.Folder, "exported");
        new RestoreService(reader).Export(checkpoints[0], exported);
        Assert.Equal("first", File.ReadAllText(Path.Combine(exported, "a.txt")));

        var e = Assert.Throws<StoreAccessException>(() => new RunService(reader).Create(new NewRunRequest { Name = "r2", Path = _work }));
        Assert.Equal("StoreAccessDenied", e.ErrorId);
        Assert.Equal(ErrorKind.PermissionDenied, e.Kind);
        Assert.Contains($"its folder '{store}' is on a read-only file system", e.Message);
        Assert.Contains("can still be read", e.Message);
        Assert.Equal(before, Listing(store));
        ((IDisposable)reader.Packs).Dispose();   // the packs it read stay open for the session's next read
    }

    /// <summary>
    /// Found as a user would: a read by another user of a store it may only read left a 0444 -shm, and the store
    /// kept refusing writes after it was made writable again. Runs the reader as nobody (root only).
    /// </summary>
    [Fact]
    [System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
    public void AnotherUsersReadOfAReadOnlyIndexLeavesNothingAndItsWriteIsRefused()
    {
        if (OperatingSystem.IsWindows() || Environment.UserName != "root" || !File.Exists("/usr/bin/setpriv")) return;
        var backend = _store.Open();
        new RunService(backend).Create(new NewRunRequest { Name = "r", Path = _work });
        new CheckpointService(backend).Create(RunRef.Parse("r"), "one");
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        // Everyone may write the folder; only the owner (root) the index.
        File.SetUnixFileMode(_store.PathOnDisk, (UnixFileMode)0x1FF);
        File.SetUnixFileMode(_store.IndexOnDisk, (UnixFileMode)0x124);   // 0444
        var before = Listing(_store.PathOnDisk);
        string exported = Path.Combine(_store.Folder, "exported");
        Directory.CreateDirectory(exported);
        File.SetUnixFileMode(exported, (UnixFileMode)0x1FF);

        var read = AsNobody("read", _store.PathOnDisk, "r", exported);
        Assert.True(read.Code == 0, read.Error);
        Assert.Equal("checkpoints 1", read.Output.Trim());
        Assert.Equal("first", File.ReadAllText(Path.Combine(exported, "a.txt")));
        Assert.Equal(before, Listing(_store.PathOnDisk));   // no -shm, no -wal, nothing changed

        var write = AsNobody("checkpoint-once", _store.PathOnDisk, "r");
        Assert.Equal(1, write.Code);
        Assert.StartsWith("StoreAccessDenied", write.Error);
        Assert.Equal(before, Listing(_store.PathOnDisk));

        // Made writable again, the store takes writes at once.
        File.SetUnixFileMode(_store.IndexOnDisk, (UnixFileMode)0x1A4);   // 0644
        File.AppendAllText(Path.Combine(_work, "a.txt"), " and second");
        Assert.Equal(2, new CheckpointService(_store.Open(create: false)).Create(RunRef.Parse("r"), "two").Number);
    }

    private (int Code, string Output, string Error) AsNobody(params string[] args)
    {
        // The worker's files where nobody may read them (the clone may sit under root's 0700 home).
        string copy = Path.Combine("/tmp", "persiststore-worker-" + Guid.NewGuid().ToString("N"));
        CopyFolder(Path.GetDirectoryName(CrashTests.WorkerDll)!, copy);
        try
        {
            foreach (var entry in Directory.GetFileSystemEntries(copy, "*", SearchOption.AllDirectories).Append(copy))
                File.SetUnixFileMode(entry, Directory.Exists(entry) ? (UnixFileMode)0x1ED : (UnixFileMode)0x1A4);
            var info = new ProcessStartInfo("setpriv") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
            foreach (var a in new[] { "--reuid=65534", "--regid=65534", "--clear-groups", "--", "dotnet", Path.Combine(copy, Path.GetFileName(CrashTests.WorkerDll)) }.Concat(args))
                info.ArgumentList.Add(a);
            info.Environment["HOME"] = copy;
            info.Environment["DOTNET_CLI_HOME"] = copy;
            using var worker = Process.Start(info)!;
            var error = worker.StandardError.ReadToEndAsync();
            string output = worker.StandardOutput.ReadToEnd();
            worker.WaitForExit();
            return (worker.ExitCode, output.Replace("ready\n", ""), error.Result);
        }
        finally { Directory.Delete(copy, recursive: true); }
    }
}
