using System.Linq;
using System;
using System.IO;
using PersistStore.Engine.Checkpoints;
using PersistStore.Engine.Runs;
using PersistStore.Engine.Storage;
using PersistStore.Engine.Storage.Sqlite;

// checkpoint <store> <run> <count>: take checkpoints in a loop, touching one file before each.
// revert <store> <run> <number>: revert the run to a checkpoint.
// checkpoint-once <store> <run>: one checkpoint; every reported problem's ErrorId goes to stderr; exit 1 if refused.
// upgrade <store>: Update-PersistStore's work (a one-file store becomes a folder).
// optimize <store> <step> <delay ms>: one pass, killing itself <delay> ms after its <step>th progress report.
// repair <store>: one Repair-PersistStore pass. remove <store> <run> <keep>: keep the newest checkpoints.
// churn <store> <run> <seconds> <seed>: checkpoint files drawn from a pool shared by every worker, then keep the
//   last 3 checkpoints, until the time is up; prints "cp <number> <seed>..." (one per file) for each checkpoint taken.
// migrate <source> <destination> <step> <delay>: one Start-Migration pass, killing itself <delay> ms after its <step>th
//   progress report; the destination is created if missing.
// read <store> <run> <destination>: print "checkpoints <n>" and export the newest to the destination; exit 1 if refused.
// Prints "ready" once the store is open (or the upgrade is about to start), so the killer knows the work has started.
if (args[0] == "upgrade")
{
    Console.Out.WriteLine("ready");
    Console.Out.Flush();
    SqliteUpgrade.Upgrade(args[1], null, new StoreOpenOptions());
    return 0;
}
IStoreBackend store = Open(args[1], create: false);
// migrate <source> <destination>: Start-Migration's work, the destination created if missing.
if (args[0] == "migrate")
{
    var destination = Open(args[2], create: true);
    Console.Out.WriteLine("ready");
    Console.Out.Flush();
    // migrate <source> <destination> <step> <delay ms>: killed from inside, <delay> ms after its <step>th progress
    // report (one per run and one per blob copied), so that kills land inside the copy.
    new PersistStore.Engine.Migration.MigrationService(store, destination, PersistStore.Engine.Identity.Caller.For(null))
        .Run(new PersistStore.Engine.Migration.MigrationOptions(), new KillAtStep<PersistStore.Engine.Maintenance.PassProgress>(int.Parse(args[3]), int.Parse(args[4])));
    return 0;
}
// optimize <store>: one Optimize-PersistStore pass. repair <store>: one Repair-PersistStore (without force).
if (args[0] is "optimize" or "repair")
{
    Console.Out.WriteLine("ready");
    Console.Out.Flush();
    var caller = PersistStore.Engine.Identity.Caller.For(null);
    // optimize <store> <step> <delay ms>: killed from inside (KillAtStep), so kills land inside the pass.
    if (args[0] == "optimize")
        new PersistStore.Engine.Maintenance.OptimizeService(store, caller).Run(new PersistStore.Engine.Maintenance.OptimizeOptions(),
            new KillAtStep<PersistStore.Engine.Maintenance.PassProgress>(int.Parse(args[2]), int.Parse(args[3])));
    else new PersistStore.Engine.Checking.IndexRepair(store, caller).Run(planOnly: false, force: false);
    return 0;
}
// checkpoint-paused <store> <run> <count>: as checkpoint, pausing after every durable pack (see PausingAfterPacks).
if (args[0] == "checkpoint-paused") store = new PausingAfterPacks(store);
var run = RunRef.Parse(args[2]);
Console.Out.WriteLine("ready");
Console.Out.Flush();
switch (args[0])
{
    case "checkpoint":
    case "checkpoint-paused":
        var checkpoints = new CheckpointService(store);
        string folder = new RunService(store).Get(run).Path!;
        for (int i = 0; i < int.Parse(args[3]); i++)
        {
            // New content every round, so each checkpoint chunks, compresses and stores megabytes: 16 MiB is two
            // blob batches, so a kill often lands after a batch is committed and before the checkpoint is.
            var bytes = new byte[16 << 20];
            new Random(Environment.ProcessId * 1000 + i).NextBytes(bytes);
            File.WriteAllBytes(Path.Combine(folder, $"data-{i % 4}.bin"), bytes);
            checkpoints.Create(run, $"worker {i}");
        }
        return 0;
    case "checkpoint-once":
        try
        {
            new CheckpointService(store).Create(run, null, report: e => Console.Error.WriteLine($"{e.ErrorId}: {e.Target}"));
            return 0;
        }
        catch (PersistStore.Engine.Errors.PersistStoreException e)
        {
            Console.Error.WriteLine($"{e.ErrorId}: {e.Target}");
            return 1;
        }
    case "read":
        try
        {
            var all = new CheckpointService(store).List(run);
            Console.Out.WriteLine($"checkpoints {all.Count}");
            new RestoreService(store).Export(all[all.Count - 1], args[3]);
            return 0;
        }
        catch (PersistStore.Engine.Errors.PersistStoreException e)
        {
            Console.Error.WriteLine($"{e.ErrorId}: {e.Message}");
            return 1;
        }
    case "churn":
        {
            var rng = new Random(int.Parse(args[4]));
            var until = DateTime.UtcNow + TimeSpan.FromSeconds(double.Parse(args[3], System.Globalization.CultureInfo.InvariantCulture));
            string dir = new RunService(store).Get(run).Path!;
            var service = new CheckpointService(store);
            var retention = new PersistStore.Engine.Retention.RetentionService(store, PersistStore.Engine.Identity.Caller.For(null));
            var policy = new PersistStore.Engine.Retention.RetentionPolicy { Last = 3 };
            while (DateTime.UtcNow < until)
            {
                // Drawn from a pool of 40 that the 9 checkpoints kept at any time cannot all hold: a new checkpoint
                // often meets content that only removed checkpoints had, which a pass may be deleting.
                int[] seeds = { rng.Next(40), rng.Next(40), rng.Next(40), rng.Next(40), 1000 + rng.Next(1_000_000) };
                for (int f = 0; f < seeds.Length; f++) File.WriteAllBytes(Path.Combine(dir, $"f{f}.bin"), ChurnContent(seeds[f]));
                var taken = service.Create(run, null);
                Console.Out.WriteLine($"cp {taken.Number} {string.Join(" ", seeds)}");
                Console.Out.Flush();
                var unkept = retention.Plan(run, policy, TimeZoneInfo.Utc).Where(d => !d.Keep).Select(d => d.Checkpoint.Number);
                retention.Apply(run, policy, TimeZoneInfo.Utc, new System.Collections.Generic.HashSet<int>(unkept));
            }
            return 0;
        }
    case "remove":   // remove <store> <run> <keep>: keep the newest <keep> checkpoints
        {
            var retention = new PersistStore.Engine.Retention.RetentionService(store, PersistStore.Engine.Identity.Caller.For(null));
            var keep = new PersistStore.Engine.Retention.RetentionPolicy { Last = int.Parse(args[3]) };
            var unkept = retention.Plan(run, keep, TimeZoneInfo.Utc).Where(d => !d.Keep).Select(d => d.Checkpoint.Number);
            retention.Apply(run, keep, TimeZoneInfo.Utc, new System.Collections.Generic.HashSet<int>(unkept));
            return 0;
        }
    case "revert":
        new RestoreService(store).Revert(run, int.Parse(args[3]), includeTags: false, planOnly: false);
        return 0;
    default:
        return 2;
}

