using System.Collections.Generic;
using System.Linq;
using Microsoft.Data.Sqlite;
using PersistStore.Engine.Compression;
using PersistStore.Engine.Model;

namespace PersistStore.Engine.Storage.Sqlite
{
    /// <summary>Content-addressed blobs: chunks of file content and directory listings.</summary>
    internal static class SqliteBlobRows
    {
        public static ISet<BlobId> Existing(SqliteDb db, IReadOnlyCollection<BlobId> ids)
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

        public static EncodedBlob? Read(SqliteDb db, BlobId id)
        {
            using var cmd = db.Command("SELECT plain_size, codec, data FROM blobs WHERE id = $id", ("$id", id.Bytes));
            using var r = cmd.ExecuteReader();
            if (!r.Read()) return null;
            return new EncodedBlob(id, r.GetInt32(0), (BlobCodecKind)r.GetByte(1), (byte[])r.GetValue(2));
        }

        /// <summary>
        /// Inserts the blobs the store lacks. The row is created with a zero blob of the right length and the bytes
        /// are then written into it with SQLite's incremental blob I/O, straight from the (pooled) buffer: binding
        /// the buffer as a parameter would copy it into a new array first.
        /// </summary>
        public static (int Count, long Bytes) Put(SqliteDb db, IEnumerable<(EncodedBlob Blob, BlobKind Kind)> blobs)
        {
            using var cmd = db.Command("INSERT OR IGNORE INTO blobs (id, kind, plain_size, codec, data) VALUES ($id, $kind, $size, $codec, zeroblob($length)) RETURNING rowid",
                ("$id", null), ("$kind", null), ("$size", null), ("$codec", null), ("$length", null));
            cmd.Prepare();
            int count = 0;
            long bytes = 0;
            foreach (var (blob, kind) in blobs)
            {
                cmd.Parameters["$id"].Value = blob.Id.Bytes;
                cmd.Parameters["$kind"].Value = (int)kind;
                cmd.Parameters["$size"].Value = blob.PlainSize;
                cmd.Parameters["$codec"].Value = (int)blob.Codec;
                cmd.Parameters["$length"].Value = blob.Length;
                if (cmd.ExecuteScalar() is not long rowid) continue;   // already stored
                if (blob.Length > 0)
                {
                    using var stream = new SqliteBlob(db.Connection, "blobs", "data", rowid);
                    stream.Write(blob.Data, 0, blob.Length);
                }
                count++;
                bytes += blob.Length;
            }
            return (count, bytes);
        }
    }
}
