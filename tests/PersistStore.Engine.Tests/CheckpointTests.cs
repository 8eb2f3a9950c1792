using System;
using System.IO;
using System.Linq;
using PersistStore.Engine.Checkpoints;
using PersistStore.Engine.Compression;
using PersistStore.Engine.Errors;
using PersistStore.Engine.Model;
using PersistStore.Engine.Restore;
using PersistStore.Engine.Runs;
using PersistStore.Engine.Storage;
using PersistStore.Engine.Trees;
using PersistStore.Tests.Shared;
using Xunit;

namespace PersistStore.Engine.Tests;

[Trait("Backends", "Both")]
public class CheckpointTests : RunFolderTests
{
    public CheckpointTests() : base(new[] { "nightly" }, new System.Collections.Generic.Dictionary<string, object?> { ["p"] = 1 }) { }

    [Fact]
    public void TheStoreCountsWhatNoCheckpointNeedsToTheByte()
    {
        TestFiles.Sample(_work);
        _checkpoints.Create(Job, "first");
        File.Delete(Directory.GetFiles(_work, "*", SearchOption.AllDirectories)[0]);
        _checkpoints.Create(Job, "second");   // the first still needs the deleted file's chunks
        var stores = new PersistStore.Engine.Stores.StoreService(_backend);
        var before = stores.Summarize();
        Assert.Equal((0L, 0L), (before.UnreferencedChunks, before.UnreferencedBytes));

        // What a writer killed after its pack was indexed leaves: a chunk in a pack that no checkpoint lists.
        using var writer = new PersistStore.Engine.Packs.PackWriter(_backend.Packs, 1 << 20);
        writer.Add(BlobCodec.Encode(TestFiles.RandomBytes(5_000, 99)), BlobKind.Chunk);
        var orphan = writer.Finish();
        _backend.Write(w => w.IndexPack(orphan));
        var after = stores.Summarize();
        Assert.Equal(1L, after.UnreferencedChunks);
        Assert.Equal((long)orphan.Entries[0].Length, after.UnreferencedBytes);
        Assert.Equal(before.Chunks + 1, after.Chunks);
    }

    [Fact]
    public void ACheckpointExportsToAnIdenticalTree()
    {
        TestFiles.Sample(_work);
        var expected = DirectoryImage.Capture(_work);
        var c = _checkpoints.Create(Job, "first");
        Assert.Equal(1, c.Number);
        Assert.Equal(7, c.Files);
        Assert.Equal(new[] { "nightly" }, c.Tags);
        Assert.Equal(1L, c.Properties["p"]);
        Assert.True(c.NewBytes > 0);
        Assert.Equal(expected, DirectoryImage.Capture(Export(c)));
        Assert.Equal(expected, DirectoryImage.Capture(_work));   // reading changed nothing
    }

    [Fact]
    public void AnUnchangedTreeReadsNoFileAndStoresNothingNew()
    {
        TestFiles.Sample(_work);
        var first = _checkpoints.Create(Job, null);
        long blobs = _backend.Read(r => r.Summarize()).StoredBytes;
        var second = _checkpoints.Create(Job, null);
        Assert.Equal(0, second.NewBytes);
        Assert.Equal(first.RootTree, second.RootTree);
        Assert.Equal(1, second.Parent);
        Assert.Equal(blobs, _backend.Read(r => r.Summarize()).StoredBytes);
        Assert.Empty(_restore.Compare(first, second));
    }

    [Fact]
    public void DuplicatesAndInsertionsStoreOnlyASmallFraction()
    {
        var big = TestFiles.RandomBytes(12 * 1024 * 1024, 11);
        TestFiles.Write(Path.Combine(_work, "a.bin"), big);
        var first = _checkpoints.Create(Job, null);
        TestFiles.Write(Path.Combine(_work, "copy-1.bin"), big);
        TestFiles.Write(Path.Combine(_work, "sub", "copy-2.bin"), big);
        var copies = _checkpoints.Create(Job, null);
        Assert.True(copies.NewBytes < 4096, $"copies stored {copies.NewBytes} new bytes");
        var shifted = big.Take(6_000_000).Concat(TestFiles.RandomBytes(1000, 12)).Concat(big.Skip(6_000_000)).ToArray();
        TestFiles.Write(Path.Combine(_work, "a.bin"), shifted);
        var inserted = _checkpoints.Create(Job, null);
        Assert.True(inserted.NewBytes < big.Length / 8, $"an insertion stored {inserted.NewBytes} of {big.Length} bytes");
        Assert.True(first.NewBytes >= big.Length);
    }

