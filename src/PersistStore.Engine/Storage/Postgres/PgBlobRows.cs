using System;
using System.Collections.Generic;
using System.Linq;
using Npgsql;
using PersistStore.Engine.Compression;
using PersistStore.Engine.Model;
using PersistStore.Engine.Packs;

namespace PersistStore.Engine.Storage.Postgres
{
    /// <summary>
    /// Directory listings (rows), the chunk index and the blob marks, with the rules of the SQLite backend: a marked
    /// blob (damaged, or unreferenced and waiting for deletion) is absent for writers, and storing it again replaces
    /// it and clears the mark. Each call is one statement over arrays: a round trip per blob would cost more than
    /// the work on a server across a network.
    /// </summary>
    internal static class PgBlobRows
    {
        public static ISet<BlobId> Existing(PgDb db, IReadOnlyCollection<BlobId> ids)
        {
            var found = new HashSet<BlobId>();
            if (ids.Count == 0) return found;
            using var cmd = db.Command(@"SELECT i.id FROM unnest(@ids) AS i(id)
                                         WHERE (EXISTS (SELECT 1 FROM blobs b WHERE b.id = i.id) OR EXISTS (SELECT 1 FROM chunks c WHERE c.id = i.id))
                                           AND NOT EXISTS (SELECT 1 FROM blob_marks m WHERE m.id = i.id)", ("ids", Bytes(ids)));
            using var r = cmd.ExecuteReader();
            while (r.Read()) found.Add(new BlobId((byte[])r[0]));
            return found;
        }

        /// <summary>A blob as stored, found in one round trip: a listing's row, or a chunk's place with its bytes
        /// (null when its pack is gone: the caller looks again, a repack may have moved it).</summary>
        public sealed record Stored(int PlainSize, BlobCodecKind Codec, byte[]? Bytes, string? Pack, PackEntry? Entry);

        public static Stored? Read(PgDb db, BlobId id)
        {
            using var cmd = db.Command(@"SELECT b.plain_size, b.codec, b.data, NULL::text, 0::bigint, 0 FROM blobs b WHERE b.id = @id
                                         UNION ALL
                                         SELECT c.plain_size, c.codec, substring(f.data FROM c.pack_offset::integer + 1 FOR c.length), p.name, c.pack_offset, c.length
                                         FROM chunks c JOIN packs p ON p.id = c.pack LEFT JOIN pack_files f ON f.name = p.name WHERE c.id = @id
                                         LIMIT 1", ("id", id.Bytes));
            using var r = cmd.ExecuteReader();
            if (!r.Read()) return null;
            var codec = (BlobCodecKind)r.GetInt32(1);
            var bytes = r.IsDBNull(2) ? null : (byte[])r[2];
            if (r.IsDBNull(3)) return new Stored(r.GetInt32(0), codec, bytes, null, null);
            return new Stored(r.GetInt32(0), codec, bytes, r.GetString(3), new PackEntry(id, BlobKind.Chunk, codec, r.GetInt64(4), r.GetInt32(5), r.GetInt32(0)));
        }

        /// <summary>Stores the listings not yet present; a marked one takes the new bytes and loses its mark.</summary>
        public static (int Count, long Bytes) Put(PgDb db, IEnumerable<(EncodedBlob Blob, BlobKind Kind)> blobs)
        {
            var batch = blobs.GroupBy(b => b.Blob.Id).Select(g => g.First()).ToList();
            if (batch.Count == 0) return (0, 0);
            var marked = ClearMarks(db, batch.Select(b => b.Blob.Id));
            using var cmd = db.Command(@"INSERT INTO blobs (id, kind, plain_size, codec, data)
                                         SELECT * FROM unnest(@ids, @kinds, @sizes, @codecs, @data)
                                         ON CONFLICT (id) DO UPDATE SET kind = excluded.kind, plain_size = excluded.plain_size,
                                             codec = excluded.codec, data = excluded.data WHERE blobs.id = ANY(@marked)
                                         RETURNING id",
                ("ids", batch.Select(b => b.Blob.Id.Bytes).ToArray()), ("kinds", batch.Select(b => (int)b.Kind).ToArray()),
                ("sizes", batch.Select(b => b.Blob.PlainSize).ToArray()), ("codecs", batch.Select(b => (int)b.Blob.Codec).ToArray()),
                ("data", batch.Select(b => b.Blob.Bytes.ToArray()).ToArray()), ("marked", Bytes(marked)));
            return CountStored(cmd, batch.ToDictionary(b => b.Blob.Id, b => (long)b.Blob.Length));
        }

        public static (string Pack, PackEntry Entry)? FindChunk(PgDb db, BlobId id)
        {
            using var cmd = db.Command(@"SELECT p.name, c.pack_offset, c.length, c.plain_size, c.codec FROM chunks c JOIN packs p ON p.id = c.pack
                                         WHERE c.id = @id", ("id", id.Bytes));
            using var r = cmd.ExecuteReader();
            if (!r.Read()) return null;
            return (r.GetString(0), new PackEntry(id, BlobKind.Chunk, (BlobCodecKind)r.GetInt32(4), r.GetInt64(1), r.GetInt32(2), r.GetInt32(3)));
        }

        /// <summary>Records a durable pack and indexes its chunks; a chunk already indexed keeps its first place unless it is marked.</summary>
        public static (int Count, long Bytes) IndexPack(PgDb db, PackInfo pack, DateTime nowUtc)
        {
            long packId = InsertPack(db, pack, nowUtc);
            var entries = pack.Entries.GroupBy(e => e.Id).Select(g => g.First()).ToList();
            if (entries.Count == 0) return (0, 0);
            var marked = ClearMarks(db, entries.Select(e => e.Id));
            using var cmd = db.Command(@"INSERT INTO chunks (id, pack, pack_offset, length, plain_size, codec)
                                         SELECT e.id, @pack, e.o, e.l, e.s, e.c FROM unnest(@ids, @offsets, @lengths, @sizes, @codecs) AS e(id, o, l, s, c)
                                         ON CONFLICT (id) DO UPDATE SET pack = excluded.pack, pack_offset = excluded.pack_offset, length = excluded.length,
                                             plain_size = excluded.plain_size, codec = excluded.codec WHERE chunks.id = ANY(@marked)
                                         RETURNING id",
                ("pack", packId), ("ids", entries.Select(e => e.Id.Bytes).ToArray()), ("offsets", entries.Select(e => e.Offset).ToArray()),
                ("lengths", entries.Select(e => e.Length).ToArray()), ("sizes", entries.Select(e => e.PlainSize).ToArray()),
                ("codecs", entries.Select(e => (int)e.Codec).ToArray()), ("marked", Bytes(marked)));
            return CountStored(cmd, entries.ToDictionary(e => e.Id, e => (long)e.Length));
        }

        public static long InsertPack(PgDb db, PackInfo pack, DateTime nowUtc) =>
            db.Long("INSERT INTO packs (name, length, blobs, created_at) VALUES (@n, @l, @b, @t) RETURNING id",
                ("n", pack.Name), ("l", pack.Length), ("b", pack.Entries.Count), ("t", nowUtc.Ticks));

        /// <summary>Marks each blob that has no mark yet; returns how many were new.</summary>
        public static int Mark(PgDb db, IEnumerable<BlobId> ids, BlobMark mark, DateTime sinceUtc, string? detail) =>
            db.Execute("INSERT INTO blob_marks (id, mark, since, detail) SELECT DISTINCT i, @mark, @since, @detail FROM unnest(@ids) AS i ON CONFLICT (id) DO NOTHING",
                ("ids", Bytes(ids)), ("mark", (int)mark), ("since", sinceUtc.Ticks), ("detail", (object?)detail ?? DBNull.Value));

        /// <summary>Clears these blobs' marks; returns the ids that had one.</summary>
        public static HashSet<BlobId> ClearMarks(PgDb db, IEnumerable<BlobId> ids)
        {
            var cleared = new HashSet<BlobId>();
            using var cmd = db.Command("DELETE FROM blob_marks WHERE id = ANY(@ids) RETURNING id", ("ids", Bytes(ids)));
            using var r = cmd.ExecuteReader();
            while (r.Read()) cleared.Add(new BlobId((byte[])r[0]));
            return cleared;
        }

        public static IReadOnlyList<(BlobId Id, BlobMark Mark, DateTime Since)> Marks(PgDb db)
        {
            var list = new List<(BlobId, BlobMark, DateTime)>();
            using var cmd = db.Command("SELECT id, mark, since FROM blob_marks");
            using var r = cmd.ExecuteReader();
            while (r.Read()) list.Add((new BlobId((byte[])r[0]), (BlobMark)r.GetInt32(1), new DateTime(r.GetInt64(2), DateTimeKind.Utc)));
            return list;
        }

        internal static byte[][] Bytes(IEnumerable<BlobId> ids) => ids.Select(i => i.Bytes).ToArray();

        private static (int Count, long Bytes) CountStored(NpgsqlCommand cmd, Dictionary<BlobId, long> lengths)
        {
            int count = 0;
            long bytes = 0;
            using var r = cmd.ExecuteReader();
            while (r.Read())
            {
                count++;
                bytes += lengths[new BlobId((byte[])r[0])];
            }
            return (count, bytes);
        }
    }
}
