using System;
using System.IO;
using Microsoft.Data.Sqlite;
using PersistStore.Engine.Errors;
using PersistStore.Engine.Storage.FileSystems;

namespace PersistStore.Engine.Storage.Sqlite
{
    /// <summary>
    /// The index file as it lies on disk, checked before SQLite opens it. SQLite repairs what it can without a word:
    /// given an index whose write-ahead log was deleted it opens the older state, and given a file with no tables it
    /// lets the next command create a new empty store in it (found on format 3: Get-Run after a killed writer's
    /// -wal and -shm were deleted showed Runs 0 and a CreateStore entry). So an index is created whole under a
    /// temporary name (a file named index.db always holds the schema), and an index that lost committed changes or
    /// holds nothing is an error that names what is missing.
    /// </summary>
    internal static class SqliteIndexFile
    {
        /// <summary>Names of indexes being created (and, after a kill, never finished): not part of the store.</summary>
        public const string CreatingPrefix = SqliteStore.IndexFileName + ".creating-";

        public static string Log(string index) => index + "-wal";
        public static string SharedMemory(string index) => index + "-shm";

        /// <summary>Whether the write-ahead log holds anything: a writer is connected, or one was killed.</summary>
        public static bool HasLog(string index)
        {
            var log = new FileInfo(Log(index));
            return log.Exists && log.Length > 0;
        }

        /// <summary>
        /// Creates the index with <paramref name="createSchema"/> under a temporary name and gives it its name when
        /// complete; another process that created it first wins, and this one's copy is deleted.
        /// </summary>
        public static void Create(string index, Action<SqliteDb> createSchema)
        {
            string temporary = Path.Combine(Path.GetDirectoryName(index)!, CreatingPrefix + Guid.NewGuid().ToString("N"));
            try
            {
                var connection = new SqliteConnection(new SqliteConnectionStringBuilder
                {
                    DataSource = temporary, Mode = SqliteOpenMode.ReadWriteCreate, Pooling = false,
                }.ToString());
                using (var db = new SqliteDb(connection))
                {
                    connection.Open();
                    db.Execute("PRAGMA synchronous = FULL");
                    db.BeginImmediate();
                    createSchema(db);
                    db.Commit();
                    // WAL is set in the header; the log is empty and goes with the connection, so the file is whole.
                    db.Execute("PRAGMA journal_mode = WAL");
                }
                using (var flush = new FileStream(temporary, FileMode.Open, FileAccess.ReadWrite)) flush.Flush(flushToDisk: true);
                if (NativeFiles.TryLinkNew(temporary, index)) DirectorySync.Flush(Path.GetDirectoryName(index)!);
            }
            finally
            {
                foreach (var leftover in new[] { temporary, temporary + "-journal", Log(temporary), SharedMemory(temporary) })
                    if (File.Exists(leftover)) File.Delete(leftover);
            }
        }

        /// <summary>Refuses an index that is empty or lost committed changes with its log; changes nothing.</summary>
        public static void CheckWhole(string store, string index)
        {
            if (new FileInfo(index).Length == 0)
                throw Damaged(store, $"its index '{index}' is an empty file");
            // Only when there is no log file at all: then no connection has the store open (SQLite keeps the log while
            // any does). Reading the -shm through a file handle of our own and closing it would otherwise drop every
            // POSIX lock this process's SQLite connections hold on it (a close drops all of a process's locks on the
            // file), and another process could then take itself for the last user and reset the log under them.
            if (File.Exists(Log(index)) || !File.Exists(SharedMemory(index))) return;
            // The -shm file is SQLite's index of the log (https://www.sqlite.org/walformat.html): mxFrame, the last
            // committed frame, at byte 16, and nBackfill, the frames already copied into the index, at byte 96,
            // both in native byte order. More committed than copied, and no log: the changes in between are gone.
            if (!(SqliteLegacy.ReadHeader(SharedMemory(index), 136) is byte[] header)) return;
            const uint WalIndexVersion = 3007000;
            uint version = BitConverter.ToUInt32(header, 0), committed = BitConverter.ToUInt32(header, 16), copied = BitConverter.ToUInt32(header, 96);
            if (version == WalIndexVersion && header[12] == 1 && committed > copied)
                throw Damaged(store,
                    $"its write-ahead log '{Log(index)}' is missing, though '{SharedMemory(index)}' records {committed - copied} committed page writes in it that never reached the index");
        }

        /// <summary>An index without tables: a file named index.db is only ever created with its schema.</summary>
        public static StoreFormatException NoTables(string store, string index) =>
            Damaged(store, $"its index '{index}' holds no tables (its write-ahead log '{Log(index)}' was deleted before its first changes reached the index)");

        private static StoreFormatException Damaged(string store, string what) =>
            new StoreFormatException("StoreIndexDamaged", store,
                $"The store '{store}' is damaged: {what}. Nothing was changed, and no new store is made over it. Put back the missing file if you still have it, or restore the store folder from a backup; Get-PersistStore works again once the index is whole.");

        /// <summary>
        /// Why this process may not write the store, or null when it may. Asked before every connection: a read of
        /// a store it may not write opens the index read-only and creates nothing (SQLite would otherwise create a
        /// -shm file, and one left read-only by another user kept refusing writes after the store was made writable).
        /// </summary>
        public static string? WhyNotWritable(string store, string index)
        {
            if (NativeFiles.WhyNotWritable(store) is string folder) return $"its folder '{store}' is {folder}";
            if (NativeFiles.WhyNotWritable(index) is string file) return $"its index '{index}' is {file}";
            string shm = SharedMemory(index);
            if (File.Exists(shm) && NativeFiles.WhyNotWritable(shm) is string memory)
                return $"'{shm}' is {memory} (left by a read-only open; delete it when no process uses the store: SQLite makes it again)";
            return null;
        }
    }
}
