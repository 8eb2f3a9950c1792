using System;
using System.Collections.Generic;
using Microsoft.Data.Sqlite;
using SQLitePCL;
using PersistStore.Engine.Compression;
using PersistStore.Engine.Model;

namespace PersistStore.Engine.Storage.Sqlite
{
    /// <summary>
    /// Blobs writers must not deduplicate against (format 5, blob_marks): Optimize-PersistStore's unreferenced
    /// blobs waiting for deletion and blobs found damaged. The table is empty almost always, so writers ask once per
    /// unit of work whether it holds anything before they look ids up in it.
    /// </summary>
    internal static class SqliteBlobMarks
    {
        public static bool Any(SqliteDb db) => db.Scalar("SELECT EXISTS (SELECT 1 FROM blob_marks)") is long n && n != 0;

        public static bool IsMarked(SqliteDb db, BlobId id) => Step(db, "SELECT 1 FROM blob_marks WHERE id = ?1", id) == raw.SQLITE_ROW;

        /// <summary>Clears the blob's mark; true when it had one.</summary>
        public static bool Clear(SqliteDb db, BlobId id)
        {
            Step(db, "DELETE FROM blob_marks WHERE id = ?1", id);
            return raw.sqlite3_changes(db.Connection.Handle) > 0;
        }

        /// <summary>Marks each blob that has no mark yet (an older mark, and its time, stays); returns how many were new.</summary>
        public static int Mark(SqliteDb db, IEnumerable<BlobId> ids, BlobMark mark, DateTime sinceUtc, string? detail)
        {
            using var cmd = db.Command("INSERT OR IGNORE INTO blob_marks (id, mark, since, detail) VALUES ($id, $mark, $since, $detail)",
                ("$id", null), ("$mark", (int)mark), ("$since", sinceUtc.Ticks), ("$detail", detail));
            var p = cmd.Parameters["$id"];
            cmd.Prepare();
            int added = 0;
            foreach (var id in ids)
            {
                p.Value = id.Bytes;
                added += cmd.ExecuteNonQuery();
            }
            return added;
        }

        /// <summary>Every marked blob with its mark and when it was set.</summary>
        public static IReadOnlyList<(BlobId Id, BlobMark Mark, DateTime Since)> All(SqliteDb db)
        {
            var list = new List<(BlobId, BlobMark, DateTime)>();
            using var cmd = db.Command("SELECT id, mark, since FROM blob_marks");
            using var r = cmd.ExecuteReader();
            while (r.Read()) list.Add((new BlobId((byte[])r[0]), (BlobMark)r.GetInt32(1), new DateTime(r.GetInt64(2), DateTimeKind.Utc)));
            return list;
        }

        /// <summary>Runs a one-id statement to its first row (or its end); returns SQLite's step result.</summary>
        internal static int Step(SqliteDb db, string sql, BlobId id)
        {
            var stmt = db.Raw(sql);
            try
            {
                raw.sqlite3_bind_blob(stmt, 1, id.Bytes);
                int rc = raw.sqlite3_step(stmt);
                if (rc != raw.SQLITE_DONE && rc != raw.SQLITE_ROW) SqliteException.ThrowExceptionForRC(rc, db.Connection.Handle);
                return rc;
            }
            finally { raw.sqlite3_reset(stmt); }
        }
    }
}
