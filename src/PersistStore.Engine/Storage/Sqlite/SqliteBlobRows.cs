using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using Microsoft.Data.Sqlite;
using SQLitePCL;
using PersistStore.Engine.Compression;
using PersistStore.Engine.Model;

namespace PersistStore.Engine.Storage.Sqlite
{
    /// <summary>Content-addressed blobs: chunks of file content and directory listings.</summary>
    internal static class SqliteBlobRows
    {
        private const long DefaultCacheKiB = SqliteStore.CacheKiB;

        public static HashSet<BlobId> Existing(SqliteDb db, IReadOnlyCollection<BlobId> ids)
        {
            var found = new HashSet<BlobId>();
            using var cmd = db.Command("SELECT 1 FROM blobs WHERE id = $id", ("$id", null));
            var p = cmd.Parameters["$id"];
            cmd.Prepare();
            foreach (var id in ids)
            {
                p.Value = id.Bytes;
                if (cmd.ExecuteScalar() != null) found.Add(id);
            }
            return found;
        }

        private static (int Count, long Bytes) PutAll(SqliteDb db, IEnumerable<(EncodedBlob Blob, BlobKind Kind)> blobs)
        {
            var stmt = db.Raw("INSERT OR IGNORE INTO blobs (id, kind, plain_size, codec, data) VALUES (?1, ?2, ?3, ?4, ?5)");
            // A marked row (damaged, or unreferenced and waiting for deletion) takes the bytes just encoded and loses its mark.
            var replace = db.Raw("UPDATE blobs SET kind = ?2, plain_size = ?3, codec = ?4, data = ?5 WHERE id = ?1");
            bool marks = SqliteBlobMarks.Any(db);
            int count = 0;
            long bytes = 0;
            foreach (var (blob, kind) in blobs)
            {
                if (Store(db, stmt, blob, kind)) { if (marks) SqliteBlobMarks.Clear(db, blob.Id); }   // new, or stored again after it was lost
                else if (!(marks && SqliteBlobMarks.Clear(db, blob.Id) && Store(db, replace, blob, kind))) continue;   // already stored
                count++;
                bytes += blob.Length;
            }
            return (count, bytes);
        }

        private static bool Store(SqliteDb db, sqlite3_stmt stmt, EncodedBlob blob, BlobKind kind)
        {
            try
            {
                raw.sqlite3_bind_blob(stmt, 1, blob.Id.Bytes);
                raw.sqlite3_bind_int(stmt, 2, (int)kind);
                raw.sqlite3_bind_int(stmt, 3, blob.PlainSize);
                raw.sqlite3_bind_int(stmt, 4, (int)blob.Codec);
                raw.sqlite3_bind_blob(stmt, 5, blob.Bytes);
                int rc = raw.sqlite3_step(stmt);
                if (rc != raw.SQLITE_DONE) SqliteException.ThrowExceptionForRC(rc, db.Connection.Handle);
                return raw.sqlite3_changes(db.Connection.Handle) > 0;
            }
            finally { raw.sqlite3_reset(stmt); }
        }

        public static bool Read(SqliteDb db, BlobId id, StoredBlobHandler handle)
        {
            var stmt = db.Raw("SELECT plain_size, codec, data FROM blobs WHERE id = ?1");
            try
            {
                raw.sqlite3_bind_blob(stmt, 1, id.Bytes);
                int rc = raw.sqlite3_step(stmt);
                if (rc == raw.SQLITE_DONE) return false;
                if (rc != raw.SQLITE_ROW) SqliteException.ThrowExceptionForRC(rc, db.Connection.Handle);
                handle(raw.sqlite3_column_int(stmt, 0), (BlobCodecKind)raw.sqlite3_column_int(stmt, 1), raw.sqlite3_column_blob(stmt, 2));
                return true;
            }
            finally { raw.sqlite3_reset(stmt); }
        }

        /// <summary>
        /// Inserts the blobs the store lacks, binding each (pooled) buffer as a span on a raw statement:
        /// Microsoft.Data.Sqlite would first copy it into a new managed array, and writing a zero blob first and the
        /// bytes after with incremental blob I/O compiled a statement per blob (sqlite3_blob_open) and touched every
        /// page twice: measured on the first checkpoint, 0.5-1.0 s of user time and 0.4-0.6 s of wall time more.
        /// </summary>
        public static (int Count, long Bytes) Put(SqliteDb db, IEnumerable<(EncodedBlob Blob, BlobKind Kind)> blobs)
        {
            // A batch larger than the page cache spills to the WAL mid-transaction, and pages written again after
            // the spill are written twice (first checkpoint of the benchmark data, with zero blobs filled in
            // afterwards: 791,758 page writes and 303,018 reads; with the whole batch cached 561,767 and 219,721).
            // So the cache holds the batch while it is written, and shrinks back after: an idle connection keeps no
            // more than the default.
            // Smallest first: cells of similar size pack SQLite's leaf pages tighter. A small blob lives whole in its
            // leaf and a large one keeps 489-4,061 bytes there (the rest in overflow pages), and a leaf is closed
            // when the next cell does not fit: mixed sizes closed more leaves early. First checkpoint of the
            // benchmark data: 676.64-676.70 MB stored sorted, 677.37-677.41 MB in arrival order.
            var batch = blobs.OrderBy(b => b.Blob.Length).ToList();
            long cacheKiB = Math.Max(DefaultCacheKiB, batch.Sum(b => (long)b.Blob.Length) / 1024 * 5 / 4 + 1024);
            if (cacheKiB > DefaultCacheKiB) db.Execute("PRAGMA cache_size = -" + cacheKiB.ToString(CultureInfo.InvariantCulture));
            try { return PutAll(db, batch); }
            finally { if (cacheKiB > DefaultCacheKiB) db.Execute("PRAGMA cache_size = -" + DefaultCacheKiB.ToString(CultureInfo.InvariantCulture)); }
        }
    }
}
