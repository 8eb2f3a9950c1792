using System;
using System.Globalization;
using System.Threading;
using Npgsql;
using PersistStore.Engine.Errors;
using PersistStore.Engine.Model;
using PersistStore.Engine.Retry;

namespace PersistStore.Engine.Storage.Postgres
{
    /// <summary>
    /// The shared backend: the store's tables and its packs (pack_files) in one PostgreSQL database, or in one schema
    /// of it when the connection string's Search Path names one. Writers serialize on one transaction-scoped advisory
    /// lock per store, as SQLite's writers do on BEGIN IMMEDIATE: the change log's chain and the maintenance rules
    /// assume one writer at a time, and a write unit is milliseconds. Reads are REPEATABLE READ snapshots that never
    /// wait for writers. A write unit whose connection drops, or that PostgreSQL aborts as a serialization failure or
    /// deadlock, runs again from the start under the caller's retry budget; one lost while committing is reported as
    /// such (it may have committed), never run twice.
    /// </summary>
    public sealed class PgStore : IStoreBackend, IDisposable
    {
        /// <summary>The writers' advisory lock: first key 'PSTR' (as the SQLite index's application_id), second the
        /// schema's hash, so that stores in different schemas of one database do not wait for each other.</summary>
        private const string TakeWriteLock = "SELECT pg_advisory_xact_lock(1347638354, hashtext(current_schema()))";
        private readonly NpgsqlDataSource _source;
        private readonly TimeSpan _busyTimeout;

        private PgStore(StoreLocation location, NpgsqlDataSource source, StoreOpenOptions options)
        {
            Location = location;
            _source = source;
            _busyTimeout = options.BusyTimeout;
            Packs = new PgPackStore(this);
        }

        public StoreLocation Location { get; }
        public string BackendName => "PostgreSQL";
        public int FormatVersion { get; private set; }
        public Packs.IPackStore Packs { get; }

        public static PgStore Open(StoreLocation location, StoreOpenOptions options)
        {
            var source = PgConnectionString.CreateSource(location);
            var store = new PgStore(location, source, options);
            try
            {
                store.FormatVersion = store.Run(() =>
                {
                    using var db = store.Connect();
                    return PgStoreSetup.OpenOrCreate(db, location.Display, options, TakeWriteLock);
                }, options.BusyTimeout);
                StoreFormat.CheckReadable(location.Display, store.FormatVersion, PgSchema.LatestVersion);
                return store;
            }
            catch
            {
                store.Dispose();
                throw;
            }
        }

        /// <summary>
        /// Update-PersistStore on PostgreSQL: the format steps and their change-log entry in one transaction under the
        /// writers' lock (DDL is transactional here, so a failed or killed upgrade leaves the old format whole). No
        /// backup file is written: a database is backed up with pg_dump, which the docs ask for first.
        /// </summary>
        public static UpgradeResult Upgrade(StoreLocation location, StoreOpenOptions options)
        {
            using var store = new PgStore(location, PgConnectionString.CreateSource(location), options);
            return store.Run(() =>
            {
                using var db = store.BeginWriter(options.BusyTimeout);
                int found = PgStoreSetup.ReadExisting(db, location.Display);
                if (found > PgSchema.LatestVersion) StoreFormat.CheckReadable(location.Display, found, PgSchema.LatestVersion);   // refused
                if (found < PgSchema.LatestVersion)
                {
                    PgSchema.Apply(db, found);
                    PgHistoryRows.Append(db, new HistoryDraft(Operations.UpgradeStore, null, null,
                        $"format {found} -> {PgSchema.LatestVersion}; one transaction, no backup file"), options.Actor, DateTime.UtcNow);
                }
                db.Commit();
                return new UpgradeResult(found, PgSchema.LatestVersion, null);
            }, options.BusyTimeout);
        }

        public T Read<T>(Func<IStoreReader, T> work, CancellationToken cancel = default)
        {
            cancel.ThrowIfCancellationRequested();
            // Only the start of a read is retried: the work may already have written files or objects.
            var db = Run(() =>
            {
                var d = Connect();
                try { d.Begin(System.Data.IsolationLevel.RepeatableRead, readOnly: true); }
                catch { d.Dispose(); throw; }
                return d;
            }, _busyTimeout);
            try
            {
                using (db) return work(new PgSession(db, this, writing: false));
            }
            catch (NpgsqlException e) { throw PgErrors.Translate(e, Location); }
        }

        public T Write<T>(Func<IStoreWriter, T> work, CancellationToken cancel = default, RetryPolicy? retry = null)
        {
            cancel.ThrowIfCancellationRequested();
            var wait = retry?.StoreBusyWait ?? _busyTimeout;
            return Run(() =>
            {
                using var db = BeginWriter(wait);
                var result = work(new PgSession(db, this, writing: true));
                cancel.ThrowIfCancellationRequested();
                try { db.Commit(); }
                catch (NpgsqlException e) when (e is not PostgresException)
                {
                    throw new PersistStoreException("StoreCommitUnknown", ErrorKind.ResourceUnavailable, Location.Display,
                        $"The connection to '{Location.Display}' was lost while a change was being committed: it may or may not have been made. Check with Get-RunHistory before you run the command again.", e);
                }
                return result;
            }, wait, cancel);
        }

        /// <summary>Runs an attempt again while it fails for a reason that passes (dropped connection, server restart,
        /// serialization failure, deadlock), with backoff, until wait has passed; other failures are translated.</summary>
        private T Run<T>(Func<T> attempt, TimeSpan wait, CancellationToken cancel = default)
        {
            var policy = new RetryPolicy { MaxWait = wait };
            var random = new Random();
            var started = DateTime.UtcNow;
            for (int tries = 1; ; tries++)
            {
                try { return attempt(); }
                catch (NpgsqlException e) when (PgErrors.IsTransient(e) && DateTime.UtcNow - started < wait)
                {
                    _source.Clear();   // the pool's other connections died with this one
                    cancel.WaitHandle.WaitOne(policy.DelayAfter(tries, random));
                    cancel.ThrowIfCancellationRequested();
                }
                catch (NpgsqlException e) { throw PgErrors.Translate(e, Location); }
                catch (InvalidOperationException e) when (e.InnerException is NpgsqlException n) { throw PgErrors.Translate(n, Location); }
            }
        }

        internal PgDb Connect() => new PgDb(_source.OpenConnection());

        /// <summary>A connection in a writer's transaction holding the store's writers' lock, waited for at most wait
        /// (as SQLite's busy_timeout bounds it; StoreBusy after that).</summary>
        private PgDb BeginWriter(TimeSpan wait)
        {
            var db = Connect();
            try
            {
                db.Begin(System.Data.IsolationLevel.ReadCommitted, readOnly: false);
                db.Execute("SET LOCAL lock_timeout = " + Math.Max(1, (long)wait.TotalMilliseconds).ToString(CultureInfo.InvariantCulture));
                db.Execute(TakeWriteLock);
                return db;
            }
            catch
            {
                db.Dispose();
                throw;
            }
        }

        /// <summary>A connection outside any unit of work (the pack store's reads and writes: each its own transaction).</summary>
        internal T WithConnection<T>(Func<PgDb, T> work) => Run(() =>
        {
            using var db = Connect();
            return work(db);
        }, _busyTimeout);

        public void Dispose() => _source.Dispose();
    }
}
