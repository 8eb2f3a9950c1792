using System;
using System.Diagnostics;
using System.IO;
using PersistStore.Engine.Checkpoints;
using PersistStore.Engine.Runs;
using PersistStore.Engine.Storage;
using PersistStore.Engine.Storage.Sqlite;

namespace PersistStore.Benchmarks;

/// <summary>
/// The engine behind New-Checkpoint, Invoke-RunRevert and Export-Checkpoint as a command line, so that
/// bench/side-by-side.sh times it like the restic and borg binaries (no PowerShell start-up in the numbers).
/// </summary>
public static class EngineCommands
{
    public static int Run(string[] args)
    {
        using var heap = Environment.GetEnvironmentVariable("PS_HEAP") == null ? null : new HeapWatch();
        return RunCommand(args);
    }

    private static int RunCommand(string[] args)
    {
        var timer = Stopwatch.StartNew();
        string store = args[1], run = args[2];
        if (args[0] == "ps-cdc")   // ps-cdc <unused> <unused> <MiB>: FastCDC cut points over random bytes in memory (no hashing)
        {
            var data = new byte[int.Parse(args[3]) << 20];
            new Random(1).NextBytes(data);
            var cdc = new PersistStore.Engine.Chunking.FastCdc();
            for (int round = 0; round < 4; round++)
            {
                var clock = Stopwatch.StartNew();
                int chunks = 0;
                for (int at = 0; at < data.Length; chunks++) at += cdc.Cut(data.AsSpan(at));
                Console.WriteLine($"{chunks} chunks, {data.Length / clock.Elapsed.TotalSeconds / 1e6:F0} MB/s");
            }
            return 0;
        }
        if (args[0] == "ps-pack-floor")   // ps-pack-floor <folder> <run (unused)> <MiB> <pack MiB>: the same writes into pack files
        {
            var (count, packs, took) = StoreFloor.WritePacks(store, int.Parse(args[3]), int.Parse(args[4]));
            Console.WriteLine($"stored {count} blobs in {packs} packs in {took:F2} s (writes only), {timer.Elapsed.TotalSeconds:F2} s in all");
            return 0;
        }
        var backend = SqliteStore.Open(store, new StoreOpenOptions { CreateIfMissing = true });
        var runs = new RunService(backend);
        switch (args[0])
        {
            case "ps-checkpoint":
                if (runs.Query(new PersistStore.Engine.Model.RunFilter { NamePatterns = new[] { run } }).Count == 0)
                    runs.Create(new NewRunRequest { Name = run, Path = Path.GetFullPath(args[3]) });
                // With a progress listener, as New-Checkpoint always has one (it adds the separate count of the folder).
                var c = new CheckpointService(backend).Create(RunRef.Parse(run), null, progress: new LatestProgress());
                Console.WriteLine($"checkpoint {c.Number}: {c.Files} files, {c.LogicalBytes} bytes, {c.NewBytes} new bytes, {timer.Elapsed.TotalSeconds:F2} s");
                return 0;
            case "ps-revert":
                var r = new RestoreService(backend).Revert(RunRef.Parse(run), int.Parse(args[3]), includeTags: false, planOnly: false);
                Console.WriteLine($"reverted to {r.Target.Number} (safety {r.Safety?.Number}): {r.Changes.Count} paths, {timer.Elapsed.TotalSeconds:F2} s");
                return 0;
            case "ps-export":
                var checkpoint = new CheckpointService(backend).Get(RunRef.Parse(run), int.Parse(args[3]));
                long bytes = new RestoreService(backend).Export(checkpoint, args[4]);
                Console.WriteLine($"exported {bytes} bytes, {timer.Elapsed.TotalSeconds:F2} s");
                return 0;
            case "ps-floor":   // ps-floor <store> <run (unused)> <MiB> [<MiB per transaction>]: what the store's writes alone cost
                var (blobs, seconds) = StoreFloor.Write(backend, int.Parse(args[3]), args.Length > 4 ? int.Parse(args[4]) : 2);
                Console.WriteLine($"stored {blobs} blobs in {seconds:F2} s (writes only), {timer.Elapsed.TotalSeconds:F2} s in all");
                return 0;
            case "ps-listings-to-packs":   // ps-listings-to-packs <copy of a store> <run (unused)>: see ListingsInPacks
                var (listings, packs) = ListingsInPacks.Move(backend, SqliteStore.IndexFile(store));
                Console.WriteLine($"moved {listings} listings into {packs} packs, {timer.Elapsed.TotalSeconds:F2} s");
                return 0;
            case "ps-warmup":   // loads what every step loads (runtime, engine, SQLite) and does nothing
                Console.WriteLine($"store format {backend.FormatVersion}, {runs.Query(new PersistStore.Engine.Model.RunFilter()).Count} runs");
                return 0;
            default:
                return 2;
        }
    }

    /// <summary>With PS_HEAP set: the managed heap's peak (sampled every 5 ms) next to the process's, on stderr.</summary>
    private sealed class HeapWatch : IDisposable
    {
        private readonly System.Threading.Thread _thread;
        private volatile bool _stop;
        private long _peakHeap, _peakCommitted;

        public HeapWatch()
        {
            _thread = new System.Threading.Thread(() =>
            {
                while (!_stop)
                {
                    var info = GC.GetGCMemoryInfo();
                    _peakHeap = Math.Max(_peakHeap, GC.GetTotalMemory(false));
                    _peakCommitted = Math.Max(_peakCommitted, info.TotalCommittedBytes);
                    System.Threading.Thread.Sleep(5);
                }
            }) { IsBackground = true };
            _thread.Start();
        }

        public void Dispose()
        {
            _stop = true;
            _thread.Join();
            Console.Error.WriteLine($"managed heap peak {_peakHeap >> 10} KiB, GC committed peak {_peakCommitted >> 10} KiB, allocated {GC.GetTotalAllocatedBytes() >> 10} KiB, gen0/1/2 collections {GC.CollectionCount(0)}/{GC.CollectionCount(1)}/{GC.CollectionCount(2)}");
        }
    }

    private sealed class LatestProgress : IProgress<PersistStore.Engine.Snapshots.SnapshotProgress>
    {
        public PersistStore.Engine.Snapshots.SnapshotProgress Last { get; private set; }
        public void Report(PersistStore.Engine.Snapshots.SnapshotProgress value) => Last = value;
    }
}