    [Fact]
    public void RevertMakesTheTreeIdenticalAndTheRevertCanItselfBeReverted()
    {
        TestFiles.Sample(_work);
        var original = DirectoryImage.Capture(_work, withDirectoryTimes: false);
        var c1 = _checkpoints.Create(Job, "good");
        File.WriteAllText(Path.Combine(_work, "readme.txt"), "changed");
        File.Delete(Path.Combine(_work, "data", "log.txt"));
        TestFiles.Write(Path.Combine(_work, "new", "extra.txt"), TestFiles.TextBytes(10, 9));
        Directory.Delete(Path.Combine(_work, "empty-dir"));
        File.SetUnixFileMode(Path.Combine(_work, "scripts", "run.sh"), UnixFileMode.UserRead);
        File.Delete(Path.Combine(_work, "link-to-readme"));
        File.WriteAllText(Path.Combine(_work, "link-to-readme"), "now a file");
        new RunService(_backend).Update(Job, new RunChanges { Properties = new System.Collections.Generic.Dictionary<string, object?> { ["p"] = 2 } });
        new RunService(_backend).SetTags(Job, new[] { "changed" }, append: false);
        var mutated = DirectoryImage.Capture(_work, withDirectoryTimes: false);

        var plan = _restore.Revert(Job, 1, includeTags: false, planOnly: true);
        Assert.Equal(mutated, DirectoryImage.Capture(_work, withDirectoryTimes: false));   // planning changed nothing
        Assert.Contains(plan.Changes, c => c.Path == "new" && c.Change == ChangeKind.Added);
        Assert.Contains(plan.Changes, c => c.Path == "data/log.txt" && c.Change == ChangeKind.Removed);
        Assert.Contains(plan.Changes, c => c.Path == "readme.txt" && c.Change == ChangeKind.Modified);
        Assert.Contains(plan.Changes, c => c.Path == "scripts/run.sh" && c.Detail == "mode");
        Assert.Null(plan.Safety);

        var result = _restore.Revert(Job, 1, includeTags: false, planOnly: false);
        Assert.Equal(original, DirectoryImage.Capture(_work, withDirectoryTimes: false));
        Assert.Equal(2, result.Safety!.Number);
        Assert.Equal(CheckpointKinds.Safety, result.Safety.Kind);
        Assert.Equal(1L, result.Run.Properties["p"]);
        Assert.Equal(new[] { "changed" }, result.Run.Tags);

        _restore.Revert(Job, 2, includeTags: true, planOnly: false);
        Assert.Equal(mutated, DirectoryImage.Capture(_work, withDirectoryTimes: false));
        var run = new RunService(_backend).Get(Job);
        Assert.Equal(2L, run.Properties["p"]);
        Assert.Equal(new[] { "changed" }, run.Tags);
        Assert.Equal(new[] { 1, 2, 3 }, _checkpoints.List(Job).Select(c => c.Number));
    }

    [Fact]
    public void RevertRewritesOnlyFilesThatDifferAndLeavesEveryOtherPathUntouched()
    {
        TestFiles.Sample(_work);
        _checkpoints.Create(Job, null);
        File.WriteAllText(Path.Combine(_work, "readme.txt"), "changed");
        var before = FileIdentity.Capture(_work);
        var result = _restore.Revert(Job, 1, false, false);
        Assert.Equal(new[] { "readme.txt" }, result.Changes.Select(c => c.Path));
        var after = FileIdentity.Capture(_work);
        // Same inode and change time: not rewritten, and not even chmod-ed or touched (either moves the change time).
        foreach (var (path, identity) in before.Where(p => p.Key != "readme.txt" && p.Key != "."))
            Assert.Equal((path, identity), (path, after[path]));
        Assert.NotEqual(before["readme.txt"].Inode, after["readme.txt"].Inode);   // replaced by rename, not written in place
        Assert.Equal(DirectoryImage.Capture(Export(_checkpoints.Get(Job, 1))), DirectoryImage.Capture(_work));
    }

