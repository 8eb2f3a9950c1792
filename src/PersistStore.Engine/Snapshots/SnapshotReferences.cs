using System.Collections.Generic;
using System.Threading;
using PersistStore.Engine.Compression;
using PersistStore.Engine.Storage;
using PersistStore.Engine.Trees;

namespace PersistStore.Engine.Snapshots
{
    /// <summary>
    /// Every blob some checkpoint needs: its listings and their chunks, found from the checkpoints' root listings.
    /// A listing shared by several checkpoints (an unchanged folder) is read once, so the walk costs one read per
    /// distinct listing, not per checkpoint. Blobs outside the set are held by no checkpoint: a killed writer's, or
    /// (after retention) a removed checkpoint's. A listing kept inside its parent's is walked with it and is not a
    /// blob: it is in no set.
    /// </summary>
    public static class SnapshotReferences
    {
        public static HashSet<BlobId> Collect(IStoreReader reader, CancellationToken cancel = default)
        {
            var referenced = new HashSet<BlobId>();
            Add(reader, reader.RootTrees(), referenced, cancel);
            return referenced;
        }

        /// <summary>Adds to referenced every blob these root listings need that it lacks (a listing already in it
        /// is not read again: its blobs are there too); returns the blobs added. listings, if given, receives the
        /// listings among them (the rest are chunks).</summary>
        public static List<BlobId> Add(IStoreReader reader, IEnumerable<BlobId> roots, HashSet<BlobId> referenced, CancellationToken cancel = default,
            ISet<BlobId>? listings = null)
        {
            var added = new List<BlobId>();
            var pending = new Stack<(BlobId Id, Tree? Inline)>();
            foreach (var root in roots)
                if (referenced.Add(root)) { added.Add(root); pending.Push((root, null)); listings?.Add(root); }
            while (pending.Count > 0)
            {
                cancel.ThrowIfCancellationRequested();
                var (id, inline) = pending.Pop();
                foreach (var entry in TreeStore.Load(reader, id, inline).Entries)
                {
                    if (entry.Kind == EntryKind.File)
                    {
                        foreach (var chunk in entry.Chunks) if (referenced.Add(chunk)) added.Add(chunk);
                    }
                    else if (entry.Kind == EntryKind.Directory && entry.Inline != null) pending.Push((entry.Subtree!.Value, entry.Inline));
                    else if (entry.Kind == EntryKind.Directory && referenced.Add(entry.Subtree!.Value))
                    {
                        added.Add(entry.Subtree.Value);
                        pending.Push((entry.Subtree.Value, null));
                        listings?.Add(entry.Subtree.Value);
                    }
                }
            }
            return added;
        }
    }
}
