using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using PersistStore.Engine.Checkpoints;
using PersistStore.Engine.Checking;
using PersistStore.Engine.Compression;
using PersistStore.Engine.Errors;
using PersistStore.Engine.Identity;
using PersistStore.Engine.Model;
using PersistStore.Engine.Runs;
using PersistStore.Engine.Snapshots;
using PersistStore.Engine.Storage;
using PersistStore.Tests.Shared;
using Xunit;

namespace PersistStore.Engine.Tests;

/// <summary>
/// Test-PersistStore's engine on damage made by hand: each kind is found, named, and attributed to the
/// checkpoints and files it affects; and damage never blocks the next checkpoint.
/// </summary>
[Trait("Backends", "Both")]
public sealed class CheckTests : IDisposable
{
    private readonly TestStore _store = new();
    private readonly IStoreBackend _backend;
    private readonly string _work;
    private readonly CheckpointService _checkpoints;

    public CheckTests()
    {
        _backend = _store.Open();
        _work = Directory.CreateDirectory(Path.Combine(_store.Folder, "work")).FullName;
        new RunService(_backend).Create(new NewRunRequest { Name = "job", Path = _work });
        _checkpoints = new CheckpointService(_backend);
        for (int i = 0; i < 6; i++) TestFiles.Write(Path.Combine(_work, $"sub{i % 2}", $"f{i}.bin"), TestFiles.RandomBytes(200_000, i));
        _checkpoints.Create(Job, "first");
        TestFiles.Write(Path.Combine(_work, "sub1", "f5.bin"), TestFiles.RandomBytes(200_000, 55));
        _checkpoints.Create(Job, "second");
    }

    public void Dispose() => _store.Dispose();

    private static RunRef Job => RunRef.Parse("job");

    private (CheckSummary Summary, List<StoreProblem> Problems) Check(double readData = 0)
    {
        var problems = new List<StoreProblem>();
        var summary = new StoreChecker(_backend, Caller.For(null)).Run(new CheckOptions { ReadDataPercent = readData }, problems.Add);
        return (summary, problems);
    }

    /// <summary>The first pack (checkpoint 1's: every file but the second f5).</summary>
    private string FirstPack => _backend.Read(r => r.ListPacks()[0].Name);

    /// <summary>The chunk of a file in the latest checkpoint, its pack, and where it lies there.</summary>
    private (BlobId Id, string Pack, Packs.PackEntry Entry) ChunkOf(string relative)
    {
        var root = _checkpoints.Get(Job, null).RootTree;
        var (folder, name) = (relative.Split('/')[0], relative.Split('/')[1]);
        return _backend.Read(r =>
        {
            var sub = TreeStore.Load(r, root).Entries.Single(e => e.Name == folder);
            var id = TreeStore.Load(r, sub).Entries.Single(e => e.Name == name).Chunks[0];
            var pack = r.ListPacks().Select(p => p.Name).Single(p => r.ChunksInPack(p).Any(e => e.Id.Equals(id)));
            return (id, pack, r.ChunksInPack(pack).Single(e => e.Id.Equals(id)));
        });
    }

    private void Damage(string pack, Func<byte[], byte[]> change)
    {
        _store.WritePack(_backend, pack, change(_store.ReadPack(_backend, pack)));
    }

    [Fact]
    public void ASoundStoreHasNoProblemAndEveryPackIsRead()
    {
        var (summary, problems) = Check(readData: 100);
        Assert.Empty(problems);
        Assert.Equal((0, 0, 2, 2, 2), (summary.Errors, summary.Warnings, summary.Checkpoints, summary.Packs, summary.PacksRead));
        Assert.Equal(_backend.Packs.List().Sum(n => _backend.Packs.Length(n)), summary.BytesRead);
    }

    [Fact]
    public void AFlippedByteIsFoundByReadDataNamedAttributedMarkedAndStoredAgainByTheNextCheckpoint()
    {
        var (id, pack, entry) = ChunkOf("sub0/f0.bin");
        Damage(pack, b => { b[entry.Offset + entry.Length / 2] ^= 0x08; return b; });
        Assert.DoesNotContain(Check().Problems, p => p.Severity == ProblemSeverity.Error);   // structure alone cannot see it

        var (summary, problems) = Check(readData: 100);
        var p = Assert.Single(problems);
        Assert.Equal((ProblemKinds.ChunkDamaged, id.ToString()), (p.Kind, p.Target));
        Assert.Contains(pack, p.Message);
        Assert.Equal(new[] { "job#1", "job#2" }, p.Checkpoints);
        Assert.Equal(new[] { "job#1:sub0/f0.bin", "job#2:sub0/f0.bin" }, p.Files);
        Assert.Equal((1, 2), (summary.Errors, summary.CheckpointsAffected));
        Assert.Contains(_backend.Read(r => r.MarkedBlobs()), m => m.Id.Equals(id) && m.Mark == BlobMark.Damaged);
        Assert.Equal(1L, new Stores.StoreService(_backend).Summarize().DamagedBlobs);

        // Nothing changed on disk, yet the damaged chunk is not reused: its file is read and its content stored again.
        var third = _checkpoints.Create(Job, "after the check");
        Assert.True(third.NewBytes >= 200_000, $"{third.NewBytes} new bytes");
        string target = Path.Combine(_store.Folder, "export");
        new RestoreService(_backend).Export(third, target);
        Assert.Equal(DirectoryImage.Capture(_work, withDirectoryTimes: false), DirectoryImage.Capture(target, withDirectoryTimes: false));
        Assert.Empty(_backend.Read(r => r.MarkedBlobs()));
        Assert.Equal(0L, new Stores.StoreService(_backend).Summarize().DamagedBlobs);
        // The two older checkpoints now restore too: the chunk's index entry moved to its new, sound copy.
        Assert.DoesNotContain(Check(readData: 100).Problems, x => x.Severity == ProblemSeverity.Error);
    }

