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

    /// <summary>Starts the worker, waits until it has opened the store, lets it work for a random time, kills it.</summary>
    private void StartAndKill(Random random, int maxDelayMs, params string[] args)
    {
        var info = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        info.ArgumentList.Add(WorkerDll);
        info.ArgumentList.Add(args[0]);
        info.ArgumentList.Add(_store.PathOnDisk);
        foreach (var a in args.Skip(1)) info.ArgumentList.Add(a);
        using var worker = Process.Start(info)!;
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
        SqliteConnection.ClearAllPools();
        using (var c = new SqliteConnection($"Data Source={_store.PathOnDisk};Pooling=False"))
        {
            c.Open();
            using var cmd = c.CreateCommand();
            cmd.CommandText = "PRAGMA integrity_check";
            Assert.Equal("ok", cmd.ExecuteScalar());
        }
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
        }
        var history = new HistoryService(backend);
        Assert.Empty(history.VerifyChain());
        int logged = history.Query(new HistoryFilter { Operations = new[] { Operations.CreateCheckpoint } }).Count;
        Assert.Equal(checkpoints.Count, logged);
    }

    private static void CollectChunks(IStoreReader reader, BlobId treeId, List<BlobId> chunks)
    {
        foreach (var entry in TreeStore.Load(reader, treeId).Entries)
        {
            if (entry.Kind == EntryKind.File) chunks.AddRange(entry.Chunks);
            else if (entry.Kind == EntryKind.Directory) CollectChunks(reader, entry.Subtree!.Value, chunks);
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
