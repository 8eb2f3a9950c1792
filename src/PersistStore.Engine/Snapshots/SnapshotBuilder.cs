using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.IO;
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
    /// <summary>
    /// Turns a run's directory into stored trees in one pass. The walker lists one folder at a time (depth first)
    /// and pairs it with the parent checkpoint's listing of that folder: files whose size, modification time and
    /// change stamp (inode and change time, where known) match keep their chunk list unread; the others go to
    /// readers on all cores through a short queue. A folder's listing is written by whichever thread settles its
    /// last file or subfolder, and a folder identical to the parent checkpoint's keeps its stored listing, so an
    /// unchanged subtree costs nothing. Memory holds the open folders (the walker's path and the folders of queued
    /// files), never the whole tree: the queue bounds how far the walker runs ahead of the readers.
    /// </summary>
    internal sealed class SnapshotBuilder
    {
        /// <summary>Files queued ahead of the readers: enough to keep every core busy between the walker's folders.</summary>
        internal const int QueuedFiles = 64;
        /// <summary>
        /// How long a checkpoint runs before its folder is counted for progress totals. A nothing-changed checkpoint
        /// of the benchmark's 20,000 files takes 0.2-0.35 s on this machine: a count started at 250 ms ran beside
        /// the slower ones (run 18: 0.29-0.34 s), competing with their walk for the two cores.
        /// </summary>
        private static readonly TimeSpan CountAfter = TimeSpan.FromSeconds(1);
        private readonly int _parallelism;
        private readonly IStoreBackend _store;
        private readonly FastCdc _cdc;
        private readonly Action<PersistStoreException> _report;
        private readonly ConcurrentDictionary<BlobId, byte> _known = new ConcurrentDictionary<BlobId, byte>();
        // Reference types in the generic collections: instantiations over value tuples are compiled at run time
        // (ReadyToRun code is shared only for reference types), a cost every short checkpoint would pay.
        private readonly BlockingCollection<QueuedFile> _queue = new BlockingCollection<QueuedFile>(QueuedFiles);
        private BlobWriter? _writer;
        private FileChunker? _chunker;
        private IProgress<SnapshotProgress>? _progress;
        private DirectoryTally? _tally;
        private BlobId _root;
        private readonly object _advanceLock = new object();
        private long _filesDone, _bytesDone, _filesRead, _held, _peakHeld;
        private int _failed, _walkers = 1;

        /// <param name="parallelism">Readers, and threads walking at once (default: one per core).</param>
        public SnapshotBuilder(IStoreBackend store, FastCdc cdc, Action<PersistStoreException> report, int parallelism = 0)
        {
            _parallelism = parallelism > 0 ? parallelism : Environment.ProcessorCount;
            _store = store;
            _cdc = cdc;
            _report = report;
        }

        public SnapshotResult Build(string root, BlobId? parentRoot, IProgress<SnapshotProgress>? progress, CancellationToken cancel)
        {
            var folder = DirectoryLister.Root(root).FullName;
            using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancel);
            using var queue = _queue;
            using var writer = _writer = new BlobWriter(_store, stop.Token);
            using var tally = _tally = progress == null ? null : DirectoryTally.Start(folder, CountAfter, stop.Token);
            _progress = progress;
            _chunker = new FileChunker(_cdc, writer, _known, Fail);
            var readers = Enumerable.Range(0, _parallelism)
                .Select(_ => Task.Factory.StartNew(() => ReadQueued(stop), CancellationToken.None, TaskCreationOptions.LongRunning, TaskScheduler.Default))
                .ToList();
            var errors = new List<Exception>();
            // One read for both: the marks are needed before the parent's listing is trusted.
            var parent = _store.Read(r =>
            {
                _damaged = new HashSet<BlobId>(r.MarkedBlobs().Where(m => m.Mark == BlobMark.Damaged).Select(m => m.Id));
                return parentRoot is BlobId id ? TryLoad(r, id, folder) : null;
            }, stop.Token);
            var top = new FolderNode(folder, null, 0, parent == null ? null : parentRoot) { Listing = parent };
            try
            {
                Walk(top, stop.Token);
            }
            catch (Exception e)
            {
                errors.Add(e);
                stop.Cancel();
            }
            finally { _queue.CompleteAdding(); }
            foreach (var reader in readers)
            {
                try { reader.GetAwaiter().GetResult(); }
                catch (Exception e) { errors.Add(e); }
            }
            // A reader's own failure cancels the walker: report the cause, not the cancellation it caused.
            var error = errors.FirstOrDefault(e => e is not OperationCanceledException) ?? errors.FirstOrDefault();
            if (error != null) System.Runtime.ExceptionServices.ExceptionDispatchInfo.Capture(error).Throw();
            if (Volatile.Read(ref _failed) != 0)
                throw new PersistStoreException("CheckpointRefused", ErrorKind.InvalidOperation, folder,
                    $"No checkpoint was recorded for '{folder}': parts of it could not be read (see the errors before this one). Content stored before that stays in the store unreferenced and is reused by the next checkpoint.");
            writer.Complete();
            return new SnapshotResult(_root, top.Files, top.Directories, top.LogicalBytes, writer.NewBytes, _filesRead, _peakHeld);
        }

        private void Fail(PersistStoreException problem)
        {
            Volatile.Write(ref _failed, 1);
            _report(problem);
        }

        private bool Failed => Volatile.Read(ref _failed) != 0;

        private void Walk(FolderNode folder, CancellationToken stop)
        {
            stop.ThrowIfCancellationRequested();
            try { folder.SetEntries(DirectoryLister.List(folder.Path)); }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException) { Fail(DirectoryLister.Unreadable(folder.Path, e)); }
            Hold(folder.Entries.Count);
            var previous = folder.Listing?.Entries;
            folder.Listing = null;
            var sublistings = LoadSublistings(folder.Path, previous, stop);
            if (previous == null || previous.Count != folder.Entries.Count) folder.MarkChanged();
            long keptFiles = 0, keptBytes = 0;
            var subfolders = new List<FolderNode>();
            int p = 0;
            for (int i = 0; i < folder.Entries.Count; i++)
            {
                var child = folder.Entries[i];
                // Both listings are sorted by name (ordinal): one merge pass pairs them.
                while (previous != null && p < previous.Count && string.CompareOrdinal(previous[p].Name, child.Name) < 0) p++;
                var old = previous != null && p < previous.Count && previous[p].Name == child.Name ? previous[p] : null;
                bool same = old != null && old.Kind == child.Kind && old.Mode == child.Mode && old.ModifiedUtc == child.ModifiedUtc;
                switch (child.Kind)
                {
                    case EntryKind.File:
                        if (old != null && old.Kind == EntryKind.File && old.Size == child.Size && old.ModifiedUtc == child.ModifiedUtc && old.Stamp.Allows(child.Stamp)
                            && (_damaged.Count == 0 || !old.Chunks.Any(_damaged.Contains)))
                        {
                            // Not added to _known: a changed file sharing one of these chunks finds it in the index
                            // anyway, and the set of every kept chunk was 1.5 MB of garbage per nothing-changed
                            // checkpoint of the benchmark tree (its peak memory was 1 MiB over restic's).
                            folder.Chunks[i] = old.Chunks;
                            // Content unchanged, but a stamp the old listing lacks (made before stamps were
                            // recorded) is worth a new listing: the next checkpoint can then compare it.
                            same = same && old.Stamp.Equals(child.Stamp);
                            keptFiles++;
                            keptBytes += child.Size;
                        }
                        else
                        {
                            same = false;
                            if (Failed) break;   // refused anyway: nothing more is read or stored
                            if (child.Size <= _cdc.Min)
                            {
                                // One chunk: read here. Handing each small file to a reader cost more than reading
                                // it (many small files: two thread hand-offs per file, most of the system time
                                // spent in sched_yield); the walkers run on every core anyway.
                                Read(folder, i, stop);
                                break;
                            }
                            folder.AddPending();
                            _queue.Add(new QueuedFile(folder, i), stop);
                        }
                        break;
                    case EntryKind.Directory:
                        folder.AddPending();
                        var oldTree = old?.Kind == EntryKind.Directory ? old.Subtree : null;
                        var inline = old?.Kind == EntryKind.Directory ? old.Inline : null;
                        if (inline == null && oldTree is BlobId unread && !sublistings.ContainsKey(unread)) oldTree = null;   // read in full
                        subfolders.Add(new FolderNode(child.FullPath, folder, i, oldTree, inline) { Listing = inline ?? (oldTree is BlobId sub ? sublistings[sub] : null) });
                        break;
                    case EntryKind.Symlink:
                        same = same && old!.LinkTarget == child.LinkTarget;
                        break;
                }
                if (!same) folder.MarkChanged();
            }
            if (keptFiles > 0) Advance(keptFiles, keptBytes, read: false);
            WalkAll(subfolders, stop);
            Settle(folder);
        }

        /// <summary>
        /// Subfolders on all cores: a walk is one statx per entry, and one thread made the nothing-changed checkpoint
        /// of the benchmark tree 0.03-0.05 s slower than two. A second thread joins a folder's subfolders only while
        /// fewer than `parallelism` threads walk, and counts as walking only until it runs out of subfolders there,
        /// so at most that many paths of open folders are held, however deep the tree, and a thread freed early
        /// (after the small folders next to a large one) can join deeper down.
        /// </summary>
        private void WalkAll(List<FolderNode> subfolders, CancellationToken stop)
        {
            if (subfolders.Count < 2 || !TryAddWalker())
            {
                foreach (var node in subfolders) Walk(node, stop);
                return;
            }
            int caller = Environment.CurrentManagedThreadId, released = 0;
            void Release()
            {
                if (Interlocked.Exchange(ref released, 1) == 0) Interlocked.Decrement(ref _walkers);
            }
            try
            {
                Parallel.ForEach(subfolders, new ParallelOptions { CancellationToken = stop, MaxDegreeOfParallelism = 2 },
                    () => 0, (node, _, none) => { Walk(node, stop); return none; },
                    _ => { if (Environment.CurrentManagedThreadId != caller) Release(); });
            }
            catch (AggregateException e) when (e.InnerExceptions.Count > 0)
            {
                var first = e.InnerExceptions.FirstOrDefault(x => x is not OperationCanceledException) ?? e.InnerExceptions[0];
                System.Runtime.ExceptionServices.ExceptionDispatchInfo.Capture(first).Throw();
            }
            finally { Release(); }
        }

        private bool TryAddWalker()
        {
            for (int walking = Volatile.Read(ref _walkers); walking < _parallelism; walking = Volatile.Read(ref _walkers))
                if (Interlocked.CompareExchange(ref _walkers, walking + 1, walking) == walking) return true;
            return false;
        }

        /// <summary>Counts entries held by open folders, and the most held at once.</summary>
        private void Hold(long entries)
        {
            long held = Interlocked.Add(ref _held, entries), peak;
            while (held > (peak = Interlocked.Read(ref _peakHeld)) && Interlocked.CompareExchange(ref _peakHeld, held, peak) != peak) { }
        }

        /// <summary>
        /// The parent checkpoint's listings of a folder's subfolders, in one read (a connection and a transaction
        /// each): 44 reads for the benchmark tree instead of one per folder, 448.
        /// </summary>
        private Dictionary<BlobId, Tree> LoadSublistings(string folder, IReadOnlyList<TreeEntry>? previous, CancellationToken stop)
        {
            var subfolders = previous?.Where(e => e.Subtree != null && e.Inline == null).ToList();   // inline ones are here already
            if (subfolders == null || subfolders.Count == 0) return new Dictionary<BlobId, Tree>();
            return _store.Read(r =>
            {
                var loaded = new Dictionary<BlobId, Tree>();
                foreach (var e in subfolders)
                    if (!loaded.ContainsKey(e.Subtree!.Value) && TryLoad(r, e.Subtree.Value, Path.Combine(folder, e.Name)) is Tree tree) loaded[e.Subtree.Value] = tree;
                return loaded;
            }, stop);
        }

        /// <summary>
        /// The parent checkpoint's listing of a folder, or null when it cannot be read: the folder is then read in full
        /// and gets a fresh listing, with a warning, so a damaged listing never blocks the checkpoints after it.
        /// </summary>
        private Tree? TryLoad(IStoreReader reader, BlobId id, string folder)
        {
            try
            {
                if (_damaged.Contains(id)) throw new StoreFormatException("BlobDamaged", id.ToString(), $"The directory listing {id} is marked damaged.");
                return TreeStore.Load(reader, id);
            }
            catch (StoreFormatException e) when (e.ErrorId is "TreeMissing" or "BlobDamaged" or "PackDamaged" or "PackMissing")
            {
                _report(new PersistStoreWarning("ParentListingUnreadable", folder,
                    $"The previous checkpoint's listing of '{folder}' cannot be read ({e.Message.TrimEnd('.')}). This checkpoint reads that folder in full and stores a fresh listing; Test-PersistStore says which older checkpoints are affected."));
                return null;
            }
        }

        /// <summary>Listings and chunks found damaged (marked by Test-PersistStore or a read): never reused.</summary>
        private HashSet<BlobId> _damaged = new HashSet<BlobId>();

        /// <summary>Reads one file of a folder into its chunk ids (unless the checkpoint is refused already).</summary>
        private void Read(FolderNode folder, int index, CancellationToken stop)
        {
            var file = folder.Entries[index];
            if (!Failed) folder.Chunks[index] = _chunker!.Chunk(file, stop);
            Advance(1, file.Size, read: true);
        }

        private void ReadQueued(CancellationTokenSource stop)
        {
            try
            {
                foreach (var queued in _queue.GetConsumingEnumerable(stop.Token))
                {
                    Read(queued.Folder, queued.Index, stop.Token);
                    Settle(queued.Folder);
                }
            }
            catch
            {
                stop.Cancel();
                throw;
            }
        }

        /// <summary>Counts settled files and reports them in order (readers and walkers advance at once: a later
        /// total reported before an earlier one made progress go backwards, and the last report not the final one).</summary>
        private void Advance(long files, long bytes, bool read)
        {
            lock (_advanceLock)
            {
                _filesDone += files;
                _bytesDone += bytes;
                if (read) _filesRead++;
                if (_progress != null && _tally != null)
                    _progress.Report(new SnapshotProgress(_filesDone, _bytesDone, _filesRead, _tally.Files, _tally.Bytes, _tally.Complete));
            }
        }

        /// <summary>Settles one outstanding item of a folder; the last one writes its listing, and so on upwards.</summary>
        private void Settle(FolderNode folder)
        {
            for (var node = folder; node != null && node.Settle(); node = node.Parent)
            {
                var id = Listing(node, out var inline);
                Hold(-node.Entries.Count);
                foreach (var entry in node.Entries)
                {
                    if (entry.Kind == EntryKind.File)
                    {
                        node.Files++;
                        node.LogicalBytes += entry.Size;
                    }
                    else if (entry.Kind == EntryKind.Directory) node.Directories++;
                }
                var parent = node.Parent;
                if (parent == null)
                {
                    _root = id;   // its counts are read from the node itself
                    continue;
                }
                parent.Subtrees[node.Slot] = id;
                parent.Inlines[node.Slot] = inline;
                if (!node.Unchanged) parent.MarkChanged();
                Interlocked.Add(ref parent.Files, node.Files);
                Interlocked.Add(ref parent.Directories, node.Directories);
                Interlocked.Add(ref parent.LogicalBytes, node.LogicalBytes);
            }
        }

        /// <summary>
        /// The folder's listing id: the parent checkpoint's when nothing in it changed, else a new listing, stored, or
        /// (when small, below the root) returned as inline, to be kept inside its parent's listing. (An out parameter,
        /// not a tuple: a value tuple over BlobId is a generic instantiation ReadyToRun code does not hold.)
        /// </summary>
        private BlobId Listing(FolderNode folder, out Tree? inline)
        {
            inline = null;
            if (Failed) return default;   // the checkpoint is refused: no listing is stored
            if (folder.Unchanged)
            {
                inline = folder.PreviousInline;
                if (inline == null) _known.TryAdd(folder.Previous!.Value, 0);
                return folder.Previous!.Value;
            }
            var entries = new List<TreeEntry>(folder.Entries.Count);
            for (int i = 0; i < folder.Entries.Count; i++)
            {
                var child = folder.Entries[i];
                var entry = new TreeEntry { Name = child.Name, Kind = child.Kind, Mode = child.Mode, ModifiedUtc = child.ModifiedUtc, Size = child.Size };
                switch (child.Kind)
                {
                    case EntryKind.File:
                        entry.Chunks = folder.Chunks[i]!;
                        entry.Stamp = child.Stamp;
                        break;
                    case EntryKind.Directory:
                        entry.Subtree = folder.Subtrees[i];
                        entry.Inline = folder.Inlines[i];
                        break;
                    case EntryKind.Symlink:
                        entry.LinkTarget = child.LinkTarget;
                        break;
                }
                entries.Add(entry);
            }
            var tree = new Tree(entries);
            var plain = TreeCodec.Encode(tree);
            if (folder.Parent != null && TreeCodec.KeptInline(plain.Length))
            {
                inline = tree;
                return BlobId.Of(plain);
            }
            var blob = BlobCodec.Encode(plain);
            if (_known.TryAdd(blob.Id, 0)) _writer!.Add(blob, BlobKind.Tree);
            return blob.Id;
        }
    }

    /// <summary>A file waiting for a reader: its folder and its index there.</summary>
    internal sealed class QueuedFile
    {
        public QueuedFile(FolderNode folder, int index)
        {
            Folder = folder;
            Index = index;
        }

        public FolderNode Folder { get; }
        public int Index { get; }
    }
}