    [Fact]
    public void AFifoIsRecordedAsAnEmptyFileAndNeverOpened()
    {
        TestFiles.Write(Path.Combine(_work, "a.txt"), TestFiles.TextBytes(100, 1));
        string fifo = Path.Combine(_work, "pipe");
        using (var mkfifo = System.Diagnostics.Process.Start("mkfifo", fifo)!) mkfifo.WaitForExit();
        // A writer waits for a reader: a checkpoint that opened the FIFO would read its line, let it end, and not hang.
        var psi = new System.Diagnostics.ProcessStartInfo("sh");
        psi.ArgumentList.Add("-c");
        psi.ArgumentList.Add("echo x > \"$0\"");
        psi.ArgumentList.Add(fifo);
        using var writer = System.Diagnostics.Process.Start(psi)!;
        try
        {
            var record = _checkpoints.Create(Job, null);
            Assert.False(writer.HasExited, "the checkpoint opened the FIFO");
            Assert.Equal(2, record.Files);
            string exported = Export(record);
            Assert.Equal(0, new FileInfo(Path.Combine(exported, "pipe")).Length);
            Assert.Equal("a.txt pipe", string.Join(" ", Directory.GetFiles(exported).Select(Path.GetFileName).OrderBy(n => n, StringComparer.Ordinal)));
        }
        finally { writer.Kill(); }
    }

    [Fact]
    public void RevertOfAMutatedSubfolderRestoresItAndItsTimesExactly()
    {
        TestFiles.Sample(_work);
        var first = _checkpoints.Create(Job, null);
        var expected = DirectoryImage.Capture(_work);
        string folder = Path.Combine(_work, "data");
        File.WriteAllText(Path.Combine(folder, "new.txt"), "new");
        File.Delete(Directory.GetFiles(folder).First(f => !f.EndsWith("new.txt", StringComparison.Ordinal)));
        Directory.CreateDirectory(Path.Combine(_work, "extra", "deeper"));
        var result = _restore.Revert(Job, first.Number, false, false);
        Assert.Contains(result.Changes, c => c.Path == "data/new.txt" && c.Change == ChangeKind.Added);
        Assert.Contains(result.Changes, c => c.Path == "extra" && c.Change == ChangeKind.Added);
        Assert.Equal(expected, DirectoryImage.Capture(_work));   // includes the folders' own modification times
    }

    [Fact]
    public void RevertReplacesASymlinkWhereTheCheckpointHasAFolderAndNeverWritesThroughIt()
    {
        TestFiles.Write(Path.Combine(_work, "data", "settings.txt"), TestFiles.TextBytes(100, 1));
        var expected = DirectoryImage.Capture(_work, withDirectoryTimes: false);
        _checkpoints.Create(Job, null);
        string outside = Directory.CreateDirectory(Path.Combine(_store.Folder, "outside")).FullName;
        Directory.Delete(Path.Combine(_work, "data"), recursive: true);
        Directory.CreateSymbolicLink(Path.Combine(_work, "data"), outside);

        _restore.Revert(Job, 1, includeTags: false, planOnly: false);

        Assert.Empty(Directory.GetFileSystemEntries(outside));
        Assert.Equal(expected, DirectoryImage.Capture(_work, withDirectoryTimes: false));
        Assert.Null(new DirectoryInfo(Path.Combine(_work, "data")).LinkTarget);
    }

    [Fact]
    public void CompareAgainstTheLiveFolderIgnoresTouchedButIdenticalFiles()
    {
        TestFiles.Sample(_work);
        var c = _checkpoints.Create(Job, null);
        File.SetLastWriteTimeUtc(Path.Combine(_work, "readme.txt"), DateTime.UtcNow);
        Assert.Empty(_restore.CompareWithLive(c, _work));
        File.AppendAllText(Path.Combine(_work, "readme.txt"), "!");
        Assert.Equal(new[] { new PathChange("readme.txt", ChangeKind.Modified, EntryKind.File, "content") }, _restore.CompareWithLive(c, _work));
    }

