using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Threading;
using Microsoft.Data.Sqlite;
using PersistStore.Engine.Errors;
using PersistStore.Engine.Model;
using PersistStore.Engine.Retry;
using PersistStore.Engine.Storage.FileSystems;

namespace PersistStore.Engine.Storage.Sqlite
{
    /// <summary>
    /// The embedded backend (format 4): a folder holding the SQLite index (index.db, WAL mode) and packs/ with the
    /// chunk bytes. Writers take BEGIN IMMEDIATE (so two writers queue on the busy timeout instead of failing at
    /// commit) and sync fully on commit: a committed change survives power loss. A pack is durable before the
    /// index transaction that refers to it commits.
    /// </summary>
    public sealed class SqliteStore : IStoreBackend
    {
        public const string IndexFileName = "index.db";
        public const string PacksFolderName = "packs";
        internal static readonly byte[] SqliteHeader = System.Text.Encoding.ASCII.GetBytes("SQLite format 3\0");
        private readonly string _connectionString;
        private readonly int _busyTimeoutMs;

        private SqliteStore(StoreLocation location, StoreOpenOptions options)
        {
            Location = location;
            IndexPath = IndexFile(location.Value);
            Packs = new Packs.LocalPackStore(Path.Combine(location.Value, PacksFolderName));
            _busyTimeoutMs = Milliseconds(options.BusyTimeout);
            _connectionString = new SqliteConnectionStringBuilder
            {
                DataSource = IndexPath,
                Mode = SqliteOpenMode.ReadWrite,   // the index is created whole elsewhere (SqliteIndexFile.Create)
                Cache = SqliteCacheMode.Private,
                Pooling = true,
            }.ToString();
        }

        public StoreLocation Location { get; }
        public string IndexPath { get; }
        public Packs.IPackStore Packs { get; }
        public string BackendName => "SQLite";

        /// <summary>The index database of the store folder.</summary>
        public static string IndexFile(string storeFolder) => Path.Combine(storeFolder, IndexFileName);
        public int FormatVersion { get; private set; }

        public static SqliteStore Open(string fullPath, StoreOpenOptions options) =>
            Open(fullPath, options, SqliteSchema.Migrations);

        internal static SqliteStore Open(string fullPath, StoreOpenOptions options, IReadOnlyList<SchemaMigration> migrations)
        {
            var location = StoreLocation.ForFile(fullPath);
            if (File.Exists(fullPath))
            {
                if (SqliteLegacy.IsFormat3OrOlder(fullPath)) throw SqliteLegacy.UpgradeRequired(fullPath);
                throw SqliteErrors.NotAStore(fullPath);
            }
            string? folder = Path.GetDirectoryName(fullPath);
            if (string.IsNullOrEmpty(folder) || !Directory.Exists(folder))
                throw new StoreNotFoundException(fullPath,
                    $"The folder '{folder}' of the store path '{fullPath}' does not exist. Create the folder first, or choose a store path in an existing folder.");
            StoreFolderCheck.Check(folder!, options.Warn);

            string index = IndexFile(fullPath);
            bool exists = File.Exists(index);
            if (!exists && Directory.Exists(fullPath) && HoldsAnything(fullPath))
                throw SqliteLegacy.FolderWithoutIndex(fullPath, index);
            if (!exists && !Directory.Exists(fullPath) && Directory.Exists(SqliteConversion.StagingFolder(fullPath)))
                throw new StoreFormatException("StoreUpgradeInterrupted", fullPath,
                    $"An upgrade of the store '{fullPath}' was interrupted. Run Update-PersistStore -Store '{fullPath}' again: it completes the upgrade (the old store's backup is kept beside it).");
            if (!exists && !options.CreateIfMissing)
                throw new StoreNotFoundException(fullPath,
                    $"There is no store at '{fullPath}'. Connect-PersistStore -Path '{fullPath}' creates one (so does any command that changes it, like New-Run).");
            if (exists)
            {
                // Not its header through a file handle of our own: closing it would drop the POSIX locks this process's
                // connections hold on the index (another backend of the same store may be open here), and another
                // process could then take itself for the index's last user, checkpoint and reset the log under them:
                // measured, killed Optimize passes then deleted live packs as leftovers. SQLite's own first read
                // says NOTADB for a file that is not a database (NotAPersistStore).
                SqliteIndexFile.CheckWhole(fullPath, index);
            }
            else
            {
                CreateFolder(fullPath);
                try { SqliteIndexFile.Create(index, db => CreateSchema(db, migrations, options)); }
                catch (SqliteException e) { throw SqliteErrors.Translate(e, location); }
                catch (Exception e) when (WriteErrors.IsNotWritable(e))
                {
                    throw new StoreAccessException(fullPath, $"The store '{fullPath}' cannot be created: {e.Message}. Choose a writable folder for the store.", e);
                }
            }

            var store = new SqliteStore(location, options);
            store.Initialize(migrations);
            return store;
        }

