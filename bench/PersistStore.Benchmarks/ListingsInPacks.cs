using System.Collections.Generic;
using Microsoft.Data.Sqlite;
using PersistStore.Engine.Compression;
using PersistStore.Engine.Model;
using PersistStore.Engine.Packs;
using PersistStore.Engine.Storage;

namespace PersistStore.Benchmarks;

/// <summary>
/// Issue #11 item 6, listings in rows or in packs: turns a copy of a store into one whose directory listings live in
/// packs (indexed as chunks are: one index lookup, then a range of a pack file), so that a nothing-changed
/// checkpoint of the same folder can be timed against the store as it is (listings as rows). The engine reads a
/// blob from rows first, then from the chunk index, so the copy needs no other code.
/// </summary>
public static class ListingsInPacks
{
    public static (int Listings, int Packs) Move(IStoreBackend store, string indexFile)
    {
        var ids = new List<BlobId>();
        using (var db = new SqliteConnection($"Data Source={indexFile};Pooling=False"))
        {
            db.Open();
            using var select = db.CreateCommand();
            select.CommandText = "SELECT id FROM blobs WHERE kind = 1";
            using var rows = select.ExecuteReader();
            while (rows.Read()) ids.Add(new BlobId((byte[])rows[0]));
        }
        int packs = 0;
        PackWriter? writer = null;
        store.Read(r =>
        {
            foreach (var id in ids)
            {
                r.ReadBlob(id, (plainSize, codec, data) =>
                {
                    writer ??= new PackWriter(store.Packs, 16L << 20);
                    writer.Add(new EncodedBlob(id, plainSize, codec, data.ToArray()), BlobKind.Chunk);
                });
                if (writer != null && writer.IsFull) Finish();
            }
            return 0;
        });
        if (writer != null) Finish();
        using (var db = new SqliteConnection($"Data Source={indexFile};Pooling=False"))
        {
            db.Open();
            using var delete = db.CreateCommand();
            delete.CommandText = "DELETE FROM blobs WHERE kind = 1";
            delete.ExecuteNonQuery();
        }
        return (ids.Count, packs);

        void Finish()
        {
            var info = writer!.Finish();
            store.Write(w => w.IndexPack(info));
            writer.Dispose();
            writer = null;
            packs++;
        }
    }
}
