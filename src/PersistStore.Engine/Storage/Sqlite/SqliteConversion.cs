using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using Microsoft.Data.Sqlite;
using PersistStore.Engine.Compression;
using PersistStore.Engine.Errors;
using PersistStore.Engine.Model;
using PersistStore.Engine.Packs;
using PersistStore.Engine.Storage.FileSystems;

namespace PersistStore.Engine.Storage.Sqlite
{
    /// <summary>
    /// Turns a one-file store (formats 1-3) into a format-4 folder at the same path. The old file is never changed:
    /// 1. under the old store's write lock, SQLite's online backup copies it to the backup file, then into
    ///    &lt;store&gt;.upgrading/index.db; 2. there, chunk rows move into packs (each durable before the index
    ///    transaction that refers to it); 3. every count and every chunk's SHA-256 is checked against the backup;
    /// 4. a marker says the new folder is complete; 5. the old file is set aside and the folder renamed into its
    /// place. Killed before 4, the next run starts again from the untouched old file; killed after it, the next run
    /// only finishes the rename.
    /// </summary>
    internal static class SqliteConversion
    {
        private const string CompleteMarker = ".upgrade-complete";

        public static string StagingFolder(string storePath) => storePath + ".upgrading";

        public static UpgradeResult Run(string storePath, string? backupPath, StoreOpenOptions options, Func<string, int, DateTime, string> defaultBackup)
        {
            string staging = StagingFolder(storePath);
            string marker = Path.Combine(staging, CompleteMarker);
            if (!File.Exists(storePath) && File.Exists(marker)) return FinishSwap(storePath, staging, marker);
            if (Directory.Exists(staging)) Directory.Delete(staging, recursive: true);   // an earlier run stopped before its marker
            Directory.CreateDirectory(Path.Combine(staging, SqliteStore.PacksFolderName));

            var location = StoreLocation.ForFile(storePath);
            var now = DateTime.UtcNow;
            int found;
            try
            {
                using (var old = SqliteUpgrade.Connect(storePath, SqliteOpenMode.ReadWrite, options))
                {
                    using var oldDb = new SqliteDb(old);
                    oldDb.BeginImmediate();   // old-format writers wait until the copies are taken
                    found = int.Parse((string)oldDb.Scalar("SELECT value FROM store_meta WHERE key = 'format_version'")!, CultureInfo.InvariantCulture);
                    backupPath ??= FreeName(defaultBackup(storePath, found, now));
                    if (File.Exists(backupPath)) throw UpgradeErrors.BackupExists(backupPath);
                    using (var reader = SqliteUpgrade.Connect(storePath, SqliteOpenMode.ReadOnly, options))
                    {
                        using (var backup = SqliteUpgrade.Connect(backupPath, SqliteOpenMode.ReadWriteCreate, options))
                        {
                            reader.BackupDatabase(backup);
                            // One self-contained file: reading it later leaves no -wal or -shm beside it.
                            using var journal = backup.CreateCommand();
                            journal.CommandText = "PRAGMA journal_mode = DELETE";
                            journal.ExecuteScalar();
                        }
                        using (var index = SqliteUpgrade.Connect(SqliteStore.IndexFile(staging), SqliteOpenMode.ReadWriteCreate, options)) reader.BackupDatabase(index);
                    }
                }
                long chunks = MoveChunksIntoPacks(staging, found, backupPath, options, now);
                Verify(staging, backupPath, chunks, options);
            }
            catch (SqliteException e) { throw SqliteErrors.Translate(e, location); }

            File.WriteAllText(marker, $"{found}\n{backupPath}\n");
            using (var flush = new FileStream(marker, FileMode.Open, FileAccess.ReadWrite)) flush.Flush(flushToDisk: true);
            DirectorySync.Flush(staging);
            return FinishSwap(storePath, staging, marker);
        }

        /// <summary>The default backup name, or the same with -2, -3... when a run killed within the same second left one.</summary>
        private static string FreeName(string path)
        {
            string stem = Path.Combine(Path.GetDirectoryName(path) ?? "", Path.GetFileNameWithoutExtension(path)), ext = Path.GetExtension(path);
            for (int n = 2; File.Exists(path); n++) path = $"{stem}-{n}{ext}";
            return path;
        }

