using System;
using System.IO;
using PersistStore.Engine.Errors;
using PersistStore.Engine.Identity;
using PersistStore.Engine.Storage;
using PersistStore.Engine.Storage.Sqlite;

namespace PersistStore.Engine.Stores
{
    /// <summary>Update-PersistStore: brings a store written by an older version to this version's format, backup first.</summary>
    public static class StoreUpgrader
    {
        public static UpgradeResult Upgrade(ResolvedStore resolved, string? backupPath, Actor actor)
        {
            var location = resolved.Location;
            if (location.Kind == StoreKind.PostgreSql)
            {
                if (backupPath != null)
                    throw new PersistStoreException("BackupPathNotSupported", ErrorKind.InvalidArgument, location.Display,
                        "A PostgreSQL store is upgraded in one transaction and writes no backup file: back the database up with pg_dump, then run Update-PersistStore without -BackupPath.");
#if NET8_0_OR_GREATER
                return Storage.Postgres.PgStore.Upgrade(location, new StoreOpenOptions { Actor = actor });
#else
                throw new UnsupportedStoreLocationException("BackendNotAvailable", location.Display,
                    "PostgreSQL stores need PowerShell 7.4 or later; Windows PowerShell 5.1 reads and writes SQLite stores only. Run this command in pwsh.");
#endif
            }
            if (!File.Exists(location.Value) && !Directory.Exists(location.Value) && !Directory.Exists(SqliteConversion.StagingFolder(location.Value)))
                throw new StoreNotFoundException(location.Display, $"There is no store at '{location.Display}' to upgrade.");
            return SqliteUpgrade.Upgrade(location.Value, backupPath, new StoreOpenOptions { Actor = actor });
        }
    }
}