    [Fact]
    public void ExportRefusesNonEmptyAndSymlinkedDestinations()
    {
        TestFiles.Sample(_work);
        var c = _checkpoints.Create(Job, null);
        string busy = Directory.CreateDirectory(Path.Combine(_store.Folder, "busy")).FullName;
        File.WriteAllText(Path.Combine(busy, "keep.txt"), "mine");
        Assert.Equal("DestinationNotEmpty", Assert.Throws<PersistStoreException>(() => _restore.Export(c, busy)).ErrorId);
        Assert.Equal(new[] { "keep.txt" }, Directory.GetFileSystemEntries(busy).Select(Path.GetFileName));

        string real = Directory.CreateDirectory(Path.Combine(_store.Folder, "real")).FullName;
        string link = Path.Combine(_store.Folder, "linked");
        Directory.CreateSymbolicLink(link, real);
        Assert.Equal("DestinationThroughSymlink", Assert.Throws<PersistStoreException>(() => _restore.Export(c, Path.Combine(link, "out"))).ErrorId);
        Assert.Empty(Directory.GetFileSystemEntries(real));
    }

    [Theory]
    [InlineData("..")]
    [InlineData("../escape")]
    [InlineData("/etc/passwd")]
    [InlineData("C:evil")]
    public void HandCraftedEntriesThatEscapeAreRefusedAndNothingIsWrittenOutside(string name)
    {
        var payload = BlobCodec.Encode(new byte[] { 1, 2, 3 });
        var c = InsertCheckpoint(payload, HandCraftedTree(name, payload.Id), "mallory@x");
        string target = Path.Combine(_store.Folder, "nest", "export");
        var e = Assert.Throws<PersistStoreException>(() => _restore.Export(c, target));
        Assert.True(e.ErrorId is "UnsafeEntryName" or "TreeDamaged", e.ErrorId);
        Assert.Empty(Directory.GetFileSystemEntries(target));
        Assert.Equal(new[] { "export" }, Directory.GetFileSystemEntries(Path.Combine(_store.Folder, "nest")).Select(Path.GetFileName));
    }

    /// <summary>The tree byte format written by hand, bypassing the encoder's own name check.</summary>
    /// <summary>Checkpoint 1 of the run, written as rows by hand: one chunk and a hand-made root listing.</summary>
    private CheckpointRecord InsertCheckpoint(EncodedBlob chunk, byte[] rootTree, string createdBy)
    {
        var tree = BlobCodec.Encode(rootTree);
        var run = new RunService(_backend).Get(Job);
        _backend.Write(w =>
        {
            w.PutBlobs(new[] { (chunk, BlobKind.Chunk), (tree, BlobKind.Tree) });
            w.InsertCheckpoint(new CheckpointRecord { RunId = run.Id, RunName = run.Name, Number = 1, RootTree = tree.Id, CreatedAt = DateTime.UtcNow, CreatedBy = createdBy });
            return 0;
        });
        return _checkpoints.Get(Job, 1);
    }

    private static byte[] HandCraftedTree(string name, BlobId chunk) => VersionOneTree(name, 420, DateTime.UtcNow, 3, chunk);

    /// <summary>A one-file listing in tree version 1 (before inode and change time were recorded).</summary>
    private static byte[] VersionOneTree(string name, int mode, DateTime modifiedUtc, long size, BlobId chunk)
    {
        using var stream = new MemoryStream();
        using var w = new BinaryWriter(stream);
        w.Write((byte)1);
        w.Write(1);
        w.Write((byte)EntryKind.File);
        w.Write(name);
        w.Write(mode);
        w.Write(modifiedUtc.Ticks);
        w.Write(size);
        w.Write(1);
        w.Write(chunk.ToArray());
        w.Flush();
        return stream.ToArray();
    }

