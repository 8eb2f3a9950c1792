using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.IO;
using System.Linq;
using Microsoft.Data.Sqlite;
using PersistStore.Engine.Checkpoints;
using PersistStore.Engine.Compression;
using PersistStore.Engine.History;
using PersistStore.Engine.Model;
using PersistStore.Engine.Runs;
using PersistStore.Engine.Snapshots;
using PersistStore.Engine.Storage;
using PersistStore.Engine.Storage.Sqlite;
using PersistStore.Engine.Trees;
using PersistStore.Tests.Shared;
using Xunit;

namespace PersistStore.Engine.Tests;

/// <summary>
/// kill -9 at random moments of checkpoint and revert, in real child processes. After every kill the store must
/// be consistent: SQLite intact, no partial checkpoint visible, the history chain whole; a killed revert completes
/// when run again. PERSISTSTORE_CRASH_TRIALS raises the number of trials (default 50 each).
/// </summary>
public class CrashTests : IDisposable
{
    private static readonly int Trials = int.TryParse(Environment.GetEnvironmentVariable("PERSISTSTORE_CRASH_TRIALS"), out int n) ? n : 50;
    private readonly TestStore _store = new();
    private readonly string _work;

    public CrashTests()
    {
        _work = Directory.CreateDirectory(Path.Combine(_store.Folder, "work")).FullName;
        var backend = _store.Open();
        new RunService(backend).Create(new NewRunRequest { Name = "crash", Path = _work });
    }

    public void Dispose() => _store.Dispose();

    internal static string WorkerDll => Path.Combine(RepoPaths.Output("tests/PersistStore.CrashWorker"), "PersistStore.CrashWorker.dll");

    /// <summary>The worker running one command on a store: `worker command store rest...`, its output redirected.</summary>
    internal static ProcessStartInfo WorkerStart(string store, params string[] args)
    {
        var info = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        info.ArgumentList.Add(WorkerDll);
        info.ArgumentList.Add(args[0]);
        info.ArgumentList.Add(store);
        foreach (var a in args.Skip(1)) info.ArgumentList.Add(a);
        return info;
    }

    /// <summary>Starts the worker, waits until it has opened the store, lets it work for a random time, kills it.</summary>
    /// <summary>Starts the worker and kills it the moment it prints the given line.</summary>
    private void KillAfter(string signal, params string[] args)
    {
        using var worker = Process.Start(WorkerStart(_store.PathOnDisk, args))!;
        var stderr = worker.StandardError.ReadToEndAsync();
        string? line;
        while ((line = worker.StandardOutput.ReadLine()) != null && line != signal) { }
        try { worker.Kill(); } catch (InvalidOperationException) { }
        worker.WaitForExit();
        Assert.True(line == signal, $"the worker ended before it printed '{signal}': {stderr.Result}");
    }

    private void StartAndKill(Random random, int maxDelayMs, params string[] args) => StartAndKillOn(_store.PathOnDisk, random, maxDelayMs, args);

    internal static void StartAndKillOn(string store, Random random, int maxDelayMs, params string[] args)
    {
        using var worker = Process.Start(WorkerStart(store, args))!;
        var stderr = worker.StandardError.ReadToEndAsync();
        string? line = worker.StandardOutput.ReadLine();
        if (line != "ready")
        {
            worker.WaitForExit();
            Assert.Fail($"worker did not start: {line} {stderr.Result}");
        }
        System.Threading.Thread.Sleep(random.Next(maxDelayMs));
        try { worker.Kill(); } catch (InvalidOperationException) { }   // SIGKILL; it may have finished already
        worker.WaitForExit();
    }

