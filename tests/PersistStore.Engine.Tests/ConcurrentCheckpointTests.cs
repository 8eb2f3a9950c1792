using System;
using System.Diagnostics;
using System.IO;
using System.Linq;
using PersistStore.Engine.Checkpoints;
using PersistStore.Engine.Runs;
using PersistStore.Engine.Stores;
using PersistStore.Tests.Shared;
using Xunit;

namespace PersistStore.Engine.Tests;

/// <summary>
/// Each writing process writes its own packs: two processes checkpointing the same new content at once both
/// succeed, each chunk is indexed once (the other's copy is an unreferenced leftover), and every checkpoint exports
/// byte-identical.
/// </summary>
[Trait("Backends", "Both")]
public sealed class ConcurrentCheckpointTests : IDisposable
{
    private readonly TestStore _store = new TestStore();

    public void Dispose() => _store.Dispose();

    [Fact]
    public void FourProcessesCheckpointingDifferentRunsThatShareNewContentAllSucceed()
    {
        var backend = _store.Open();
        var runs = new RunService(backend);
        var folders = new[] { "north", "east", "south", "west" }.Select(n => Directory.CreateDirectory(Path.Combine(_store.Folder, n)).FullName).ToArray();
        for (int i = 0; i < folders.Length; i++) runs.Create(new NewRunRequest { Name = Path.GetFileName(folders[i]), Path = folders[i] });

        for (int round = 0; round < 3; round++)
        {
            // 24 MiB the four runs share (new to the store each round) and 4 MiB each of its own.
            var shared = TestFiles.RandomBytes(24 << 20, 1000 + round);
            for (int i = 0; i < folders.Length; i++)
            {
                TestFiles.Write(Path.Combine(folders[i], "shared.bin"), shared);
                TestFiles.Write(Path.Combine(folders[i], "own.bin"), TestFiles.RandomBytes(4 << 20, 2000 + round * 10 + i));
            }
            var workers = folders.Select(f => Start("checkpoint-once", Path.GetFileName(f))).ToList();
            foreach (var w in workers)
            {
                string error = w.StandardError.ReadToEnd();
                w.WaitForExit();
                Assert.True(w.ExitCode == 0, $"a checkpoint failed: {error}");
                w.Dispose();
            }
        }

        var restore = new RestoreService(backend);
        var checkpoints = new CheckpointService(backend);
        foreach (var folder in folders)
        {
            var all = checkpoints.List(RunRef.Parse(Path.GetFileName(folder)));
            Assert.Equal(new[] { 1, 2, 3 }, all.Select(c => c.Number));
            string exported = Path.Combine(_store.Folder, "export-" + Path.GetFileName(folder));
            restore.Export(all[^1], exported);
            Assert.Equal(DirectoryImage.Capture(folder, withDirectoryTimes: false), DirectoryImage.Capture(exported, withDirectoryTimes: false));
        }
        // The earlier rounds too: their shared content was written by all four processes at once.
        foreach (var folder in folders)
            foreach (var c in checkpoints.List(RunRef.Parse(Path.GetFileName(folder))).Take(2))
            {
                string exported = Path.Combine(_store.Folder, $"export-{Path.GetFileName(folder)}-{c.Number}");
                restore.Export(c, exported);
                Assert.Equal(TestFiles.RandomBytes(24 << 20, 1000 + c.Number - 1), File.ReadAllBytes(Path.Combine(exported, "shared.bin")));
            }
        // Whatever several stored lies several times in the packs but is indexed once; every indexed chunk is one some checkpoint needs.
        var summary = new StoreService(backend).Summarize();
        Assert.Equal(0L, summary.UnreferencedChunks);
        // Random content is stored raw: three rounds of 24 MiB shared + 4 x 4 MiB own, each byte indexed once (120 MiB),
        // plus a few listings; had each process indexed its own copy of the shared file, 336 MiB.
        Assert.InRange(summary.StoredBytes, 120L << 20, (120L << 20) + 131_072);
    }

    private Process Start(params string[] args)
    {
        var p = Process.Start(CrashTests.WorkerStart(_store.Location, args))!;
        p.OutputDataReceived += (_, _) => { };
        p.BeginOutputReadLine();
        return p;
    }
}