        /// <summary>Anything in the folder but what a creator makes before the index has its name (another process
        /// creating the store now, or a killed one): an empty packs/ folder and indexes being created.</summary>
        private static bool HoldsAnything(string folder) =>
            Directory.EnumerateFileSystemEntries(folder).Any(e =>
                !Path.GetFileName(e).StartsWith(SqliteIndexFile.CreatingPrefix, StringComparison.Ordinal)
                && !(Path.GetFileName(e) == PacksFolderName && Directory.Exists(e) && !Directory.EnumerateFileSystemEntries(e).Any()));

        public T Read<T>(Func<IStoreReader, T> work, CancellationToken cancel = default)
        {
            cancel.ThrowIfCancellationRequested();
            Interlocked.Increment(ref _working);
            try
            {
                using var db = Connect(_busyTimeoutMs, write: false);
                db.BeginRead();
                return work(new SqliteSession(db, this, writing: false));
            }
            catch (SqliteException e) { throw SqliteErrors.Translate(e, Location); }
            finally { Done(); }
        }

        /// <summary>Units of work running now: when the last ends, the packs they read are closed (OpenPacks).</summary>
        private int _working;

        private void Done()
        {
            if (Interlocked.Decrement(ref _working) == 0) Packs.CloseIdle();
        }

        public T Write<T>(Func<IStoreWriter, T> work, CancellationToken cancel = default, RetryPolicy? retry = null)
        {
            cancel.ThrowIfCancellationRequested();
            Interlocked.Increment(ref _working);
            try
            {
                using var db = Connect(retry == null ? _busyTimeoutMs : Milliseconds(retry.StoreBusyWait), write: true);
                db.BeginImmediate();
                var result = work(new SqliteSession(db, this, writing: true));
                cancel.ThrowIfCancellationRequested();
                db.Commit();
                return result;
            }
            catch (SqliteException e) { throw SqliteErrors.Translate(e, Location); }
            finally { Done(); }
        }

        /// <summary>
        /// Page cache per connection (SQLite's default is 2,000 KiB). Pooled connections keep their caches, and a
        /// checkpoint uses three or four at once; blob data is read once, so only b-tree pages gain from a cache.
        /// Nothing-changed checkpoint of the benchmark tree: 2-3 MB lower peak, same time. Blob batches raise it
        /// while they are written (SqliteBlobRows.Put).
        /// </summary>
        internal const long CacheKiB = 512;

        private static int Milliseconds(TimeSpan wait) => (int)Math.Min(int.MaxValue, Math.Max(0, wait.TotalMilliseconds));

        /// <summary>
        /// A connection for a read or a write. A store this process may not write is read through a read-only
        /// connection that creates nothing: with no write-ahead log on disk the index file is the whole store and
        /// opens immutable (no -shm, no locks; unpooled, as an immutable connection never sees later changes); with a
        /// log, SQLite reads it through the existing -shm.
        /// </summary>
        private SqliteDb Connect(int busyTimeoutMs, bool write)
        {
            string? notWritable = SqliteIndexFile.WhyNotWritable(Location.Value, IndexPath);
            if (notWritable != null && write)
                throw new StoreAccessException(Location.Display,
                    $"The store '{Location.Display}' cannot be written: {notWritable}. Nothing was changed; the store can still be read. Make it writable for {Environment.UserName}, or run the command as a user who may write it.");
            var connection = new SqliteConnection(notWritable == null ? _connectionString : ReadOnlyConnectionString(!SqliteIndexFile.HasLog(IndexPath)));
            var db = new SqliteDb(connection);
            try
            {
                // Microsoft.Data.Sqlite retries busy statements itself until the command timeout: keep both waits equal.
                connection.DefaultTimeout = Math.Max(1, (int)Math.Ceiling(busyTimeoutMs / 1000.0));   // 0 would mean no limit
                connection.Open();
                db.Execute($"PRAGMA busy_timeout = {busyTimeoutMs}; PRAGMA foreign_keys = ON; PRAGMA synchronous = FULL; PRAGMA journal_size_limit = 67108864; PRAGMA cache_size = -{CacheKiB};");
                return db;
            }
            catch (SqliteException e) when (notWritable != null)
            {
                db.Dispose();
                throw new StoreAccessException(Location.Display,
                    $"The store '{Location.Display}' cannot be read: {notWritable}, and its write-ahead log '{SqliteIndexFile.Log(IndexPath)}' holds changes that SQLite reads only through a shared-memory file it may not create ({e.Message.TrimEnd('.')}). Open the store once as a user who may write it (that folds the log into the index), then read it again.", e);
            }
            catch
            {
                db.Dispose();
                throw;
            }
        }