/// <summary>A store folder, or a PostgreSQL connection string (the suite's second pass).</summary>
static IStoreBackend Open(string location, bool create) =>
    StoreLocation.TryParseConnectionString(location) is { Kind: StoreKind.PostgreSql } pg
        ? PersistStore.Engine.Storage.Postgres.PgStore.Open(pg, new StoreOpenOptions { CreateIfMissing = create })
        : SqliteStore.Open(location, new StoreOpenOptions { CreateIfMissing = create });

/// <summary>The churn worker's file content for a seed (64 KiB to 646 KiB of random bytes); tests make it again to compare.</summary>
static byte[] ChurnContent(int seed)
{
    var bytes = new byte[(64 + seed % 7 * 97) << 10];
    new Random(seed).NextBytes(bytes);
    return bytes;
}

/// <summary>
/// The store as the engine sees it, except that every pack, once durable and named, is announced on stdout ("pack")
/// and followed by a pause before anything indexes it: the killer kills in exactly the window between a pack's flush
/// and the index transaction that refers to it.
/// </summary>
internal sealed class PausingAfterPacks : IStoreBackend
{
    private readonly IStoreBackend _inner;
    public PausingAfterPacks(IStoreBackend inner) { _inner = inner; Packs = new PackStore(inner.Packs); }
    public StoreLocation Location => _inner.Location;
    public string BackendName => _inner.BackendName;
    public int FormatVersion => _inner.FormatVersion;
    public PersistStore.Engine.Packs.IPackStore Packs { get; }
    public T Read<T>(Func<IStoreReader, T> work, System.Threading.CancellationToken cancel = default) => _inner.Read(work, cancel);
    public T Write<T>(Func<IStoreWriter, T> work, System.Threading.CancellationToken cancel = default, PersistStore.Engine.Retry.RetryPolicy? retry = null) => _inner.Write(work, cancel, retry);

