using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using PersistStore.Engine.Chunking;
using PersistStore.Engine.Compression;
using PersistStore.Engine.Errors;
using PersistStore.Engine.Model;
using PersistStore.Engine.Storage;
using PersistStore.Engine.Trees;

namespace PersistStore.Engine.Snapshots
{
    /// <summary>What a checkpoint's content came to.</summary>
    public sealed record SnapshotResult(BlobId RootTree, long Files, long Directories, long LogicalBytes, long NewBytes, long FilesRead);

    public readonly struct SnapshotProgress
    {
        public SnapshotProgress(long filesDone, long filesToRead, long bytesDone, long bytesToRead)
        {
            FilesDone = filesDone;
            FilesToRead = filesToRead;
            BytesDone = bytesDone;
            BytesToRead = bytesToRead;
        }

        public long FilesDone { get; }
        public long FilesToRead { get; }
        public long BytesDone { get; }
        public long BytesToRead { get; }
    }

    /// <summary>
    /// Turns a scanned directory into stored trees: files whose size, modification time and change stamp (inode and
    /// change time, where known) match the parent checkpoint keep its chunk list without being read; the others are chunked on all cores; trees are then
    /// written bottom-up, so an unchanged subtree produces the same id and costs nothing.
    /// </summary>
    internal sealed class TreeBuilder
    {
        private readonly IStoreBackend _store;
        private readonly FastCdc _cdc;
        private readonly Action<PersistStoreException> _report;
        private readonly Dictionary<FileSystemEntry, IReadOnlyList<BlobId>> _chunks = new Dictionary<FileSystemEntry, IReadOnlyList<BlobId>>();
        private readonly ConcurrentDictionary<BlobId, byte> _known = new ConcurrentDictionary<BlobId, byte>();
        /// <summary>Folders identical to the parent checkpoint's: their stored tree is reused as it is.</summary>
        private readonly Dictionary<FileSystemEntry, BlobId> _unchanged = new Dictionary<FileSystemEntry, BlobId>();

        public TreeBuilder(IStoreBackend store, FastCdc cdc, Action<PersistStoreException> report)
        {
            _store = store;
            _cdc = cdc;
            _report = report;
        }

        public SnapshotResult Build(FileSystemEntry root, BlobId? parentRoot, IProgress<SnapshotProgress>? progress, CancellationToken cancel)
        {
            var toRead = new List<FileSystemEntry>();
            if (parentRoot == null) Match(null, root, null, null, toRead, cancel);
            else
            {
                var parentTrees = TreeStore.LoadAll(_store, parentRoot.Value, cancel);
                Match(parentTrees, root, parentRoot, parentTrees[parentRoot.Value], toRead, cancel);
            }
            using var writer = new BlobWriter(_store, cancel);
            var chunker = new FileChunker(_cdc, writer, _known, _report);
            long bytesToRead = toRead.Sum(f => f.Size), filesDone = 0, bytesDone = 0;
            var results = new ConcurrentDictionary<FileSystemEntry, IReadOnlyList<BlobId>?>();
            bool failed = false;
            // Largest files first, so one big file does not run alone at the end while the other core idles.
            Parallel.ForEach(toRead.OrderByDescending(f => f.Size), new ParallelOptions { MaxDegreeOfParallelism = Environment.ProcessorCount, CancellationToken = cancel }, file =>
            {
                var chunks = chunker.Chunk(file, cancel);
                if (chunks == null) Volatile.Write(ref failed, true);
                results[file] = chunks;
                progress?.Report(new SnapshotProgress(Interlocked.Increment(ref filesDone), toRead.Count, Interlocked.Add(ref bytesDone, file.Size), bytesToRead));
            });
            if (failed)
                throw new PersistStoreException("CheckpointRefused", ErrorKind.InvalidOperation, root.FullPath,
                    $"No checkpoint was recorded for '{root.FullPath}': some files could not be read completely (see the errors before this one). Nothing in the store changed that a checkpoint refers to.");
            foreach (var kv in results) _chunks[kv.Key] = kv.Value!;
            long files = 0, dirs = 0, logical = 0;
            var rootId = WriteTree(root, writer, ref files, ref dirs, ref logical);
            writer.Complete();
            return new SnapshotResult(rootId, files, dirs, logical, writer.NewBytes, toRead.Count);
        }