        private string ReadOnlyConnectionString(bool immutable)
        {
            // A URI names the file: '%', '?' and '#' are escaped, and Windows paths get forward slashes.
            string path = IndexPath.Replace("%", "%25").Replace("?", "%3F").Replace("#", "%23");
            if (Path.DirectorySeparatorChar == '\\') path = "/" + path.Replace('\\', '/');
            return new SqliteConnectionStringBuilder
            {
                DataSource = "file://" + path + (immutable ? "?immutable=1" : ""),
                Mode = SqliteOpenMode.ReadOnly,
                Cache = SqliteCacheMode.Private,
                Pooling = !immutable,
            }.ToString();
        }

        private void Initialize(IReadOnlyList<SchemaMigration> migrations)
        {
            int latest = migrations[migrations.Count - 1].Version;
            try
            {
                int found;
                using (var db = Connect(_busyTimeoutMs, write: false)) found = ReadFormatVersion(db);
                StoreFormat.CheckReadable(Location.Display, found, latest);
                FormatVersion = found;
            }
            catch (SqliteException e) { throw SqliteErrors.Translate(e, Location); }
            catch (PersistStoreException)
            {
                // A refused store is left as it was: its pooled connection is closed now, and SQLite removes the -wal
                // and -shm that reading its format opened. (Only a refused store's pool is cleared: closing connections
                // of a store this process has open elsewhere is harmless now that nothing else opens its files, but
                // keeping them saves every later command a new connection.)
                SqliteConnection.ClearPool(new SqliteConnection(_connectionString));
                throw;
            }
        }

        /// <summary>The stamped format version.</summary>
        private int ReadFormatVersion(SqliteDb db)
        {
            long tables = (long)db.Scalar("SELECT COUNT(*) FROM sqlite_master")!;
            if (tables == 0) throw SqliteIndexFile.NoTables(Location.Display, IndexPath);
            long appId = (long)db.Scalar("PRAGMA application_id")!;
            bool hasMeta = (long)db.Scalar("SELECT COUNT(*) FROM sqlite_master WHERE type = 'table' AND name = 'store_meta'")! > 0;
            if (appId != SqliteSchema.ApplicationId || !hasMeta)
                throw SqliteErrors.NotAStore(Location.Display);
            var text = db.Scalar("SELECT value FROM store_meta WHERE key = 'format_version'") as string;
            if (!int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out int version))
                throw new StoreFormatException("StoreCorrupt", Location.Display,
                    $"The store '{Location.Display}' has no valid format version. Restore it from a backup.");
            return version;
        }

        private static void CreateSchema(SqliteDb db, IReadOnlyList<SchemaMigration> migrations, StoreOpenOptions options)
        {
            // Default 4 KiB pages: 64 KiB pages were 6% faster on the benchmark data but made the store 3% larger.
            SqliteSchema.Apply(db, 0, migrations);
            db.Execute($"PRAGMA application_id = {SqliteSchema.ApplicationId}");
            var now = DateTime.UtcNow;
            string storeId = Guid.NewGuid().ToString("D");
            db.Execute("INSERT INTO store_meta(key, value) VALUES ('store_id', $id), ('created_at', $at), ('created_by', $by)",
                ("$id", storeId), ("$at", now.Ticks.ToString(CultureInfo.InvariantCulture)), ("$by", options.Actor.UserAtHost));
            SqliteHistoryRows.Append(db, new HistoryDraft(Operations.CreateStore, null, null,
                $"store {storeId}, format {migrations[migrations.Count - 1].Version}"), options.Actor, now);
        }

        /// <summary>The store's own folder and its packs/ folder, flushed into their parent so a crash keeps them.</summary>
        private static void CreateFolder(string fullPath)
        {
            try
            {
                bool created = !Directory.Exists(fullPath);
                Directory.CreateDirectory(Path.Combine(fullPath, PacksFolderName));
                if (created) DirectorySync.Flush(Path.GetDirectoryName(fullPath)!);
                DirectorySync.Flush(fullPath);
            }
            catch (Exception e) when (WriteErrors.IsNotWritable(e))
            {
                throw new StoreAccessException(fullPath, $"The store folder '{fullPath}' cannot be created: {e.Message}. Choose a writable folder for the store.", e);
            }
        }
    }
}