    [Fact]
    public void KilledCheckpointsNeverLeaveAPartialCheckpoint()
    {
        var random = new Random(20261123);
        TestFiles.Write(Path.Combine(_work, "base.txt"), TestFiles.TextBytes(100_000, 1));
        for (int trial = 0; trial < Trials; trial++)
        {
            StartAndKill(random, 600, "checkpoint", "crash", "40");
            AssertConsistent();
        }
        var backend = _store.Open();
        var checkpoints = backend.Read(r => r.QueryCheckpoints(new RunService(backend).Get(RunRef.Parse("crash")).Id));
        Assert.True(checkpoints.Count > 0, "no checkpoint ever completed: the kills proved nothing");
        Assert.True(UnreferencedBlobs(backend) > 0, "no kill landed between storing blobs and committing a checkpoint");
        Assert.NotEmpty(Directory.GetFiles(Path.Combine(_store.PathOnDisk, "packs"), "*.partial"));   // kills landed mid-pack too
    }

    [Fact]
    public void AKillBetweenAPacksFlushAndItsIndexCommitLosesNothing()
    {
        TestFiles.Write(Path.Combine(_work, "base.txt"), TestFiles.TextBytes(100_000, 1));
        for (int trial = 0; trial < Trials; trial++)
        {
            KillAfter("pack", "checkpoint-paused", "crash", "40");
            AssertConsistent();
        }
        var backend = _store.Open();
        long indexed = backend.Read(r => r.Summarize()).Packs;
        Assert.Equal(indexed + Trials, backend.Packs.List().Count());   // each kill left one durable pack no index refers to
        new CheckpointService(backend).Create(RunRef.Parse("crash"), "after the kills");   // and the next checkpoint succeeds
    }

    [Fact]
    public void AKilledRevertCompletesWhenRunAgain()
    {
        var random = new Random(4242);
        for (int i = 0; i < 30; i++) TestFiles.Write(Path.Combine(_work, $"f{i:D2}.bin"), TestFiles.RandomBytes(random.Next(1, 600_000), i));
        var backend = _store.Open();
        new CheckpointService(backend).Create(RunRef.Parse("crash"), "good");
        var good = DirectoryImage.Capture(_work, withDirectoryTimes: false);
        for (int trial = 0; trial < Trials; trial++)
        {
            Mutate(random, trial);
            StartAndKill(random, 250, "revert", "crash", "1");
            AssertConsistent();
            new RestoreService(_store.Open()).Revert(RunRef.Parse("crash"), 1, includeTags: false, planOnly: false);
            Assert.Equal(good, DirectoryImage.Capture(_work, withDirectoryTimes: false));   // hidden temp files included
        }
    }

    [Fact]
    public void AKilledUpgradeLeavesTheOldStoreOrTheNewOneAndCompletesWhenRunAgain()
    {
        string fixture = Path.Combine(RepoPaths.Root, "tests", "Fixtures", "format3");
        var manifest = System.Text.Json.JsonDocument.Parse(File.ReadAllText(Path.Combine(fixture, "manifest.json"))).RootElement;
        var random = new Random(33);
        var seen = new HashSet<string>();
        for (int trial = 0; trial < Trials; trial++)
        {
            string store = Path.Combine(_store.Folder, $"upgrade-{trial}.pstore");
            File.Copy(Path.Combine(fixture, "store.pstore"), store);
            StartAndKillOn(store, random, 200, "upgrade");
            seen.Add(File.Exists(store) ? (Directory.Exists(Storage.Sqlite.SqliteConversion.StagingFolder(store)) ? "mid-way" : "not started")
                : Directory.Exists(store) ? "done" : "swapping");
            Storage.Sqlite.SqliteUpgrade.Upgrade(store, null, new StoreOpenOptions());
            var backend = Storage.Sqlite.SqliteStore.Open(store, new StoreOpenOptions());
            Assert.Equal(SqliteSchema.LatestVersion, backend.FormatVersion);
            var runs = new RunService(backend);
            foreach (var expected in manifest.GetProperty("checkpoints").EnumerateArray())
            {
                string export = Path.Combine(_store.Folder, $"export-{trial}-{expected.GetProperty("number").GetInt32()}");
                var checkpoint = new CheckpointService(backend).Get(RunRef.Parse("fixture"), expected.GetProperty("number").GetInt32());
                new RestoreService(backend).Export(checkpoint, export);
                foreach (var path in expected.GetProperty("paths").EnumerateArray().Where(p => p.GetProperty("type").GetString() == "File"))
                    Assert.Equal(path.GetProperty("sha256").GetString(), TestStore.Sha256(Path.Combine(export, path.GetProperty("path").GetString()!)));
            }
        }
        Assert.Contains("mid-way", seen);   // the kills landed inside upgrades, not only before or after them
    }