        /// <summary>In the new index: the schema up to format 4, every chunk row into packs, the log entry; returns the chunk count.</summary>
        private static long MoveChunksIntoPacks(string staging, int found, string backupPath, StoreOpenOptions options, DateTime now)
        {
            using var connection = SqliteUpgrade.Connect(SqliteStore.IndexFile(staging), SqliteOpenMode.ReadWrite, options);
            using var db = new SqliteDb(connection);
            db.Execute("PRAGMA journal_mode = WAL; PRAGMA synchronous = FULL");
            var ids = new List<byte[]>();
            using (var cmd = db.Command("SELECT id FROM blobs WHERE kind = 0 ORDER BY rowid"))
            using (var rows = cmd.ExecuteReader())
                while (rows.Read()) ids.Add((byte[])rows[0]);

            db.BeginImmediate();
            SqliteSchema.Apply(db, found, SqliteSchema.Migrations);
            var packs = new LocalPackStore(Path.Combine(staging, SqliteStore.PacksFolderName));
            PackWriter? writer = null;
            try
            {
                using var read = db.Command("SELECT plain_size, codec, data FROM blobs WHERE id = $id", ("$id", null));
                foreach (var id in ids)
                {
                    read.Parameters["$id"].Value = id;
                    using (var row = read.ExecuteReader())
                    {
                        row.Read();
                        var data = (byte[])row[2];
                        writer ??= new PackWriter(packs, Snapshots.BlobWriter.PackTargetBytes);
                        writer.Add(new EncodedBlob(new BlobId(id), row.GetInt32(0), (BlobCodecKind)row.GetInt32(1), data), BlobKind.Chunk);
                    }
                    if (writer.IsFull) { SqliteChunkRows.IndexPack(db, writer.Finish(), now); writer.Dispose(); writer = null; }
                }
                if (writer != null) { SqliteChunkRows.IndexPack(db, writer.Finish(), now); writer.Dispose(); writer = null; }
            }
            finally { writer?.Dispose(); packs.Dispose(); }
            db.Execute("DELETE FROM blobs WHERE kind = 0");
            SqliteHistoryRows.Append(db, new HistoryDraft(Operations.UpgradeStore, null, null,
                $"format {found} -> {SqliteSchema.LatestVersion} (one file -> folder with {ids.Count} chunks in packs); backup '{backupPath}'"), options.Actor, now);
            db.Commit();
            db.Execute("VACUUM");   // the chunk bytes left the index: give their pages back
            db.Execute("PRAGMA wal_checkpoint(TRUNCATE)");
            return ids.Count;
        }

        /// <summary>The new store holds exactly what the backup holds: counts at every layer, and every chunk re-hashed from its pack.</summary>
        private static void Verify(string staging, string backupPath, long chunks, StoreOpenOptions options)
        {
            using var before = new SqliteDb(SqliteUpgrade.Connect(backupPath, SqliteOpenMode.ReadOnly, options));
            using var after = new SqliteDb(SqliteUpgrade.Connect(SqliteStore.IndexFile(staging), SqliteOpenMode.ReadOnly, options));
            foreach (var (what, sqlBefore, sqlAfter) in new[]
            {
                ("runs", "SELECT COUNT(*) FROM runs", "SELECT COUNT(*) FROM runs"),
                ("checkpoints", "SELECT COUNT(*) FROM checkpoints", "SELECT COUNT(*) FROM checkpoints"),
                ("directory listings", "SELECT COUNT(*) FROM blobs WHERE kind = 1", "SELECT COUNT(*) FROM blobs WHERE kind = 1"),
                ("chunks", "SELECT COUNT(*) FROM blobs WHERE kind = 0", "SELECT COUNT(*) FROM chunks"),
                ("history entries (+1 for the upgrade)", "SELECT COUNT(*) + 1 FROM history", "SELECT COUNT(*) FROM history"),
            })
            {
                long a = Convert.ToInt64(before.Scalar(sqlBefore), CultureInfo.InvariantCulture);
                long b = Convert.ToInt64(after.Scalar(sqlAfter), CultureInfo.InvariantCulture);
                if (a != b) throw UpgradeErrors.VerifyFailed(staging, $"{what}: {a} in the old store, {b} in the new one");
            }
            var packs = new LocalPackStore(Path.Combine(staging, SqliteStore.PacksFolderName));
            try
            {
                using var cmd = after.Command("SELECT id FROM chunks");
                using var rows = cmd.ExecuteReader();
                long checkedChunks = 0;
                byte[] plain = new byte[1 << 20];
                while (rows.Read())
                {
                    var id = new BlobId((byte[])rows[0]);
                    var place = SqliteChunkRows.Find(after, id) ?? throw UpgradeErrors.VerifyFailed(staging, $"chunk {id} is not indexed");
                    if (plain.Length < place.Entry.PlainSize) plain = new byte[place.Entry.PlainSize];
                    PackReader.ReadBlob(packs, place.Pack, place.Entry, (size, codec, data) => BlobCodec.DecodeInto(id, size, codec, data, plain));
                    checkedChunks++;
                }
                if (checkedChunks != chunks) throw UpgradeErrors.VerifyFailed(staging, $"{checkedChunks} chunks read back, {chunks} moved");
            }
            finally { packs.Dispose(); }
        }

        private static UpgradeResult FinishSwap(string storePath, string staging, string marker)
        {
            var lines = File.ReadAllLines(marker);
            int from = int.Parse(lines[0], CultureInfo.InvariantCulture);
            string backup = lines[1];
            string retired = storePath + ".format" + from + "-retired";
            if (File.Exists(storePath))
            {
                foreach (var suffix in new[] { "", "-wal", "-shm" })
                    if (File.Exists(storePath + suffix)) File.Move(storePath + suffix, retired + suffix);
            }
            Directory.Move(staging, storePath);
            DirectorySync.Flush(Path.GetDirectoryName(storePath)!);
            File.Delete(Path.Combine(storePath, CompleteMarker));
            foreach (var suffix in new[] { "", "-wal", "-shm" })
                if (File.Exists(retired + suffix)) File.Delete(retired + suffix);   // the backup keeps the old store
            return new UpgradeResult(from, SqliteSchema.LatestVersion, backup);
        }
    }
}
