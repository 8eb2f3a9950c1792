using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using PersistStore.Engine.Checking;
using PersistStore.Engine.Checkpoints;
using PersistStore.Engine.Errors;
using PersistStore.Engine.History;
using PersistStore.Engine.Identity;
using PersistStore.Engine.Locking;
using PersistStore.Engine.Migration;
using PersistStore.Engine.Model;
using PersistStore.Engine.Retention;
using PersistStore.Engine.Runs;
using PersistStore.Engine.Storage;
using PersistStore.Tests.Shared;
using Xunit;

namespace PersistStore.Engine.Tests;

/// <summary>
/// Start-Migration's engine between a SQLite store and a store of the backend under test (SQLite on the first pass,
/// PostgreSQL on the second): both directions, exact counts, idempotence, conflicts, and damage in the source.
/// </summary>
[Trait("Backends", "Both")]
public sealed class MigrationTests : IDisposable
{
    private readonly TestStore _sqlite = new();
    private readonly TestStore _other = new();
    private readonly IStoreBackend _a, _b;

    public MigrationTests()
    {
        _a = _sqlite.OpenSqlite();
        _b = _other.Open();
        var runs = new RunService(_a);
        runs.Create(new NewRunRequest { Name = "job", Description = "nightly", Path = Folder("job"), Tags = new[] { "nightly", "db" },
            Properties = new Dictionary<string, object?> { ["retries"] = 3L, ["owner"] = "ops", ["ratio"] = 0.5, ["on"] = true } });
        runs.Create(new NewRunRequest { Name = "other", Path = Folder("other"), Tags = new[] { "adhoc" } });
        var checkpoints = new CheckpointService(_a);
        for (int i = 0; i < 6; i++) TestFiles.Write(Path.Combine(Folder("job"), $"sub{i % 2}", $"f{i}.bin"), TestFiles.RandomBytes(150_000 + i, i));
        checkpoints.Create(RunRef.Parse("job"), "first");
        TestFiles.Write(Path.Combine(Folder("job"), "sub1", "f5.bin"), TestFiles.RandomBytes(90_000, 55));
        TestFiles.Write(Path.Combine(Folder("job"), "empty.txt"), Array.Empty<byte>());
        checkpoints.Create(RunRef.Parse("job"), "second");
        TestFiles.Write(Path.Combine(Folder("other"), "shared.bin"), TestFiles.RandomBytes(150_000, 0));   // the same content as job's f0
        checkpoints.Create(RunRef.Parse("other"), null);
        runs.Update(RunRef.Parse("job"), new RunChanges { Properties = new Dictionary<string, object?> { ["lastStatus"] = "ok" } });
    }

    public void Dispose()
    {
        _sqlite.Dispose();
        _other.Dispose();
    }

    private string Folder(string run) => Directory.CreateDirectory(Path.Combine(_sqlite.Folder, "work", run)).FullName;

    private static MigrationResult Migrate(IStoreBackend from, IStoreBackend to, MigrationOptions? options = null) =>
        new MigrationService(from, to, Caller.For(null)).Run(options ?? new MigrationOptions());

    private void AssertSameExports(IStoreBackend from, IStoreBackend to, string run)
    {
        var restore = (from: new RestoreService(from), to: new RestoreService(to));
        foreach (var c in from.Read(r => r.QueryCheckpoints(r.FindRunByName(run)!.Id)))
        {
            string a = Path.Combine(_sqlite.Folder, "x-" + Guid.NewGuid().ToString("N")), b = Path.Combine(_sqlite.Folder, "y-" + Guid.NewGuid().ToString("N"));
            restore.from.Export(c, a);
            restore.to.Export(to.Read(r => r.QueryCheckpoints(c.RunId, c.Number).Single()), b);
            Assert.Equal(DirectoryImage.Capture(a, withDirectoryTimes: false), DirectoryImage.Capture(b, withDirectoryTimes: false));
        }
    }

    private static void AssertSound(IStoreBackend store)
    {
        var problems = new List<StoreProblem>();
        var summary = new StoreChecker(store, Caller.For(null)).Run(new CheckOptions { ReadDataPercent = 100 }, problems.Add);
        Assert.Empty(problems.Where(p => p.Severity == ProblemSeverity.Error).Select(p => p.Message));
        Assert.Empty(new HistoryService(store).VerifyChain());
        Assert.Equal(0, summary.Errors);
    }