    [Theory]
    [InlineData("truncated", ProblemKinds.PackDamaged)]
    [InlineData("deleted", ProblemKinds.PackMissing)]
    public void ATruncatedOrDeletedPackIsFoundWithoutReadingData(string how, string kind)
    {
        string name = FirstPack;
        if (how == "deleted") _store.DeletePack(_backend, name);
        else Damage(name, b => b.Take(b.Length - 100).ToArray());
        var (summary, problems) = Check();
        var p = problems.Single(x => x.Severity == ProblemSeverity.Error);
        Assert.Equal((kind, name), (p.Kind, p.Target));
        Assert.Equal(new[] { "job#1", "job#2" }, p.Checkpoints);
        Assert.Equal(11, p.FilesAffected);   // the six files of checkpoint 1, and the five of checkpoint 2 it shares
        Assert.Equal(1, summary.Errors);
    }

    [Fact]
    public void ADeletedIndexRowIsAMissingChunkNamingItsFiles()
    {
        var (id, _, _) = ChunkOf("sub1/f3.bin");
        _store.Sql($"DELETE FROM chunks WHERE id = {_store.Literal(id.Bytes)}");
        var p = Check().Problems.Single(x => x.Severity == ProblemSeverity.Error);
        Assert.Equal((ProblemKinds.ChunkMissing, id.ToString()), (p.Kind, p.Target));
        Assert.Equal(new[] { "job#1:sub1/f3.bin", "job#2:sub1/f3.bin" }, p.Files);
    }

    [Fact]
    public void AnAlteredHistoryEntryBreaksTheChain()
    {
        _store.Sql("UPDATE history SET details = 'edited' WHERE id = 2");
        var p = Check().Problems.Single(x => x.Severity == ProblemSeverity.Error);
        Assert.Equal(ProblemKinds.HistoryBroken, p.Kind);
        Assert.Contains("History entry 2 was altered", p.Message);
    }

    [Fact]
    public void ADamagedParentListingNeverBlocksTheNextCheckpoint()
    {
        // A subfolder with a listing of its own: sub0 and sub1 are small enough to be kept inside the root's.
        for (int i = 0; i < 12; i++) TestFiles.Write(Path.Combine(_work, "big", $"notes-{i:D2}.txt"), TestFiles.TextBytes(1000, 300 + i));
        var latest = _checkpoints.Create(Job, "third");
        var big = _backend.Read(r => TreeStore.Load(r, latest.RootTree).Entries.Single(e => e.Name == "big"));
        Assert.Null(big.Inline);
        _store.Sql($"UPDATE blobs SET data = {_store.Zeros("data")} WHERE id = {_store.Literal(big.Subtree!.Value.Bytes)}");
        var p = Check().Problems.Single(x => x.Severity == ProblemSeverity.Error);
        Assert.Equal((ProblemKinds.ListingDamaged, big.Subtree.Value.ToString()), (p.Kind, p.Target));
        Assert.Equal(new[] { "job#3:big" }, p.Files);

        var warnings = new List<PersistStoreException>();
        var next = _checkpoints.Create(Job, "despite the damage", report: warnings.Add);
        var w = Assert.Single(warnings);
        Assert.IsType<PersistStoreWarning>(w);
        Assert.Equal(("ParentListingUnreadable", Path.Combine(_work, "big")), (w.ErrorId, (string)w.Target!));
        string target = Path.Combine(_store.Folder, "export");
        new RestoreService(_backend).Export(next, target);
        Assert.Equal(DirectoryImage.Capture(_work, withDirectoryTimes: false), DirectoryImage.Capture(target, withDirectoryTimes: false));
        // The folder read in full gave the same listing, stored again over the damaged row: the older checkpoints heal too.
        Assert.DoesNotContain(Check().Problems, x => x.Severity == ProblemSeverity.Error);
    }

