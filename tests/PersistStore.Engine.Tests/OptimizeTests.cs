using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using PersistStore.Engine.Checkpoints;
using PersistStore.Engine.Compression;
using PersistStore.Engine.Identity;
using PersistStore.Engine.Locking;
using PersistStore.Engine.Maintenance;
using PersistStore.Engine.Model;
using PersistStore.Engine.Retention;
using PersistStore.Engine.Runs;
using PersistStore.Engine.Storage;
using PersistStore.Engine.Stores;
using PersistStore.Tests.Shared;
using PersistStore.Engine.Errors;
using Xunit;

namespace PersistStore.Engine.Tests;

/// <summary>
/// Optimize-PersistStore's engine: what it deletes, what it repacks, and the safety rule with writers that run
/// during the pass (simulated in-process at the exact moments that matter; OptimizeConcurrencyTests uses processes).
/// </summary>
[Trait("Backends", "Both")]
public sealed class OptimizeTests : IDisposable
{
    private readonly TestStore _store = new();
    private readonly IStoreBackend _backend;
    private readonly CheckpointService _checkpoints;

    public OptimizeTests()
    {
        _backend = _store.Open();
        _checkpoints = new CheckpointService(_backend);
        foreach (var name in new[] { "a", "b" })
            new RunService(_backend).Create(new NewRunRequest { Name = name, Path = Directory.CreateDirectory(Path.Combine(_store.Folder, name)).FullName });
    }

    public void Dispose() => _store.Dispose();

    private string Folder(string run) => Path.Combine(_store.Folder, run);

    private CheckpointRecord Take(string run, string file, byte[] content)
    {
        TestFiles.Write(Path.Combine(Folder(run), file), content);
        return _checkpoints.Create(RunRef.Parse(run), null);
    }

    private void Remove(string run, params int[] numbers) =>
        new RetentionService(_backend, Caller.For(null)).Apply(RunRef.Parse(run), numbers, new HashSet<int>(numbers));

    private OptimizeResult Optimize(double maxUnused = 5, TimeSpan? writerTimeout = null, bool planOnly = false) =>
        new OptimizeService(_backend, Caller.For(null)).Run(new OptimizeOptions { MaxUnusedPercent = maxUnused, WriterTimeout = writerTimeout ?? TimeSpan.FromSeconds(30), PlanOnly = planOnly });

    private void AssertExports(CheckpointRecord c, IReadOnlyList<string> image)
    {
        string target = Path.Combine(_store.Folder, "export-" + Guid.NewGuid().ToString("N"));
        new RestoreService(_backend).Export(c, target);
        Assert.Equal(image, DirectoryImage.Capture(target, withDirectoryTimes: false));
    }

    private StoreSummary Summary() => new StoreService(_backend).Summarize();

    [Fact]
    public void ItDeletesExactlyWhatNoCheckpointNeedsAndEverySurvivorStillExports()
    {
        Take("a", "big.bin", TestFiles.RandomBytes(3 << 20, 1));
        var keep = Take("a", "big.bin", TestFiles.RandomBytes(2 << 20, 2));
        var image = DirectoryImage.Capture(Folder("a"), withDirectoryTimes: false);
        Remove("a", 1);
        var before = Summary();
        Assert.True(before.UnreferencedBytes > 3 << 20);

        var plan = Optimize(planOnly: true);
        Assert.Equal(before.Packs, Summary().Packs);
        Assert.Equal(1, plan.PacksDeleted);

        var result = Optimize();
        var after = Summary();
        Assert.Equal((0L, 0L), (after.UnreferencedChunks, after.UnreferencedBytes));
        Assert.Equal(1, result.PacksDeleted);
        Assert.Equal(before.Packs - 1, after.Packs);
        Assert.True(result.BytesFreed >= before.PackBytes - after.PackBytes && before.PackBytes > after.PackBytes, $"freed {result.BytesFreed}");
        Assert.Equal(after.Packs, _store.PackCount(_backend));
        AssertExports(keep, image);
        Assert.Empty(_backend.Read(r => r.MarkedBlobs()));
        Assert.Equal(Operations.OptimizeStore, _backend.Read(r => r.LastHistoryEntry())!.Operation);

        var again = Optimize();
        Assert.Equal((0, 0, 0, 0L), (again.ChunksDeleted, again.PacksDeleted, again.PacksRepacked, again.BytesFreed));
    }