    [Fact]
    public void EveryLayerIsCopiedExactlyThereAndBackAndASecondPassCopiesNothing()
    {
        var held = new LockService(_a, Caller.For(null)).Enter(RunRef.Parse("other"), TimeSpan.FromMinutes(5), "migration test");
        int sourceEntries = _a.Read(r => r.QueryHistory(new HistoryFilter()).Count(e => e.RunId != null));

        var there = Migrate(_a, _b);
        Assert.True(there.Verified);
        Assert.Equal((2, 2, 0, 3, 1), (there.RunsSelected, there.RunsCreated, there.RunsUpdated, there.CheckpointsCopied, there.LocksCopied));
        Assert.Equal(sourceEntries, there.HistoryEntriesCopied);
        Assert.Equal(there.HistoryEntriesCopied, there.HistoryEntriesVerified);
        Assert.Equal(_a.Read(r => Snapshots.SnapshotReferences.Collect(r)).Count, there.ChunksCopied + there.ListingsCopied);
        Assert.Equal(there.ChunksCopied + there.ListingsCopied, there.ChunksVerified);
        Assert.Equal((3, 14L), (there.CheckpointsVerified, there.FilesVerified));
        foreach (var run in new[] { "job", "other" }) AssertSameExports(_a, _b, run);
        Assert.Equal(held.LockId, _b.Read(r => r.FindLock(held.RunId))!.LockId);
        var job = (a: _a.Read(r => r.FindRunByName("job"))!, b: _b.Read(r => r.FindRunByName("job"))!);
        Assert.Equal((job.a.Id, job.a.Version, job.a.ModifiedAt), (job.b.Id, job.b.Version, job.b.ModifiedAt));
        Assert.Equal(job.a.Properties.OrderBy(p => p.Key), job.b.Properties.OrderBy(p => p.Key));
        Assert.Equal(Operations.MigrateStore, _b.Read(r => r.LastHistoryEntry())!.Operation);
        AssertSound(_b);

        var again = Migrate(_a, _b);
        Assert.True(again.NothingToCopy && again.Verified);
        Assert.Equal((0, 0, 2, 0L, 0), (again.RunsCreated, again.RunsUpdated, again.RunsUnchanged, again.ChunksCopied, again.HistoryEntriesCopied));
        Assert.Equal(there.HistoryEntriesVerified, again.HistoryEntriesVerified);
        Assert.Equal(Operations.MigrateStore, _b.Read(r => r.LastHistoryEntry())!.Operation);
        Assert.Equal(1, _b.Read(r => r.QueryHistory(new HistoryFilter { Operations = new[] { Operations.MigrateStore } })).Count);

        using var back = new TestStore();
        var c = back.OpenSqlite();
        var home = Migrate(_b, c);
        Assert.True(home.Verified);
        Assert.Equal((there.CheckpointsCopied, there.ChunksCopied, there.ListingsCopied, there.HistoryEntriesCopied),
            (home.CheckpointsCopied, home.ChunksCopied, home.ListingsCopied, home.HistoryEntriesCopied));
        foreach (var run in new[] { "job", "other" }) AssertSameExports(_a, c, run);
        AssertSound(c);
    }

    [Fact]
    public void APlanCopiesNothingAndCountsWhatThePassThenCopies()
    {
        long packs = _other.PackCount(_b);
        var plan = Migrate(_a, _b, new MigrationOptions { PlanOnly = true });
        Assert.Equal((false, packs), (plan.Verified, _other.PackCount(_b)));
        Assert.Empty(_b.Read(r => r.QueryRuns(new RunFilter())));
        var done = Migrate(_a, _b);
        Assert.Equal((plan.RunsCreated, plan.CheckpointsCopied, plan.ChunksCopied, plan.ListingsCopied, plan.HistoryEntriesCopied),
            (done.RunsCreated, done.CheckpointsCopied, done.ChunksCopied, done.ListingsCopied, done.HistoryEntriesCopied));
    }

    [Fact]
    public void RunsAreChosenByWildcardAndTag()
    {
        var wild = Migrate(_a, _b, new MigrationOptions { Runs = new[] { "j*" } });
        Assert.Equal((1, 1), (wild.RunsSelected, wild.RunsCreated));
        Assert.Equal(new[] { "job" }, _b.Read(r => r.QueryRuns(new RunFilter())).Select(r => r.Name));
        var tagged = Migrate(_a, _b, new MigrationOptions { Tags = new[] { "adhoc" } });
        Assert.Equal((1, 1), (tagged.RunsSelected, tagged.RunsCreated));
    }

