using System;
using PersistStore.Engine.Compression;
using PersistStore.Engine.Errors;
using PersistStore.Engine.Storage;
using PersistStore.Engine.Trees;

namespace PersistStore.Engine.Snapshots
{
    /// <summary>Reads and decodes stored trees.</summary>
    public static class TreeStore
    {
        /// <summary>One listing, decoded and checked against its id straight from the store's page memory, through a
        /// pooled buffer (a new array per listing was 1.4 MB of a nothing-changed checkpoint's garbage).</summary>
        public static Tree Load(IStoreReader reader, BlobId id)
        {
            byte[]? plain = null;
            int length = 0;
            try
            {
                bool found = reader.ReadBlob(id, (plainSize, codec, data) =>
                {
                    plain = System.Buffers.ArrayPool<byte>.Shared.Rent(Math.Max(1, plainSize));
                    length = plainSize;
                    BlobCodec.DecodeInto(id, plainSize, codec, data, plain);
                });
                if (!found || plain == null)
                    throw new StoreFormatException("TreeMissing", id.ToString(),
                        $"The directory listing {id} is missing from the store, which is damaged. Other checkpoints may still export (Export-Checkpoint); to recover this one, restore the store from a backup.");
                return TreeCodec.Decode(id, plain, length);
            }
            finally { if (plain != null) System.Buffers.ArrayPool<byte>.Shared.Return(plain); }
        }

        /// <summary>The listing a directory entry names: kept inside its parent's when small, else read by its id.</summary>
        public static Tree Load(IStoreReader reader, TreeEntry directory) => Load(reader, directory.Subtree!.Value, directory.Inline);

        /// <summary>A listing walked by id (roots have no entry): the inline one when the walk carries it, else read.</summary>
        public static Tree Load(IStoreReader reader, BlobId id, Tree? inline) => inline ?? Load(reader, id);
    }
}
