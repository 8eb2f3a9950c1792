using System;
using System.Collections.Generic;
using PersistStore.Engine.Compression;
using PersistStore.Engine.Model;
using PersistStore.Engine.Packs;

namespace PersistStore.Engine.Storage.Sqlite
{
    /// <summary>What Optimize-PersistStore reads and changes in the index: packs and their use, deletions, moves.</summary>
    internal static class SqliteMaintenanceRows
    {
        public static IReadOnlyList<PackRecord> ListPacks(SqliteDb db)
        {
            var list = new List<PackRecord>();
            using var cmd = db.Command(@"SELECT p.name, p.length, p.blobs, p.created_at, COALESCE(SUM(c.length), 0), COUNT(c.id)
                                         FROM packs p LEFT JOIN chunks c ON c.pack = p.id GROUP BY p.id ORDER BY p.id");
            using var r = cmd.ExecuteReader();
            while (r.Read())
                list.Add(new PackRecord(r.GetString(0), r.GetInt64(1), r.GetInt32(2), new DateTime(r.GetInt64(3), DateTimeKind.Utc), r.GetInt64(4), r.GetInt32(5)));
            return list;
        }

        public static IReadOnlyList<PackEntry> ChunksInPack(SqliteDb db, string pack)
        {
            var list = new List<PackEntry>();
            using var cmd = db.Command(@"SELECT c.id, c.offset, c.length, c.plain_size, c.codec FROM chunks c JOIN packs p ON p.id = c.pack
                                         WHERE p.name = $n ORDER BY c.offset", ("$n", pack));
            using var r = cmd.ExecuteReader();
            while (r.Read())
                list.Add(new PackEntry(new BlobId((byte[])r[0]), BlobKind.Chunk, (BlobCodecKind)r.GetInt32(4), r.GetInt64(1), r.GetInt32(2), r.GetInt32(3)));
            return list;
        }

        public static int Unmark(SqliteDb db, IEnumerable<BlobId> ids)
        {
            int cleared = 0;
            foreach (var id in ids) if (SqliteBlobMarks.Clear(db, id)) cleared++;
            return cleared;
        }

        public static (int Listings, int Chunks, long Bytes) DeleteUnreferenced(SqliteDb db, IEnumerable<BlobId> ids, DateTime markedBy)
        {
            int listings = 0, chunks = 0;
            long bytes = 0;
            using var mark = db.Command("SELECT since FROM blob_marks WHERE id = $id AND mark = $mark", ("$id", null), ("$mark", (int)BlobMark.Unreferenced));
            using var listing = db.Command("DELETE FROM blobs WHERE id = $id RETURNING length(data)", ("$id", null));
            using var chunk = db.Command("DELETE FROM chunks WHERE id = $id RETURNING length", ("$id", null));
            foreach (var id in ids)
            {
                mark.Parameters["$id"].Value = id.Bytes;
                if (!(mark.ExecuteScalar() is long since) || since > markedBy.Ticks) continue;
                listing.Parameters["$id"].Value = id.Bytes;
                chunk.Parameters["$id"].Value = id.Bytes;
                if (listing.ExecuteScalar() is long l) { listings++; bytes += l; }
                if (chunk.ExecuteScalar() is long) chunks++;
                SqliteBlobMarks.Clear(db, id);
            }
            return (listings, chunks, bytes);
        }

        public static int MoveChunks(SqliteDb db, PackInfo pack, DateTime nowUtc, bool existing)
        {
            if (!existing)
                db.Execute("INSERT INTO packs (name, length, blobs, created_at) VALUES ($n, $l, $b, $t)",
                    ("$n", pack.Name), ("$l", pack.Length), ("$b", pack.Entries.Count), ("$t", nowUtc.Ticks));
            long packId = (long)db.Scalar("SELECT id FROM packs WHERE name = $n", ("$n", pack.Name))!;
            using var move = db.Command("UPDATE chunks SET pack = $p, offset = $o, length = $l, plain_size = $s, codec = $c WHERE id = $id",
                ("$p", packId), ("$o", null), ("$l", null), ("$s", null), ("$c", null), ("$id", null));
            int moved = 0;
            foreach (var e in pack.Entries)
            {
                move.Parameters["$o"].Value = e.Offset;
                move.Parameters["$l"].Value = e.Length;
                move.Parameters["$s"].Value = e.PlainSize;
                move.Parameters["$c"].Value = (int)e.Codec;
                move.Parameters["$id"].Value = e.Id.Bytes;
                moved += move.ExecuteNonQuery();
            }
            return moved;
        }

        public static int DeleteChunks(SqliteDb db, IEnumerable<BlobId> ids)
        {
            using var cmd = db.Command("DELETE FROM chunks WHERE id = $id", ("$id", null));
            int deleted = 0;
            foreach (var id in ids)
            {
                cmd.Parameters["$id"].Value = id.Bytes;
                deleted += cmd.ExecuteNonQuery();   // a Damaged mark stays: checkpoints must not reuse the chunk by its id
            }
            return deleted;
        }

        public static IReadOnlyList<string> DeleteEmptyPacks(SqliteDb db, IEnumerable<string> names)
        {
            var deleted = new List<string>();
            using var cmd = db.Command("DELETE FROM packs WHERE name = $n AND NOT EXISTS (SELECT 1 FROM chunks WHERE chunks.pack = packs.id)", ("$n", null));
            foreach (var name in names)
            {
                cmd.Parameters["$n"].Value = name;
                if (cmd.ExecuteNonQuery() > 0) deleted.Add(name);
            }
            return deleted;
        }
    }
}