    [Fact]
    public void ANameTakenByAnotherRunFailsSkipsOrRenames()
    {
        new RunService(_b).Create(new NewRunRequest { Name = "JOB" });
        int before = _b.Read(r => r.QueryHistory(new HistoryFilter())).Count;
        var e = Assert.Throws<MigrationException>(() => Migrate(_a, _b));
        Assert.Equal(("MigrationRunConflict", "job"), (e.ErrorId, e.Target));
        Assert.Equal(before, _b.Read(r => r.QueryHistory(new HistoryFilter())).Count);   // nothing copied, not even 'other'

        var skipped = Migrate(_a, _b, new MigrationOptions { OnConflict = ConflictAction.Skip });
        Assert.Equal(("job", 1), (Assert.Single(skipped.RunsSkipped), skipped.RunsCreated));

        var renamed = Migrate(_a, _b, new MigrationOptions { OnConflict = ConflictAction.Rename });
        Assert.Equal("job-migrated", renamed.RunsRenamed["job"]);
        Assert.Equal(2, _b.Read(r => r.QueryCheckpoints(r.FindRunByName("job-migrated")!.Id)).Count);
        Assert.True(Migrate(_a, _b, new MigrationOptions { OnConflict = ConflictAction.Rename }).NothingToCopy);   // the renamed run is found by its id
    }

    [Fact]
    public void ARunChangedInTheDestinationSinceItWasMigratedIsAConflictAndSourceRemovalsFollow()
    {
        Migrate(_a, _b);
        new RetentionService(_a, Caller.For(null)).Apply(RunRef.Parse("job"), new[] { 1 }, new HashSet<int> { 1 });
        var follow = Migrate(_a, _b);
        Assert.Equal((1, 1), (follow.CheckpointsRemoved, follow.RunsUpdated));
        Assert.Equal(new[] { 2 }, _b.Read(r => r.QueryCheckpoints(r.FindRunByName("job")!.Id)).Select(c => c.Number));

        new RunService(_b).Update(RunRef.Parse("job"), new RunChanges { Description = "changed there" });
        var e = Assert.Throws<MigrationException>(() => Migrate(_a, _b));
        Assert.Equal("MigrationRunConflict", e.ErrorId);
        Assert.Contains("UpdateRun", e.Message);
        Assert.Equal("changed there", _b.Read(r => r.FindRunByName("job"))!.Description);
    }

    [Fact]
    public void ANumberGivenAtTheSourceIsNeverGivenAgainInTheDestination()
    {
        new RetentionService(_a, Caller.For(null)).Apply(RunRef.Parse("job"), new[] { 2 }, new HashSet<int> { 2 });
        Migrate(_a, _b, new MigrationOptions { Runs = new[] { "job" } });
        var job = _b.Read(r => r.FindRunByName("job"))!;
        Assert.Equal(2, _b.Read(r => r.LastCheckpointNumber(job.Id)));
        Assert.Equal(new[] { 1 }, _b.Read(r => r.QueryCheckpoints(job.Id)).Select(c => c.Number));
        Assert.Equal(3, new CheckpointService(_b).Create(RunRef.Parse("job"), "after the migration").Number);
    }

    [Fact]
    public void AStoreIsNeverMigratedOntoItself()
    {
        var e = Assert.Throws<MigrationException>(() => Migrate(_a, _sqlite.OpenSqlite(create: false)));
        Assert.Equal(("MigrationOntoItself", ErrorKind.InvalidArgument), (e.ErrorId, e.Kind));
    }

    [Fact]
    public void ADamagedSourceChunkStopsTheMigrationBeforeTheDestinationRecordsIt()
    {
        string pack = _a.Read(r => r.ListPacks()[0].Name);
        byte[] bytes = _sqlite.ReadPack(_a, pack);
        bytes[bytes.Length / 3] ^= 0x40;
        _sqlite.WritePack(_a, pack, bytes);
        var e = Assert.Throws<MigrationException>(() => Migrate(_a, _b, new MigrationOptions { Runs = new[] { "job" } }));
        Assert.Equal("MigrationSourceDamaged", e.ErrorId);
        Assert.Contains("before the destination recorded it", e.Message);
        var run = _b.Read(r => r.FindRunByName("job"));
        Assert.Empty(_b.Read(r => r.QueryCheckpoints(run!.Id)));
        var damaged = new Compression.BlobId(Convert.FromHexString((string)e.Target!));
        Assert.DoesNotContain(damaged, _b.Read(r => r.ExistingBlobs(new[] { damaged })));
        AssertSound(_b);
    }
}
