using System;
using System.Diagnostics;
using System.IO;
using System.Linq;
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
        var backend = Open(store);
        var runs = new RunService(backend);
        switch (args[0])
        {
            case "ps-migrate":   // ps-migrate <source> <unused> <destination>: Start-Migration of every run
                var m = new PersistStore.Engine.Migration.MigrationService(backend, Open(args[3]), PersistStore.Engine.Identity.Caller.For(null))
                    .Run(new PersistStore.Engine.Migration.MigrationOptions());
                double secs = timer.Elapsed.TotalSeconds;
                Console.WriteLine($"migrated {m.CheckpointsCopied} checkpoints, {m.ChunksCopied} chunks, {m.ListingsCopied} listings, {m.BytesCopied} bytes, {m.HistoryEntriesCopied} entries; verified {m.Verified}; {secs:F2} s, {m.BytesCopied / secs / 1e6:F0} MB/s; phases {string.Join(", ", m.Phases.Select(p => $"{p.Phase} {p.Time.TotalSeconds:F2} s"))}");
                return 0;
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
            case "ps-remove":   // ps-remove <store> <run> <keep>: Remove-Checkpoint -KeepLast <keep>
                {
                    var retention = new PersistStore.Engine.Retention.RetentionService(backend, PersistStore.Engine.Identity.Caller.For(null));
                    var keep = new PersistStore.Engine.Retention.RetentionPolicy { Last = int.Parse(args[3]) };
                    var unkept = retention.Plan(RunRef.Parse(run), keep, TimeZoneInfo.Utc);
                    var done = retention.Apply(RunRef.Parse(run), keep, TimeZoneInfo.Utc, new System.Collections.Generic.HashSet<int>(System.Linq.Enumerable.Select(System.Linq.Enumerable.Where(unkept, d => !d.Keep), d => d.Checkpoint.Number)));
                    Console.WriteLine($"removed {System.Linq.Enumerable.Count(done, o => o.Removed)} checkpoints, {timer.Elapsed.TotalSeconds:F2} s");
                    return 0;
                }
            case "ps-optimize":   // ps-optimize <store> <unused>: Optimize-PersistStore
                {
                    var o = new PersistStore.Engine.Maintenance.OptimizeService(backend, PersistStore.Engine.Identity.Caller.For(null)).Run(new PersistStore.Engine.Maintenance.OptimizeOptions());
                    Console.WriteLine($"deleted {o.ChunksDeleted} chunks, {o.PacksDeleted} packs, repacked {o.PacksRepacked} into {o.PacksWritten}, freed {o.BytesFreed} bytes, {timer.Elapsed.TotalSeconds:F2} s ({string.Join(", ", System.Linq.Enumerable.Select(o.Phases, p => $"{p.Phase} {p.Time.TotalSeconds:F2}"))})");
                    return 0;
                }
            case "ps-check":   // ps-check <store> <unused> <percent>: Test-PersistStore -ReadDataPercent <percent>
                {
                    var problems = new System.Collections.Generic.List<PersistStore.Engine.Checking.StoreProblem>();
                    var c2 = new PersistStore.Engine.Checking.StoreChecker(backend, PersistStore.Engine.Identity.Caller.For(null))
                        .Run(new PersistStore.Engine.Checking.CheckOptions { ReadDataPercent = double.Parse(args[3], System.Globalization.CultureInfo.InvariantCulture) }, problems.Add);
                    Console.WriteLine($"{c2.Errors} errors, {c2.Warnings} warnings; read {c2.BytesRead} bytes of {c2.PacksRead} packs at {c2.ReadMBPerSecond:F0} MB/s; {timer.Elapsed.TotalSeconds:F2} s");
                    return c2.Errors == 0 ? 0 : 1;
                }
            case "ps-retention":   // ps-retention <new store> <unused> <count>: plan and apply a policy over <count> hourly checkpoints
                {
                    var (plan, apply, removed) = RetentionBench.Run(backend, int.Parse(args[3]));
                    Console.WriteLine($"{args[3]} checkpoints: plan {plan.TotalSeconds:F3} s, apply {apply.TotalSeconds:F3} s ({removed} removed)");
                    return 0;
                }
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

    /// <summary>A store folder, or a PostgreSQL connection string (bench/postgres.sh).</summary>
    private static IStoreBackend Open(string store) =>
        StoreLocation.TryParseConnectionString(store) is { Kind: StoreKind.PostgreSql } pg
            ? PersistStore.Engine.Storage.Postgres.PgStore.Open(pg, new StoreOpenOptions { CreateIfMissing = true })
            : SqliteStore.Open(store, new StoreOpenOptions { CreateIfMissing = true });
}
