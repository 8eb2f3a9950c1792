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
    /// (after retention) a removed checkpoint's.
    /// </summary>
    public static class SnapshotReferences
    {
        public static HashSet<BlobId> Collect(IStoreReader reader, CancellationToken cancel = default)
        {
            var referenced = new HashSet<BlobId>();
            var pending = new Stack<BlobId>();
            foreach (var root in reader.RootTrees())
                if (referenced.Add(root)) pending.Push(root);
            while (pending.Count > 0)
            {
                cancel.ThrowIfCancellationRequested();
                foreach (var entry in TreeStore.Load(reader, pending.Pop()).Entries)
                {
                    if (entry.Kind == EntryKind.File) referenced.UnionWith(entry.Chunks);
                    else if (entry.Kind == EntryKind.Directory && referenced.Add(entry.Subtree!.Value)) pending.Push(entry.Subtree.Value);
                }
            }
            return referenced;
        }
    }
}
