using System;
using System.IO;
using System.Linq;
using PersistStore.Engine.Checkpoints;
using PersistStore.Engine.Errors;
using PersistStore.Engine.Restore;
using PersistStore.Engine.Runs;
using PersistStore.Engine.Storage;
using PersistStore.Tests.Shared;
using Xunit;

namespace PersistStore.Engine.Tests;

/// <summary>
/// A revert reads and checks everything it will write before it changes the run's folder, and the module's own
/// temp files are never content: not checkpointed, not reported, removed by the next revert.
/// </summary>
[Trait("Backends", "Both")]
public sealed class RevertSafetyTests : IDisposable
{
    private readonly TestStore _store = new();
    private readonly IStoreBackend _backend;
    private readonly string _work;

    public RevertSafetyTests()
    {
        _backend = _store.Open();
        _work = Directory.CreateDirectory(Path.Combine(_store.Folder, "work")).FullName;
        new RunService(_backend).Create(new NewRunRequest { Name = "job", Path = _work });
    }

    public void Dispose() => _store.Dispose();

    private static RunRef Job => RunRef.Parse("job");

    [Fact]
    public void ADamagedChunkStopsTheRevertBeforeAnyFileChanges()
    {
        for (int i = 0; i < 6; i++) TestFiles.Write(Path.Combine(_work, $"sub{i % 2}", $"f{i}.bin"), TestFiles.RandomBytes(200_000, i));
        new CheckpointService(_backend).Create(Job, "good");
        // Local edits to every file, and one file more: a revert would rewrite all six and remove the seventh.
        for (int i = 0; i < 6; i++) TestFiles.Write(Path.Combine(_work, $"sub{i % 2}", $"f{i}.bin"), TestFiles.RandomBytes(1000, 100 + i));
        TestFiles.Write(Path.Combine(_work, "extra.txt"), TestFiles.TextBytes(100, 7));
        var edited = DirectoryImage.Capture(_work);

        // Flip a byte in the middle of the one pack: one of the six files' chunks no longer matches its id.
        string pack = _backend.Packs.List().Single();
        byte[] bytes = _store.ReadPack(_backend, pack);
        bytes[bytes.Length / 3] ^= 0x40;
        _store.WritePack(_backend, pack, bytes);   // closes the store's handles to the file as it was

        var e = Assert.ThrowsAny<PersistStoreException>(() => new RestoreService(_backend).Revert(Job, 1, includeTags: false, planOnly: false));
        Assert.Equal("BlobDamaged", e.ErrorId);
        Assert.Matches(@"f\d\.bin' was not written", e.Message);
        Assert.Equal(edited, DirectoryImage.Capture(_work));   // every edit and the extra file as they were, no temp file left
    }

    [Fact]
    public void OwnTempFilesAreNeverCheckpointedNorReportedAndTheNextRevertRemovesThem()
    {
        TestFiles.Write(Path.Combine(_work, "a.txt"), TestFiles.TextBytes(1000, 1));
        TestFiles.Write(Path.Combine(_work, "sub", "b.txt"), TestFiles.TextBytes(1000, 2));
        var checkpoints = new CheckpointService(_backend);
        var good = checkpoints.Create(Job, "good");
        var clean = DirectoryImage.Capture(_work, withDirectoryTimes: false);

        // What a killed revert leaves: a staging folder in the run's folder, and a temp file next to a file it wrote.
        TestFiles.Write(Path.Combine(_work, ".persiststore-stage-0123.tmp", "0"), TestFiles.TextBytes(10, 3));
        TestFiles.Write(Path.Combine(_work, "sub", ".persiststore-4567.tmp"), TestFiles.TextBytes(10, 4));
        TestFiles.Write(Path.Combine(_work, "sub", "b.txt"), TestFiles.TextBytes(1000, 5));   // the file it was writing

        var second = checkpoints.Create(Job, "with leftovers");
        var restore = new RestoreService(_backend);
        Assert.Equal(new[] { "sub/b.txt" }, restore.Compare(good, second).Select(c => c.Path));
        Assert.Equal(new[] { "sub/b.txt" }, restore.CompareWithLive(good, _work).Select(c => c.Path));
        string export = Path.Combine(_store.Folder, "export");
        restore.Export(second, export);
        Assert.Empty(Directory.GetFileSystemEntries(export, ".persiststore-*", SearchOption.AllDirectories));

        var result = restore.Revert(Job, 1, includeTags: false, planOnly: false);
        Assert.Equal(new[] { "sub/b.txt" }, result.Changes.Select(c => c.Path));
        Assert.Equal(clean, DirectoryImage.Capture(_work, withDirectoryTimes: false));   // hidden files included: the leftovers are gone
    }
}
