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
            if (location.Kind == StoreKind.PostgreSql)
                throw new UnsupportedStoreLocationException("BackendNotAvailable", location.Display,
                    "PostgreSQL stores are not available in this version of PersistStore yet. Use a SQLite store path.");
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
    }
}
