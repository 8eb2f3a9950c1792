using System;
using System.Collections.Generic;
using System.Linq;
using PersistStore.Engine.Compression;
using PersistStore.Engine.Model;
using PersistStore.Engine.Packs;

namespace PersistStore.Engine.Storage.Postgres
{
    /// <summary>What Optimize-PersistStore and Repair-PersistStore read and change in the index (as SqliteMaintenanceRows).</summary>
    internal static class PgMaintenanceRows
    {
        public static IReadOnlyList<PackRecord> ListPacks(PgDb db)
        {
            var list = new List<PackRecord>();
            using var cmd = db.Command(@"SELECT p.name, p.length, p.blobs, p.created_at, COALESCE(SUM(c.length), 0)::bigint, COUNT(c.id)::integer
                                         FROM packs p LEFT JOIN chunks c ON c.pack = p.id GROUP BY p.id ORDER BY p.id");
            using var r = cmd.ExecuteReader();
            while (r.Read())
                list.Add(new PackRecord(r.GetString(0), r.GetInt64(1), r.GetInt32(2), new DateTime(r.GetInt64(3), DateTimeKind.Utc), r.GetInt64(4), r.GetInt32(5)));
            return list;
        }

        public static IReadOnlyList<PackEntry> ChunksInPack(PgDb db, string pack)
        {
            var list = new List<PackEntry>();
            using var cmd = db.Command(@"SELECT c.id, c.pack_offset, c.length, c.plain_size, c.codec FROM chunks c JOIN packs p ON p.id = c.pack
                                         WHERE p.name = @n ORDER BY c.pack_offset", ("n", pack));
            using var r = cmd.ExecuteReader();
            while (r.Read())
                list.Add(new PackEntry(new BlobId((byte[])r[0]), BlobKind.Chunk, (BlobCodecKind)r.GetInt32(4), r.GetInt64(1), r.GetInt32(2), r.GetInt32(3)));
            return list;
        }

        /// <summary>Deletes the listings and chunk entries of the blobs still marked Unreferenced since no later than markedBy.</summary>
        public static (int Listings, int Chunks, long Bytes) DeleteUnreferenced(PgDb db, IEnumerable<BlobId> ids, DateTime markedBy)
        {
            using var cmd = db.Command(@"WITH doomed AS (DELETE FROM blob_marks WHERE id = ANY(@ids) AND mark = @mark AND since <= @by RETURNING id),
                                              l AS (DELETE FROM blobs WHERE id IN (SELECT id FROM doomed) RETURNING octet_length(data) AS n),
                                              c AS (DELETE FROM chunks WHERE id IN (SELECT id FROM doomed) RETURNING 1)
                                         SELECT (SELECT COUNT(*) FROM l)::integer, (SELECT COUNT(*) FROM c)::integer, (SELECT COALESCE(SUM(n), 0) FROM l)::bigint",
                ("ids", PgBlobRows.Bytes(ids)), ("mark", (int)BlobMark.Unreferenced), ("by", markedBy.Ticks));
            using var r = cmd.ExecuteReader();
            r.Read();
            return (r.GetInt32(0), r.GetInt32(1), r.GetInt64(2));
        }

        public static int MoveChunks(PgDb db, PackInfo pack, DateTime nowUtc, bool existing)
        {
            long packId = existing ? db.Long("SELECT id FROM packs WHERE name = @n", ("n", pack.Name)) : PgBlobRows.InsertPack(db, pack, nowUtc);
            var entries = pack.Entries.GroupBy(e => e.Id).Select(g => g.First()).ToList();
            return db.Execute(@"UPDATE chunks SET pack = @pack, pack_offset = e.o, length = e.l, plain_size = e.s, codec = e.c
                                FROM unnest(@ids, @offsets, @lengths, @sizes, @codecs) AS e(id, o, l, s, c) WHERE chunks.id = e.id",
                ("pack", packId), ("ids", entries.Select(e => e.Id.Bytes).ToArray()), ("offsets", entries.Select(e => e.Offset).ToArray()),
                ("lengths", entries.Select(e => e.Length).ToArray()), ("sizes", entries.Select(e => e.PlainSize).ToArray()),
                ("codecs", entries.Select(e => (int)e.Codec).ToArray()));
        }

        /// <summary>A Damaged mark stays: checkpoints must not reuse the chunk by its id.</summary>
        public static int DeleteChunks(PgDb db, IEnumerable<BlobId> ids) =>
            db.Execute("DELETE FROM chunks WHERE id = ANY(@ids)", ("ids", PgBlobRows.Bytes(ids)));

        public static IReadOnlyList<string> DeleteEmptyPacks(PgDb db, IEnumerable<string> names)
        {
            var deleted = new List<string>();
            using var cmd = db.Command("DELETE FROM packs WHERE name = ANY(@n) AND NOT EXISTS (SELECT 1 FROM chunks WHERE chunks.pack = packs.id) RETURNING name",
                ("n", names.ToArray()));
            using var r = cmd.ExecuteReader();
            while (r.Read()) deleted.Add(r.GetString(0));
            return deleted;
        }
    }
}
