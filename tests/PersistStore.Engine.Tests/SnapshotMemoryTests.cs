using System;
using System.Collections.Generic;
using System.IO;
using PersistStore.Engine.Chunking;
using PersistStore.Engine.Snapshots;
using PersistStore.Tests.Shared;
using Xunit;

namespace PersistStore.Engine.Tests;

/// <summary>
/// A checkpoint holds the folders it has open, not the tree: the walker runs ahead of the readers by a short
/// queue, and a folder's entries are dropped once its listing is written. Counted in entries, so the bound is
/// exact and independent of the machine (two walkers and two readers here).
/// </summary>
public class SnapshotMemoryTests : IDisposable
{
    private const int Tops = 20, Subs = 10, FilesPerSub = 5, Parallelism = 2;
    private readonly TestStore _store = new();

    public void Dispose() => _store.Dispose();

    [Fact]
    public void OnlyOpenFoldersAreHeldWhateverTheTreeSize()
    {
        string root = Directory.CreateDirectory(Path.Combine(_store.Folder, "wide")).FullName;
        for (int a = 0; a < Tops; a++)
            for (int b = 0; b < Subs; b++)
                for (int f = 0; f < FilesPerSub; f++)
                    TestFiles.Write(Path.Combine(root, $"a{a:D2}", $"b{b}", $"f{f}.txt"), TestFiles.TextBytes(1000 + f, a * 100 + b * 10 + f));
        const long entries = Tops + Tops * Subs + Tops * Subs * FilesPerSub;   // 1,220
        var backend = _store.Open();
        var reports = new List<SnapshotProgress>();
        var progress = new Collect(reports);

        var first = new SnapshotBuilder(backend, new FastCdc(), e => throw e, Parallelism).Build(root, null, progress, default);
        // Root, every top folder (each may wait for a subfolder), and the subfolders of queued, read or walked files.
        long firstBound = Tops + Tops * Subs + (SnapshotBuilder.QueuedFiles + 2 * Parallelism) * FilesPerSub;
        Assert.Equal(Tops * Subs * FilesPerSub, first.Files);
        Assert.Equal(Tops + Tops * Subs, first.Directories);
        Assert.Equal(first.Files, first.FilesRead);
        Assert.InRange(first.PeakEntriesHeld, Tops, firstBound);
        Assert.True(firstBound < entries / 2, "the tree must be large enough for the bound to mean something");
        lock (reports)
        {
            Assert.Equal(first.Files, reports[^1].FilesDone);
            Assert.Equal(first.LogicalBytes, reports[^1].BytesDone);
            Assert.Equal(first.Files, reports[^1].FilesRead);
        }

        // Nothing changed: nothing is queued, so only the walkers' paths are open (root, one top and one subfolder each).
        var second = new SnapshotBuilder(backend, new FastCdc(), e => throw e, Parallelism).Build(root, first.RootTree, null, default);
        Assert.Equal(first.RootTree, second.RootTree);
        Assert.Equal(0, second.FilesRead);
        Assert.InRange(second.PeakEntriesHeld, Tops, Tops + Parallelism * (Subs + FilesPerSub));
    }

    private sealed class Collect : IProgress<SnapshotProgress>
    {
        private readonly List<SnapshotProgress> _into;
        public Collect(List<SnapshotProgress> into) => _into = into;
        public void Report(SnapshotProgress value) { lock (_into) _into.Add(value); }
    }
}