    [Fact]
    public void APackMostlyUnusedIsRepackedAndWhatItStillHoldsExportsFromTheNewPack()
    {
        // One checkpoint, one pack: a small file that stays and a large one that goes.
        TestFiles.Write(Path.Combine(Folder("a"), "small.bin"), TestFiles.RandomBytes(200_000, 3));
        Take("a", "large.bin", TestFiles.RandomBytes(4 << 20, 4));
        File.Delete(Path.Combine(Folder("a"), "large.bin"));
        var keep = _checkpoints.Create(RunRef.Parse("a"), null);
        var image = DirectoryImage.Capture(Folder("a"), withDirectoryTimes: false);
        Remove("a", 1);
        var oldPack = Assert.Single(_backend.Read(r => r.ListPacks())).Name;

        var result = Optimize();
        Assert.Equal((0, 1, 1), (result.PacksDeleted, result.PacksRepacked, result.PacksWritten));
        var pack = Assert.Single(_backend.Read(r => r.ListPacks()));
        Assert.NotEqual(oldPack, pack.Name);
        Assert.Equal(pack.Length, pack.LiveBytes + (pack.Length - pack.LiveBytes));
        Assert.True(pack.UnusedBytes < pack.Length / 20, "the new pack holds only what is used, and its trailer");
        AssertExports(keep, image);
        Assert.Equal(0L, Summary().UnreferencedBytes);

        // With a higher threshold the same share would not be worth a repack.
        Assert.Equal(0, Optimize(maxUnused: 100).PacksRepacked);
    }

    [Fact]
    public async Task AWriterThatReferencedACandidateBeforeTheMarkKeepsIt()
    {
        var content = TestFiles.RandomBytes(2 << 20, 5);
        var first = Take("a", "data.bin", content);
        var image = DirectoryImage.Capture(Folder("a"), withDirectoryTimes: false);
        Take("a", "data.bin", TestFiles.RandomBytes(1 << 20, 6));
        Remove("a", 1);

        // A writer of run b, running since before the pass: it looked the content up, found it, and will commit a
        // checkpoint that references it without storing it again.
        var writer = new LockService(_backend, new Caller(new LockSession(LockOwner.NewSession())));
        writer.Enter(RunRef.Parse("b"), TimeSpan.FromMinutes(5), "writing");
        var pass = Task.Run(() => Optimize());
        WaitFor(() => _backend.Read(r => r.MarkedBlobs()).Count > 0);
        var reused = writer.Mutate(RunRef.Parse("b"), (w, run, now) =>
        {
            var c = first with { RunId = run.Id, RunName = run.Name, Number = 1, CreatedAt = now, Parent = null };
            w.InsertCheckpoint(c);
            return c;
        });
        writer.Exit(RunRef.Parse("b"));
        var result = await pass;

        Assert.Null(result.Deferred);
        Assert.True(result.Rescued > 0);
        Assert.Equal(0, result.ChunksDeleted);
        AssertExports(reused, image);
        Assert.Empty(_backend.Read(r => r.MarkedBlobs()));
    }