    private void Mutate(Random random, int trial)
    {
        for (int i = 0; i < 8; i++)
        {
            string path = Path.Combine(_work, $"f{random.Next(30):D2}.bin");
            switch (random.Next(3))
            {
                case 0: if (File.Exists(path)) File.Delete(path); break;
                default: TestFiles.Write(path, TestFiles.RandomBytes(random.Next(1, 600_000), trial * 100 + i)); break;
            }
        }
        TestFiles.Write(Path.Combine(_work, "new", $"n{trial}.txt"), TestFiles.TextBytes(5000, trial));
    }

    /// <summary>SQLite intact; numbers contiguous; every tree and chunk of every checkpoint present; history chained.</summary>
    private void AssertConsistent()
    {
        _store.AssertIntegrity();
        var backend = _store.Open();
        var run = new RunService(backend).Get(RunRef.Parse("crash"));
        var checkpoints = backend.Read(r => r.QueryCheckpoints(run.Id));
        Assert.Equal(Enumerable.Range(1, checkpoints.Count), checkpoints.Select(c => c.Number));
        foreach (var checkpoint in checkpoints)
        {
            var missing = backend.Read(r =>
            {
                var chunks = new List<BlobId>();
                CollectChunks(r, checkpoint.RootTree, chunks);
                return chunks.Count - r.ExistingBlobs(chunks.Distinct().ToList()).Count - (chunks.Count - chunks.Distinct().Count());
            });
            Assert.Equal(0, missing);
            // Indexed is not enough: every chunk reads back from its pack and matches its id.
            backend.Read(r =>
            {
                var chunks = new List<BlobId>();
                CollectChunks(r, checkpoint.RootTree, chunks);
                var plain = new byte[1 << 20];
                foreach (var id in chunks.Distinct())
                    Assert.True(r.ReadBlob(id, (size, codec, data) => BlobCodec.DecodeInto(id, size, codec, data, plain)), $"chunk {id} unreadable");
                return 0;
            });
        }
        // A pack that has its name is whole: a killed writer leaves only a partial file, never a named pack.
        foreach (var name in backend.Packs.List()) Packs.PackReader.ReadEntries(backend.Packs, name);
        var history = new HistoryService(backend);
        Assert.Empty(history.VerifyChain());
        int logged = history.Query(new HistoryFilter { Operations = new[] { Operations.CreateCheckpoint } }).Count;
        Assert.Equal(checkpoints.Count, logged);
    }

    private static void CollectChunks(IStoreReader reader, BlobId treeId, List<BlobId> chunks) => CollectChunks(reader, TreeStore.Load(reader, treeId), chunks);

    private static void CollectChunks(IStoreReader reader, Tree tree, List<BlobId> chunks)
    {
        foreach (var entry in tree.Entries)
        {
            if (entry.Kind == EntryKind.File) chunks.AddRange(entry.Chunks);
            else if (entry.Kind == EntryKind.Directory) CollectChunks(reader, TreeStore.Load(reader, entry), chunks);
        }
    }

    private static long UnreferencedBlobs(IStoreBackend backend) => backend.Read(r =>
    {
        var referenced = new HashSet<BlobId>();
        foreach (var run in r.QueryRuns(new RunFilter()))
            foreach (var c in r.QueryCheckpoints(run.Id))
            {
                var chunks = new List<BlobId>();
                CollectChunks(r, c.RootTree, chunks);
                referenced.UnionWith(chunks);
            }
        long stored = r.Summarize().Chunks;
        return stored - referenced.Count;
    });
}
