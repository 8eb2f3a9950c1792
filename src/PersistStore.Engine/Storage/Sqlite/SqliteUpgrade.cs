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
    /// Explicit format upgrades. Inside one BEGIN IMMEDIATE transaction (other writers wait, so nothing changes
    /// between the backup and the migration): read the format, copy the store with SQLite's online backup, apply
    /// every pending migration and log UpgradeStore. A crash leaves either the old format or the new one.
    /// </summary>
    public static class SqliteUpgrade
    {
        public static UpgradeResult Upgrade(string storePath, string? backupPath, StoreOpenOptions options) =>
            Upgrade(storePath, backupPath, options, SqliteSchema.Migrations);

        /// <summary>The backup's default name: beside the store, saying which format it holds and when it was taken.</summary>
        public static string DefaultBackupPath(string storePath, int fromVersion, DateTime nowUtc) =>
            Path.Combine(Path.GetDirectoryName(storePath) ?? "",
                $"{Path.GetFileNameWithoutExtension(storePath)}.format{fromVersion}-{nowUtc:yyyyMMdd-HHmmss}{Path.GetExtension(storePath)}");

        /// <summary>A direct (unpooled) connection for upgrades, backups and their checks: nothing else holds it open.</summary>
        internal static SqliteConnection Connect(string path, SqliteOpenMode mode, StoreOpenOptions options)
        {
            var c = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = path, Mode = mode, Pooling = false }.ToString());
            c.Open();
            using var cmd = c.CreateCommand();
            cmd.CommandText = $"PRAGMA busy_timeout = {(int)options.BusyTimeout.TotalMilliseconds}; PRAGMA foreign_keys = ON;";
            cmd.ExecuteNonQuery();
            return c;
        }

        internal static UpgradeResult Upgrade(string storePath, string? backupPath, StoreOpenOptions options, IReadOnlyList<SchemaMigration> migrations)
        {
            if (backupPath != null && File.Exists(backupPath)) throw UpgradeErrors.BackupExists(backupPath);
            // One file (formats 1-3), or what is left of an interrupted conversion: becomes a folder.
            if (File.Exists(storePath) || (!Directory.Exists(storePath) && Directory.Exists(SqliteConversion.StagingFolder(storePath))))
                return SqliteConversion.Run(storePath, backupPath, options, DefaultBackupPath);
            int latest = migrations[migrations.Count - 1].Version;
            var location = StoreLocation.ForFile(storePath);
            string index = SqliteStore.IndexFile(storePath);
            try
            {
                using var db = new SqliteDb(Connect(index, SqliteOpenMode.ReadWrite, options));
                db.BeginImmediate();
                int found = int.Parse((string)db.Scalar("SELECT value FROM store_meta WHERE key = 'format_version'")!, CultureInfo.InvariantCulture);
                if (found > latest) StoreFormat.CheckReadable(location.Display, found, latest);
                if (found == latest) return new UpgradeResult(found, found, null);

                var now = DateTime.UtcNow;
                // The default name is made free (-2, -3, ...): an upgrade killed after its backup and run again within
                // the same second would otherwise find its own backup there. A name the user gave is never overwritten.
                if (backupPath == null)
                {
                    string name = DefaultBackupPath(storePath, found, now);
                    backupPath = name;
                    for (int n = 2; File.Exists(backupPath); n++)
                        backupPath = Path.Combine(Path.GetDirectoryName(name) ?? "", $"{Path.GetFileNameWithoutExtension(name)}-{n}{Path.GetExtension(name)}");
                }
                else if (File.Exists(backupPath)) throw UpgradeErrors.BackupExists(backupPath);
                // A second connection reads the last committed state, which our write lock keeps current until we commit.
                using (var reader = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = index, Mode = SqliteOpenMode.ReadOnly, Pooling = false }.ToString()))
                using (var backup = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = backupPath, Pooling = false }.ToString()))
                {
                    reader.Open();
                    backup.Open();
                    reader.BackupDatabase(backup);
                }
                SqliteSchema.Apply(db, found, migrations);
                SqliteHistoryRows.Append(db, new HistoryDraft(Operations.UpgradeStore, null, null,
                    $"format {found} -> {latest}; backup '{backupPath}'"), options.Actor, now);
                db.Commit();
                return new UpgradeResult(found, latest, backupPath);
            }
            catch (SqliteException e) { throw SqliteErrors.Translate(e, location); }
        }
    }
}