    [Fact]
    public async Task AWriterThatStartsAfterTheMarkStoresTheContentAgainAndNothingItNeedsIsDeleted()
    {
        var content = TestFiles.RandomBytes(2 << 20, 7);
        Take("a", "data.bin", content);
        Take("a", "data.bin", TestFiles.RandomBytes(1 << 20, 8));
        Remove("a", 1);
        var holder = new LockService(_backend, new Caller(new LockSession(LockOwner.NewSession())));
        holder.Enter(RunRef.Parse("a"), TimeSpan.FromMinutes(5), "holds the pass in its wait");
        var pass = Task.Run(() => Optimize());
        WaitFor(() => _backend.Read(r => r.MarkedBlobs()).Count > 0);

        var later = Take("b", "data.bin", content);   // the same content, in another run, after the mark
        Assert.True(later.NewBytes >= content.Length, $"marked chunks are not reused: the content is stored again ({later.NewBytes} new bytes)");
        var image = DirectoryImage.Capture(Folder("b"), withDirectoryTimes: false);
        holder.Exit(RunRef.Parse("a"));
        var result = await pass;

        Assert.Null(result.Deferred);
        AssertExports(later, image);
        Assert.Equal(0L, Summary().UnreferencedBytes);
    }

    [Fact]
    public void AWriterStillRunningAtTheTimeoutDefersTheDeletionsAndTheNextPassMakesThem()
    {
        Take("a", "data.bin", TestFiles.RandomBytes(1 << 20, 9));
        Take("a", "data.bin", TestFiles.RandomBytes(1 << 20, 10));
        Remove("a", 1);
        var holder = new LockService(_backend, new Caller(new LockSession(LockOwner.NewSession())));
        holder.Enter(RunRef.Parse("b"), TimeSpan.FromMinutes(5), "long job");
        var packs = Summary().Packs;

        var deferred = Optimize(writerTimeout: TimeSpan.FromMilliseconds(300));
        Assert.Contains("run 'b' locked by", deferred.Deferred);
        Assert.Equal((0, 0), (deferred.ChunksDeleted, deferred.PacksDeleted));
        Assert.Equal(packs, Summary().Packs);

        holder.Exit(RunRef.Parse("b"));
        var next = Optimize();
        Assert.Null(next.Deferred);
        Assert.Equal(1, next.PacksDeleted);
        Assert.Empty(_backend.Read(r => r.MarkedBlobs()));
    }

    [Fact]
    public void AStaleWriterIsFencedAndCanNoLongerCommit()
    {
        Take("a", "data.bin", TestFiles.RandomBytes(1 << 20, 11));
        Take("a", "data.bin", TestFiles.RandomBytes(1 << 20, 12));
        Remove("a", 1);
        var clock = DateTime.UtcNow;
        var stale = new LockService(_backend, new Caller(new LockSession(LockOwner.NewSession()), clock: () => clock - TimeSpan.FromHours(1)));
        stale.Enter(RunRef.Parse("b"), TimeSpan.FromSeconds(5), "hung");   // its lease ran out an hour ago

        var result = Optimize();
        Assert.Null(result.Deferred);
        Assert.Equal(1, result.PacksDeleted);
        Assert.Empty(_backend.Read(r => r.ListLocks()));
        Assert.Equal(Operations.TakeOverLock, _backend.Read(r => r.QueryHistory(new HistoryFilter())).Last(h => h.Operation != Operations.OptimizeStore).Operation);
        Assert.Throws<LockLostException>(() => stale.Mutate(RunRef.Parse("b"), (w, run, now) => 0));
    }

    [Fact]
    public void LeftoversOfKilledWritersGoButAPackWrittenDuringThePassStays()
    {
        Take("a", "data.bin", TestFiles.RandomBytes(1 << 20, 13));
        // A killed writer's durable pack that nothing indexed, and its unfinished upload.
        using (var w = new Packs.PackWriter(_backend.Packs, 1 << 20))
        {
            w.Add(BlobCodec.Encode(TestFiles.RandomBytes(10_000, 14)), BlobKind.Chunk);
            w.Finish();
        }
        var partial = _backend.Packs.Create();
        partial.Append(new byte[100]);
        int unfinished = _store.IsPostgres ? 0 : 1;   // a PostgreSQL pack exists only once its row commits
        Assert.Equal(unfinished, _backend.Packs.ListUnfinished().Count);

        var result = Optimize();
        Assert.Equal(1 + unfinished, result.LeftoversDeleted);
        Assert.Empty(_backend.Packs.ListUnfinished());
        Assert.Equal(_backend.Read(r => r.ListPacks()).Select(p => p.Name).OrderBy(n => n), _backend.Packs.List().OrderBy(n => n));
        partial.Dispose();
    }

