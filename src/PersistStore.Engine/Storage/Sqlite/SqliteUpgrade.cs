using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using Microsoft.Data.Sqlite;
using PersistStore.Engine.Errors;
using PersistStore.Engine.Model;

namespace PersistStore.Engine.Storage.Sqlite
{
    /// <summary>
    /// Explicit format upgrades: a consistent backup copy first (SQLite's online backup), then every pending
    /// migration and the UpgradeStore history entry in one BEGIN IMMEDIATE transaction, so other writers wait and a
    /// crash leaves either the old format or the new one.
    /// </summary>
    public static class SqliteUpgrade
    {
        public static int Upgrade(string storePath, string backupPath, StoreOpenOptions options) =>
            Upgrade(storePath, backupPath, options, SqliteSchema.Migrations);

        internal static int Upgrade(string storePath, string backupPath, StoreOpenOptions options, IReadOnlyList<SchemaMigration> migrations)
        {
            if (File.Exists(backupPath))
                throw new PersistStoreException("BackupExists", ErrorKind.AlreadyExists, backupPath,
                    $"The backup file '{backupPath}' already exists. Choose another backup path; an existing file is never overwritten.");
            int latest = migrations[migrations.Count - 1].Version;
            var location = StoreLocation.ForFile(storePath);
            try
            {
                using var connection = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = storePath, Mode = SqliteOpenMode.ReadWrite, Pooling = false }.ToString());
                connection.Open();
                using (var backup = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = backupPath, Pooling = false }.ToString()))
                {
                    backup.Open();
                    connection.BackupDatabase(backup);
                }
                using var db = new SqliteDb(connection);
                db.Execute($"PRAGMA busy_timeout = {(int)options.BusyTimeout.TotalMilliseconds}; PRAGMA foreign_keys = ON;");
                db.BeginImmediate();
                int found = int.Parse((string)db.Scalar("SELECT value FROM store_meta WHERE key = 'format_version'")!, CultureInfo.InvariantCulture);
                if (found > latest) StoreFormat.CheckReadable(location.Display, found, latest);
                if (found < latest)
                {
                    SqliteSchema.Apply(db, found, migrations);
                    SqliteHistoryRows.Append(db, new HistoryDraft(Operations.UpgradeStore, null, null,
                        $"format {found} -> {latest}; backup '{backupPath}'"), options.Actor, DateTime.UtcNow);
                }
                db.Commit();
                return latest;
            }
            catch (SqliteException e) { throw SqliteErrors.Translate(e, location); }
        }
    }
}
