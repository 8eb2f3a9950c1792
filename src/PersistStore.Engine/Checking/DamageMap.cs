using System.Collections.Generic;
using System.Threading;
using PersistStore.Engine.Compression;
using PersistStore.Engine.Errors;
using PersistStore.Engine.Snapshots;
using PersistStore.Engine.Storage;
using PersistStore.Engine.Trees;

namespace PersistStore.Engine.Checking
{
    /// <summary>
    /// Which paths under a listing lead to unreadable blobs: every listing is read once whatever number of
    /// checkpoints share it (its result is kept), so finding the files a damaged chunk affects in every checkpoint
    /// costs one walk of the distinct listings.
    /// </summary>
    internal sealed class DamageMap
    {
        private readonly IStoreReader _reader;
        private readonly ISet<BlobId> _bad;
        private readonly Dictionary<BlobId, List<(string Path, BlobId Blob)>> _under = new Dictionary<BlobId, List<(string, BlobId)>>();

        public DamageMap(IStoreReader reader, ISet<BlobId> bad)
        {
            _reader = reader;
            _bad = bad;
        }

        /// <summary>The paths (relative, '/' separated; "" for the listing itself) that lead to a bad blob under this listing.</summary>
        public IReadOnlyList<(string Path, BlobId Blob)> Under(BlobId listing, CancellationToken cancel) => Under(listing, null, cancel);

        /// <summary>As above, for a listing kept inside its parent's (inline; never bad itself).</summary>
        private IReadOnlyList<(string Path, BlobId Blob)> Under(BlobId listing, Tree? inline, CancellationToken cancel)
        {
            if (_under.TryGetValue(listing, out var known)) return known;
            cancel.ThrowIfCancellationRequested();
            var found = new List<(string, BlobId)>();
            if (_bad.Contains(listing)) found.Add(("", listing));
            else
            {
                Tree tree;
                try { tree = TreeStore.Load(_reader, listing, inline); }
                catch (StoreFormatException) { tree = new Tree(new TreeEntry[0]); found.Add(("", listing)); }
                foreach (var entry in tree.Entries)
                {
                    if (entry.Kind == EntryKind.File)
                    {
                        foreach (var chunk in entry.Chunks)
                            if (_bad.Contains(chunk)) { found.Add((entry.Name, chunk)); }
                    }
                    else if (entry.Kind == EntryKind.Directory)
                    {
                        foreach (var (path, blob) in Under(entry.Subtree!.Value, entry.Inline, cancel))
                            found.Add((path.Length == 0 ? entry.Name : entry.Name + "/" + path, blob));
                    }
                }
            }
            _under[listing] = found;
            return found;
        }
    }
}