    [Fact]
    public void AReaderWhosePackWasRepackedUnderItReadsTheChunkFromItsNewPlace()
    {
        TestFiles.Write(Path.Combine(Folder("a"), "small.bin"), TestFiles.RandomBytes(300_000, 15));
        Take("a", "large.bin", TestFiles.RandomBytes(3 << 20, 16));
        File.Delete(Path.Combine(Folder("a"), "large.bin"));
        var keep = _checkpoints.Create(RunRef.Parse("a"), null);
        Remove("a", 1);
        var used = _backend.Read(r => Snapshots.SnapshotReferences.Collect(r));
        var chunk = _backend.Read(r => r.ChunksInPack(r.ListPacks()[0].Name)).First(e => used.Contains(e.Id));
        var expected = Read(chunk.Id);

        var seen = _backend.Read(r =>
        {
            r.LastHistoryEntry();   // the snapshot begins here, before the repack
            // On another thread, while this read's snapshot stays open (a thread, joined: no task to block on here).
            OptimizeResult? repacked = null;
            var other = new Thread(() => repacked = Optimize());
            other.Start();
            other.Join();
            Assert.Equal(1, repacked!.PacksRepacked);
            var plain = Array.Empty<byte>();
            Assert.True(r.ReadBlob(chunk.Id, (size, codec, data) => { plain = new byte[size]; BlobCodec.DecodeInto(chunk.Id, size, codec, data, plain); }));
            return plain;
        });
        Assert.Equal(expected, seen);
    }

    [Fact]
    public void CtrlCAtAnyPhaseLeavesAConsistentStoreAndTheNextPassCompletes()
    {
        for (int stopAt = 1; stopAt <= 3; stopAt++)
        {
            Take("a", "data.bin", TestFiles.RandomBytes(1 << 20, 100 + stopAt));
            Take("a", "data.bin", TestFiles.RandomBytes(1 << 20, 200 + stopAt));
            var numbers = _checkpoints.List(RunRef.Parse("a")).Select(c => c.Number).ToArray();
            Remove("a", numbers.Take(numbers.Length - 1).ToArray());
            using var stop = new CancellationTokenSource();
            int seen = 0;
            var progress = new Inline<PassProgress>(_ => { if (++seen == stopAt) stop.Cancel(); });
            Assert.ThrowsAny<OperationCanceledException>(() =>
                new OptimizeService(_backend, Caller.For(null)).Run(new OptimizeOptions(), progress, stop.Token));
            var problems = new List<Checking.StoreProblem>();
            new Checking.StoreChecker(_backend, Caller.For(null)).Run(new Checking.CheckOptions { ReadDataPercent = 100 }, problems.Add);
            Assert.DoesNotContain(problems, p => p.Severity == Checking.ProblemSeverity.Error);
            var next = Optimize();   // the lease of the stopped pass was given back: no MaintenanceRunning
            Assert.Null(next.Deferred);
            Assert.Equal(0L, Summary().UnreferencedBytes);
        }
    }

    private sealed class Inline<T> : IProgress<T>
    {
        private readonly Action<T> _report;
        public Inline(Action<T> report) => _report = report;
        public void Report(T value) => _report(value);
    }

    private byte[] Read(BlobId id) => _backend.Read(r =>
    {
        var plain = Array.Empty<byte>();
        r.ReadBlob(id, (size, codec, data) => { plain = new byte[size]; BlobCodec.DecodeInto(id, size, codec, data, plain); });
        return plain;
    });

    private static void WaitFor(Func<bool> condition)
    {
        var until = DateTime.UtcNow.AddSeconds(30);
        while (!condition())
        {
            Assert.True(DateTime.UtcNow < until, "timed out");
            Thread.Sleep(20);
        }
    }
}