    [Fact]
    public void LeftoversAreWarningsNotErrors()
    {
        using (var w = new Packs.PackWriter(_backend.Packs, 1 << 20))
        {
            w.Add(BlobCodec.Encode(TestFiles.RandomBytes(10_000, 99)), BlobKind.Chunk);
            _backend.Write(x => x.IndexPack(w.Finish()));   // indexed, referenced by nothing
        }
        using (var w = new Packs.PackWriter(_backend.Packs, 1 << 20))
        {
            w.Add(BlobCodec.Encode(TestFiles.RandomBytes(10_000, 98)), BlobKind.Chunk);
            w.Finish();   // never indexed
        }
        var (summary, problems) = Check(readData: 100);
        Assert.Equal((0, 2), (summary.Errors, summary.Warnings));
        Assert.Equal(new[] { ProblemKinds.UnusedPack, ProblemKinds.Unreferenced }, problems.Select(p => p.Kind).OrderByDescending(k => k));
    }
    private Dictionary<BlobId, string> IndexMap() => _backend.Read(r =>
    {
        var map = new Dictionary<BlobId, string>();
        r.ForEachBlob((id, _, pack) => { if (pack != null) map[id] = pack; });
        return map;
    });

    [Fact]
    public void RepairRebuildsALostIndexFromThePacksAloneExactlyAsItWas()
    {
        var before = IndexMap();
        _store.Sql("DELETE FROM chunks; DELETE FROM packs;");
        Assert.Contains(Check().Problems, p => p.Kind == ProblemKinds.ChunkMissing);

        var plan = new IndexRepair(_backend, Caller.For(null)).Run(planOnly: true, force: false);
        Assert.Equal((2, 0), (plan.PacksAdded, IndexMap().Count));   // planned, nothing done
        var result = new IndexRepair(_backend, Caller.For(null)).Run(planOnly: false, force: false);
        Assert.Equal((2, 2, before.Count, 0), (result.PacksScanned, result.PacksAdded, result.ChunksAdded, result.ChunksLost.Count));
        Assert.Empty(result.Remaining);
        Assert.Equal(before.OrderBy(kv => kv.Key.ToString()), IndexMap().OrderBy(kv => kv.Key.ToString()));
        Assert.Empty(Check(readData: 100).Problems);
        Assert.Equal(Operations.RepairStore, _backend.Read(r => r.LastHistoryEntry())!.Operation);
    }

    [Fact]
    public void RepairMovesEntriesToASoundCopyAndOnlyDeletesWithForce()
    {
        // A second copy of f0's chunk in a pack the index does not know (another writer stored it at the same time).
        var (id, pack, entry) = ChunkOf("sub0/f0.bin");
        var copy = _backend.Read(r =>
        {
            byte[] data = Array.Empty<byte>();
            r.ReadBlob(id, (size, codec, bytes) => data = bytes.ToArray());
            return new EncodedBlob(id, entry.PlainSize, entry.Codec, data);
        });
        using (var w = new Packs.PackWriter(_backend.Packs, 1 << 20)) { w.Add(copy, BlobKind.Chunk); w.Finish(); }
        _store.DeletePack(_backend, pack);

        var result = new IndexRepair(_backend, Caller.For(null)).Run(planOnly: false, force: false);
        Assert.Equal((1, 1, 0), (result.PacksAdded, result.ChunksMoved, result.PackFilesDeleted));
        Assert.Equal(5, result.ChunksLost.Count);   // the other five files of checkpoint 1 were only in the deleted pack
        Assert.All(result.ChunksLost, lost => Assert.Contains(_backend.Read(r => r.MarkedBlobs()), m => m.Id.Equals(lost) && m.Mark == BlobMark.Damaged));
        var remaining = Assert.Single(result.Remaining);
        Assert.Equal(ProblemKinds.PackMissing, remaining.Kind);
        Assert.DoesNotContain("job#1:sub0/f0.bin", remaining.Files);   // f0 restores again, from its copy
        Assert.Contains("job#1:sub1/f5.bin", remaining.Files);

        var forced = new IndexRepair(_backend, Caller.For(null)).Run(planOnly: false, force: true);
        Assert.Equal(5, forced.IndexEntriesDeleted);
        Assert.DoesNotContain(pack, _backend.Read(r => r.ListPacks()).Select(p => p.Name));
        Assert.All(forced.Remaining, p => Assert.Equal(ProblemKinds.ChunkMissing, p.Kind));
        // The next checkpoint stores the lost content again (it is on disk), and restores in full.
        var next = _checkpoints.Create(Job, "after the repair");
        string target = Path.Combine(_store.Folder, "export");
        new RestoreService(_backend).Export(next, target);
        Assert.Equal(DirectoryImage.Capture(_work, withDirectoryTimes: false), DirectoryImage.Capture(target, withDirectoryTimes: false));
    }
}
