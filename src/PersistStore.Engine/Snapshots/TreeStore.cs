using System;
using System.Collections.Generic;
using System.Linq;
using System.Runtime.ExceptionServices;
using System.Threading;
using System.Threading.Tasks;
using PersistStore.Engine.Compression;
using PersistStore.Engine.Errors;
using PersistStore.Engine.Storage;
using PersistStore.Engine.Trees;

namespace PersistStore.Engine.Snapshots
{
    /// <summary>Reads and decodes stored trees.</summary>
    public static class TreeStore
    {
        /// <summary>
        /// A checkpoint's whole tree, level by level: one read transaction per level, then decoding (decompress,
        /// verify, parse) on all cores. Loading one tree at a time cost a statement and a core per folder.
        /// </summary>
        public static IReadOnlyDictionary<BlobId, Tree> LoadAll(IStoreBackend store, BlobId root, CancellationToken cancel)
        {
            var trees = new Dictionary<BlobId, Tree>();
            var level = new List<BlobId> { root };
            while (level.Count > 0)
            {
                var blobs = store.Read(r => level.Select(id => (Id: id, Blob: r.ReadBlob(id) ?? throw Missing(id))).ToList(), cancel);
                var decoded = new Tree[blobs.Count];
                try
                {
                    Parallel.For(0, blobs.Count, new ParallelOptions { CancellationToken = cancel },
                        i => decoded[i] = TreeCodec.Decode(blobs[i].Id, BlobCodec.Decode(blobs[i].Id, blobs[i].Blob.PlainSize, blobs[i].Blob.Codec, blobs[i].Blob.Data)));
                }
                catch (AggregateException e) when (e.InnerExceptions.Count > 0)
                {
                    ExceptionDispatchInfo.Capture(e.InnerExceptions[0]).Throw();
                }
                var next = new HashSet<BlobId>();
                for (int i = 0; i < blobs.Count; i++)
                {
                    trees[blobs[i].Id] = decoded[i];
                    foreach (var entry in decoded[i].Entries)
                        if (entry.Subtree is BlobId sub && !trees.ContainsKey(sub)) next.Add(sub);
                }
                level = next.ToList();
            }
            return trees;
        }

        public static Tree Load(IStoreReader reader, BlobId id)
        {
            var blob = reader.ReadBlob(id) ?? throw Missing(id);
            return TreeCodec.Decode(id, BlobCodec.Decode(id, blob.PlainSize, blob.Codec, blob.Data));
        }

        private static StoreFormatException Missing(BlobId id) =>
            new StoreFormatException("TreeMissing", id.ToString(),
                $"The directory listing {id} is missing from the store. Run Test-PersistStore; the store may be damaged.");
    }
}