        /// <summary>
        /// Pairs each scanned entry with the parent checkpoint's: files that match keep their chunks unread, and a
        /// folder whose every entry matches (recursively) keeps its stored tree. Returns whether dir is unchanged.
        /// </summary>
        private bool Match(IReadOnlyDictionary<BlobId, Tree>? parentTrees, FileSystemEntry dir, BlobId? parentId, Tree? parent, List<FileSystemEntry> toRead, CancellationToken cancel)
        {
            cancel.ThrowIfCancellationRequested();
            var previous = parent?.Entries.ToDictionary(e => e.Name, StringComparer.Ordinal);
            bool unchanged = parent != null && parent.Entries.Count == dir.Children.Count;
            foreach (var child in dir.Children)
            {
                TreeEntry? old = null;
                previous?.TryGetValue(child.Name, out old);
                bool same = old != null && old.Kind == child.Kind && old.Mode == child.Mode && old.ModifiedUtc == child.ModifiedUtc;
                switch (child.Kind)
                {
                    case EntryKind.File:
                        if (old != null && old.Kind == EntryKind.File && old.Size == child.Size && old.ModifiedUtc == child.ModifiedUtc && old.Stamp.Allows(child.Stamp))
                        {
                            _chunks[child] = old.Chunks;
                            foreach (var c in old.Chunks) _known.TryAdd(c, 0);
                            // Content unchanged, but a stamp the old listing lacks (made before stamps were
                            // recorded) is worth a new listing: the next checkpoint can then compare it.
                            same = same && old.Stamp.Equals(child.Stamp);
                        }
                        else
                        {
                            toRead.Add(child);
                            same = false;
                        }
                        break;
                    case EntryKind.Directory:
                        var oldTree = old?.Kind == EntryKind.Directory ? old.Subtree : null;
                        bool subtreeSame = Match(parentTrees, child, oldTree, oldTree == null ? null : parentTrees![oldTree.Value], toRead, cancel);
                        same = same && subtreeSame;
                        break;
                    case EntryKind.Symlink:
                        same = same && old!.LinkTarget == child.LinkTarget;
                        break;
                }
                unchanged &= same;
            }
            if (unchanged && parentId != null)
            {
                _unchanged[dir] = parentId.Value;
                _known.TryAdd(parentId.Value, 0);
            }
            return unchanged && parentId != null;
        }

        private BlobId WriteTree(FileSystemEntry dir, BlobWriter writer, ref long files, ref long dirs, ref long logical)
        {
            if (_unchanged.TryGetValue(dir, out var kept))
            {
                Count(dir, ref files, ref dirs, ref logical);
                return kept;
            }
            var entries = new List<TreeEntry>(dir.Children.Count);
            foreach (var child in dir.Children)
            {
                var entry = new TreeEntry { Name = child.Name, Kind = child.Kind, Mode = child.Mode, ModifiedUtc = child.ModifiedUtc, Size = child.Size };
                switch (child.Kind)
                {
                    case EntryKind.File:
                        entry.Chunks = _chunks[child];
                        entry.Stamp = child.Stamp;
                        files++;
                        logical += child.Size;
                        break;
                    case EntryKind.Directory:
                        entry.Subtree = WriteTree(child, writer, ref files, ref dirs, ref logical);
                        dirs++;
                        break;
                    case EntryKind.Symlink:
                        entry.LinkTarget = child.LinkTarget;
                        break;
                }
                entries.Add(entry);
            }
            var blob = BlobCodec.Encode(TreeCodec.Encode(new Tree(entries)));
            if (_known.TryAdd(blob.Id, 0)) writer.Add(blob, BlobKind.Tree);
            return blob.Id;
        }

        private static void Count(FileSystemEntry dir, ref long files, ref long dirs, ref long logical)
        {
            foreach (var child in dir.Children)
            {
                if (child.Kind == EntryKind.File)
                {
                    files++;
                    logical += child.Size;
                }
                else if (child.Kind == EntryKind.Directory)
                {
                    dirs++;
                    Count(child, ref files, ref dirs, ref logical);
                }
            }
        }
    }
}