    [Fact]
    public void AVersionOneListingStillRestoresAndItsUnchangedFilesAreNotReadAgain()
    {
        var content = TestFiles.TextBytes(5000, 9);
        var time = new DateTime(2024, 5, 6, 7, 8, 9, DateTimeKind.Utc);
        TestFiles.Write(Path.Combine(_work, "a.txt"), content, time, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        var chunk = BlobCodec.Encode(content);
        var old = InsertCheckpoint(chunk, VersionOneTree("a.txt", 0b110_000_000, time, content.Length, chunk.Id), "old@x");
        Assert.Equal(DirectoryImage.Capture(_work, withDirectoryTimes: false), DirectoryImage.Capture(Export(old), withDirectoryTimes: false));

        var next = _checkpoints.Create(Job, null);
        var entry = _backend.Read(r => r.QueryHistory(new HistoryFilter())).Last();
        Assert.EndsWith(", 0 files read", entry.Details);   // size and time match, and there is no stamp to compare
        Assert.NotEqual(old.RootTree, next.RootTree);   // a new listing records the stamp, so the next checkpoint has one
        int stored = -1;
        Assert.True(_backend.Read(r => r.ReadBlob(next.RootTree, (_, _, data) => stored = data.Length)));
        Assert.Equal(next.NewBytes, stored);   // and it is all that was stored
        Assert.Empty(_restore.Compare(old, next));
    }

    [Fact]
    public void ARewriteThatKeepsSizeAndTimeIsStillCheckpointedAndReverted()
    {
        string path = Path.Combine(_work, "same-size.txt");
        var time = new DateTime(2024, 5, 6, 7, 8, 9, DateTimeKind.Utc);
        TestFiles.Write(path, TestFiles.TextBytes(4000, 1), time);
        var first = _checkpoints.Create(Job, null);
        var original = DirectoryImage.Capture(_work);

        TestFiles.Write(path, TestFiles.TextBytes(4000, 2), time);   // same size, modification time put back
        var second = _checkpoints.Create(Job, null);
        Assert.Equal(new[] { "same-size.txt" }, _restore.Compare(first, second).Select(c => c.Path));
        Assert.Equal(DirectoryImage.Capture(_work), DirectoryImage.Capture(Export(second)));

        Assert.Equal(new[] { "same-size.txt" }, _restore.CompareWithLive(first, _work).Select(c => c.Path));
        var result = _restore.Revert(Job, first.Number, false, false);
        Assert.Equal(new[] { "same-size.txt" }, result.Changes.Select(c => c.Path));
        Assert.Equal(original, DirectoryImage.Capture(_work));
    }

    [Fact]
    public async System.Threading.Tasks.Task AFileThatKeepsChangingWhileReadIsReportedAndNoCheckpointIsRecorded()
    {
        string path = Path.Combine(_work, "growing.log");
        TestFiles.Write(path, TestFiles.RandomBytes(24 << 20, 3));
        using var stop = new System.Threading.CancellationTokenSource();
        var writer = System.Threading.Tasks.Task.Run(() =>
        {
            using var stream = new FileStream(path, FileMode.Append, FileAccess.Write, FileShare.ReadWrite);
            while (!stop.IsCancellationRequested)
            {
                stream.WriteByte(42);
                stream.Flush();
                System.Threading.Thread.Sleep(1);
            }
        });
        long initial = 24 << 20;
        while (new FileInfo(path).Length < initial + 10) System.Threading.Thread.Sleep(1);   // the writer is running
        var reported = new System.Collections.Concurrent.ConcurrentBag<PersistStoreException>();
        var refused = Assert.Throws<PersistStoreException>(() => _checkpoints.Create(Job, null, report: reported.Add));
        stop.Cancel();
        await writer;
        Assert.Equal("CheckpointRefused", refused.ErrorId);
        var changed = Assert.Single(reported);
        Assert.Equal("FileChangedWhileReading", changed.ErrorId);
        Assert.Equal(path, changed.Target);
        Assert.Empty(_checkpoints.List(Job));

        var quiet = _checkpoints.Create(Job, null);   // once the writer stops, the same file is recorded whole
        string target = Export(quiet);
        Assert.Equal(File.ReadAllBytes(path), File.ReadAllBytes(Path.Combine(target, "growing.log")));
    }

    [Fact]
    public void BadInputIsRefusedClearly()
    {
        Assert.Equal("CheckpointNotFound", Assert.Throws<PersistStoreException>(() => _checkpoints.Get(Job, 7)).ErrorId);
        Assert.Equal("CheckpointNotFound", Assert.Throws<PersistStoreException>(() => _checkpoints.Get(Job, null)).ErrorId);
        Directory.Delete(_work);
        Assert.Equal("RunPathNotFound", Assert.Throws<PersistStoreException>(() => _checkpoints.Create(Job, null)).ErrorId);
        File.WriteAllText(_work, "a file where the folder was");
        Assert.Equal("RunPathIsFile", Assert.Throws<PersistStoreException>(() => _checkpoints.Create(Job, null)).ErrorId);
        Assert.Empty(_checkpoints.List(Job));
        new RunService(_backend).Create(new NewRunRequest { Name = "pathless" });
        Assert.Equal("RunHasNoPath", Assert.Throws<PersistStoreException>(() => _checkpoints.Create(RunRef.Parse("pathless"), null)).ErrorId);
    }
}
