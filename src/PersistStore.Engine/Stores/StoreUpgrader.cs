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
                throw new UnsupportedStoreLocationException("BackendNotAvailable", location.Display,
                    "PostgreSQL stores are not available in this version of PersistStore yet. Use a SQLite store path.");
            if (!File.Exists(location.Value) && !Directory.Exists(location.Value) && !Directory.Exists(SqliteConversion.StagingFolder(location.Value)))
                throw new StoreNotFoundException(location.Display, $"There is no store at '{location.Display}' to upgrade.");
            return SqliteUpgrade.Upgrade(location.Value, backupPath, new StoreOpenOptions { Actor = actor });
        }
    }
}