    private sealed class PackStore : PersistStore.Engine.Packs.IPackStore
    {
        private readonly PersistStore.Engine.Packs.IPackStore _inner;
        public PackStore(PersistStore.Engine.Packs.IPackStore inner) => _inner = inner;
        public PersistStore.Engine.Packs.IPackUpload Create() => new Upload(_inner.Create());
        public long Length(string name) => _inner.Length(name);
        public void ReadRange(string name, long offset, Span<byte> destination) => _inner.ReadRange(name, offset, destination);
        public System.Collections.Generic.IEnumerable<string> List() => _inner.List();
        public void Delete(string name) => _inner.Delete(name);
        public System.Collections.Generic.IReadOnlyList<string> ListUnfinished() => _inner.ListUnfinished();
        public void DeleteUnfinished(string id) => _inner.DeleteUnfinished(id);
        public void CloseIdle() => _inner.CloseIdle();
    }

    private sealed class Upload : PersistStore.Engine.Packs.IPackUpload
    {
        private readonly PersistStore.Engine.Packs.IPackUpload _inner;
        public Upload(PersistStore.Engine.Packs.IPackUpload inner) => _inner = inner;
        public void Append(ReadOnlySpan<byte> bytes) => _inner.Append(bytes);
        public void Commit(string name)
        {
            _inner.Commit(name);
            Console.Out.WriteLine("pack");
            Console.Out.Flush();
            System.Threading.Thread.Sleep(200);
        }
        public void Dispose() => _inner.Dispose();
    }
}

/// <summary>
/// kill -9 from inside, at a chosen phase: at the given progress report (1 = the first) a timer starts that kills
/// this process (SIGKILL, as the killer would) after the given delay, while the pass goes on. A pass over a small
/// store takes a few milliseconds, less than an outside killer's reaction; this lands kills inside every phase.
/// </summary>
internal sealed class KillAtStep<T> : IProgress<T>
{
    private readonly int _step, _delayMs;
    private int _seen;

    public KillAtStep(int step, int delayMs)
    {
        _step = step;
        _delayMs = delayMs;
    }

    public void Report(T value)
    {
        Console.Out.WriteLine($"step {++_seen}: {value}");
        Console.Out.Flush();
        if (_seen != _step) return;
        new System.Threading.Thread(() =>
        {
            if (_delayMs > 0) System.Threading.Thread.Sleep(_delayMs);
            System.Diagnostics.Process.GetCurrentProcess().Kill();
        }) { IsBackground = true }.Start();
    }
}
