using PersistStore.Engine.Compression;
using PersistStore.Engine.Errors;
using PersistStore.Engine.Storage;
using PersistStore.Engine.Trees;

namespace PersistStore.Engine.Snapshots
{
    /// <summary>Reads and decodes stored trees.</summary>
    public static class TreeStore
    {
        /// <summary>One listing, decoded and checked against its id straight from the store's page memory.</summary>
        public static Tree Load(IStoreReader reader, BlobId id)
        {
            byte[]? plain = null;
            bool found = reader.ReadBlob(id, (plainSize, codec, data) =>
            {
                plain = new byte[plainSize];
                BlobCodec.DecodeInto(id, plainSize, codec, data, plain);
            });
            if (!found || plain == null)
                throw new StoreFormatException("TreeMissing", id.ToString(),
                    $"The directory listing {id} is missing from the store, which is damaged. Other checkpoints may still export (Export-Checkpoint); to recover this one, restore the store from a backup.");
            return TreeCodec.Decode(id, plain);
        }

        /// <summary>The listing a directory entry names: kept inside its parent's when small, else read by its id.</summary>
        public static Tree Load(IStoreReader reader, TreeEntry directory) => directory.Inline ?? Load(reader, directory.Subtree!.Value);
    }
}
