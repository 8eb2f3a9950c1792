using System;
using System.Collections.Concurrent;
using System.IO;
using PersistStore.Engine.Errors;
using PersistStore.Engine.Storage;
using PersistStore.Engine.Storage.Sqlite;

namespace PersistStore.Engine.Stores
{
    /// <summary>
    /// Opens backends and keeps them for the life of the process: opening checks the folder and the format once;
    /// later commands reuse the checked backend (its connections are pooled).
    /// </summary>
    public static class StoreCatalog
    {
        private static readonly ConcurrentDictionary<StoreLocation, IStoreBackend> Open = new ConcurrentDictionary<StoreLocation, IStoreBackend>();

        public static IStoreBackend Get(ResolvedStore resolved, bool createIfMissing, Action<string>? warn = null)
        {
            var location = resolved.Location;
            if (location.Kind == StoreKind.PostgreSql) return OpenPostgres(location, createIfMissing, warn);
            if (Open.TryGetValue(location, out var cached) && File.Exists(SqliteStore.IndexFile(location.Value))) return cached;
            if (resolved.Source == StoreSource.UserDefault)
            {
                Directory.CreateDirectory(Path.GetDirectoryName(location.Value)!);
                createIfMissing = true;
            }
            var backend = SqliteStore.Open(location.Value, new StoreOpenOptions { CreateIfMissing = createIfMissing, Warn = warn });
            Open[location] = backend;
            return backend;
        }

        /// <summary>A PostgreSQL store: PowerShell 7 (net8.0) only; the Windows PowerShell build says so.</summary>
        private static IStoreBackend OpenPostgres(StoreLocation location, bool createIfMissing, Action<string>? warn)
        {
#if NET8_0_OR_GREATER
            if (Open.TryGetValue(location, out var cached)) return cached;
            var backend = Storage.Postgres.PgStore.Open(location, new StoreOpenOptions { CreateIfMissing = createIfMissing, Warn = warn });
            var kept = Open.GetOrAdd(location, backend);
            if (!ReferenceEquals(kept, backend)) backend.Dispose();
            return kept;
#else
            throw new UnsupportedStoreLocationException("BackendNotAvailable", location.Display,
                "PostgreSQL stores need PowerShell 7.4 or later; Windows PowerShell 5.1 reads and writes SQLite stores only. Run this command in pwsh.");
#endif
        }
    }
}
