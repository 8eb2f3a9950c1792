using System;
using System.Collections.Generic;
using Microsoft.Data.Sqlite;
using SQLitePCL;
using PersistStore.Engine.Compression;
using PersistStore.Engine.Model;
using PersistStore.Engine.Packs;

namespace PersistStore.Engine.Storage.Sqlite
{
    /// <summary>The chunk index of format 4: chunk id -> pack, offset, length, plain size, codec.</summary>
    internal static class SqliteChunkRows
    {
        /// <summary>A chunk's place, or null when the index does not have it.</summary>
        public static (string Pack, PackEntry Entry)? Find(SqliteDb db, BlobId id)
        {
            var stmt = db.Raw("SELECT p.name, c.offset, c.length, c.plain_size, c.codec FROM chunks c JOIN packs p ON p.id = c.pack WHERE c.id = ?1");
            try
            {
                raw.sqlite3_bind_blob(stmt, 1, id.Bytes);
                int rc = raw.sqlite3_step(stmt);
                if (rc == raw.SQLITE_DONE) return null;
                if (rc != raw.SQLITE_ROW) SqliteException.ThrowExceptionForRC(rc, db.Connection.Handle);
                return (raw.sqlite3_column_text(stmt, 0).utf8_to_string(),
                    new PackEntry(id, BlobKind.Chunk, (BlobCodecKind)raw.sqlite3_column_int(stmt, 4), raw.sqlite3_column_int64(stmt, 1),
                        raw.sqlite3_column_int(stmt, 2), raw.sqlite3_column_int(stmt, 3)));
            }
            finally { raw.sqlite3_reset(stmt); }
        }

        public static bool Exists(SqliteDb db, BlobId id) => SqliteBlobMarks.Step(db, "SELECT 1 FROM chunks WHERE id = ?1", id) == raw.SQLITE_ROW;

        /// <summary>
        /// Records a finished (durable) pack and indexes its chunks. A chunk the index already has (another writer
        /// stored it meanwhile) keeps its first place: its copy in this pack is unreferenced, for maintenance to reclaim.
        /// A marked chunk (damaged, or unreferenced and waiting for deletion) moves here and loses its mark: this copy
        /// was just written from the content it must decode to.
        /// </summary>
        public static (int Count, long Bytes) IndexPack(SqliteDb db, PackInfo pack, DateTime nowUtc)
        {
            db.Execute("INSERT INTO packs (name, length, blobs, created_at) VALUES ($n, $l, $b, $t)",
                ("$n", pack.Name), ("$l", pack.Length), ("$b", pack.Entries.Count), ("$t", nowUtc.Ticks));
            long packId = (long)db.Scalar("SELECT last_insert_rowid()")!;
            var stmt = db.Raw("INSERT OR IGNORE INTO chunks (id, pack, offset, length, plain_size, codec) VALUES (?1, ?2, ?3, ?4, ?5, ?6)");
            var move = db.Raw("UPDATE chunks SET pack = ?2, offset = ?3, length = ?4, plain_size = ?5, codec = ?6 WHERE id = ?1");
            bool marks = SqliteBlobMarks.Any(db);
            int count = 0;
            long bytes = 0;
            foreach (var e in pack.Entries)
            {
                if (Place(db, stmt, e, packId)) { if (marks) SqliteBlobMarks.Clear(db, e.Id); }   // new, or stored again after it was lost
                else if (!(marks && SqliteBlobMarks.Clear(db, e.Id) && Place(db, move, e, packId))) continue;
                count++;
                bytes += e.Length;
            }
            return (count, bytes);
        }

        /// <summary>Runs the insert or move statement for one entry; true when it changed a row.</summary>
        private static bool Place(SqliteDb db, sqlite3_stmt stmt, PackEntry e, long packId)
        {
            try
            {
                raw.sqlite3_bind_blob(stmt, 1, e.Id.Bytes);
                raw.sqlite3_bind_int64(stmt, 2, packId);
                raw.sqlite3_bind_int64(stmt, 3, e.Offset);
                raw.sqlite3_bind_int(stmt, 4, e.Length);
                raw.sqlite3_bind_int(stmt, 5, e.PlainSize);
                raw.sqlite3_bind_int(stmt, 6, (int)e.Codec);
                int rc = raw.sqlite3_step(stmt);
                if (rc != raw.SQLITE_DONE) SqliteException.ThrowExceptionForRC(rc, db.Connection.Handle);
                return raw.sqlite3_changes(db.Connection.Handle) > 0;
            }
            finally { raw.sqlite3_reset(stmt); }
        }
    }
}
