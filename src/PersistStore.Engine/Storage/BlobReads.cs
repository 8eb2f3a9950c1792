using System;
using PersistStore.Engine.Compression;
using PersistStore.Engine.Errors;
using PersistStore.Engine.Model;
using PersistStore.Engine.Packs;

namespace PersistStore.Engine.Storage
{
    /// <summary>The rules every backend's sessions follow when they read a blob or index a pack.</summary>
    internal static class BlobReads
    {
        /// <summary>
        /// Runs a read; a blob found damaged or missing is marked so that the next checkpoint that meets its content
        /// stores it again instead of reusing it (best effort: a read-only store, or a read inside a write, leaves it
        /// to Test-PersistStore).
        /// </summary>
        public static bool MarkingDamage(IStoreBackend store, bool writing, BlobId id, Func<bool> read)
        {
            try { return read(); }
            catch (PersistStoreException e) when (!writing && e.ErrorId is "BlobDamaged" or "PackDamaged" or "PackMissing")
            {
                try { store.Write(w => w.MarkBlobs(new[] { id }, BlobMark.Damaged, DateTime.UtcNow, e.ErrorId + ": " + e.Message)); }
                catch (PersistStoreException) { }
                throw;
            }
        }

        /// <summary>
        /// Reads a chunk where the index placed it. If its pack is gone, Optimize-PersistStore may have moved the chunk
        /// into a new pack after this unit's snapshot was taken: findNow looks it up as the index is now. A damaged
        /// chunk's error names the pack and the offset as well.
        /// </summary>
        public static void FromPack(IPackStore packs, BlobId id, (string Pack, PackEntry Entry) place, StoredBlobHandler handle,
            Func<(string Pack, PackEntry Entry)?> findNow)
        {
            try { PackReader.ReadBlob(packs, place.Pack, place.Entry, handle); }
            catch (PackMissingException)
            {
                var now = findNow();
                if (now == null || now.Value.Pack == place.Pack) throw;
                PackReader.ReadBlob(packs, now.Value.Pack, now.Value.Entry, handle);
            }
            catch (StoreFormatException e) when (e.ErrorId == "BlobDamaged")
            {
                throw new StoreFormatException(e.ErrorId, id.ToString(), $"{e.Message} The chunk lies in the pack '{place.Pack}' at byte {place.Entry.Offset}.", e);
            }
        }

        /// <summary>
        /// A pack is indexed only if it is still there, whole: Optimize-PersistStore deletes packs that no index entry
        /// names once every writer that could have named them has finished or been fenced, inside its own write
        /// transaction, so a writer that outlived its lease (suspended) can never index a pack that is gone.
        /// </summary>
        public static void CheckWhole(IPackStore packs, PackInfo pack)
        {
            long length = packs.Length(pack.Name);
            if (length != pack.Length)
                throw new PackDamagedException(pack.Name, $"it is {length} bytes long where its writer wrote {pack.Length}");
        }
    }
}
