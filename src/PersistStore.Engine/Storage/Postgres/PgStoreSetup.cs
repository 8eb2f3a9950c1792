using System;
using System.Globalization;
using PersistStore.Engine.Errors;
using PersistStore.Engine.Model;

namespace PersistStore.Engine.Storage.Postgres
{
    /// <summary>
    /// Opening a PostgreSQL store: the schema named by the connection (its Search Path, else public) either holds a
    /// store, or is empty and gets one when the command may create it. A schema holding other tables is refused rather
    /// than mixed with them. Two processes creating the same store at once serialize on the writers' lock; the second
    /// finds the first's store.
    /// </summary>
    internal static class PgStoreSetup
    {
        public static int OpenOrCreate(PgDb db, string where, StoreOpenOptions options, string takeWriteLock)
        {
            if (HasStore(db)) return ReadFormat(db, where);
            string? schema = db.Scalar("SELECT current_schema()") as string;
            string? wanted = FirstSearchPathSchema(db);
            if (schema == null && wanted == null)
                throw new StoreNotFoundException(where, $"The connection to '{where}' has no schema to create the store in (its search_path names none that exists). Name one with Search Path=<schema>.");
            if (schema != null && db.Long("SELECT COUNT(*) FROM pg_tables WHERE schemaname = current_schema()") > 0)
                throw new StoreFormatException("NotAPersistStore", where,
                    $"The schema '{schema}' of '{where}' holds tables that are not a PersistStore store. Use an empty database, or a schema of its own (Search Path=<new schema>).");
            if (!options.CreateIfMissing)
                throw new StoreNotFoundException(where,
                    $"There is no store in '{where}'. Connect-PersistStore -ConnectionString '{where}' creates one (so does any command that changes it, like New-Run).");

            db.Begin(System.Data.IsolationLevel.ReadCommitted, readOnly: false);
            if (schema == null) db.Execute($"CREATE SCHEMA IF NOT EXISTS \"{wanted!.Replace("\"", "\"\"")}\"");
            db.Execute(takeWriteLock);
            if (HasStore(db))
            {
                db.Commit();
                return ReadFormat(db, where);
            }
            PgSchema.Apply(db, 0);
            var now = DateTime.UtcNow;
            string storeId = Guid.NewGuid().ToString("D");
            db.Execute("INSERT INTO store_meta (key, value) VALUES ('store_id', @id), ('created_at', @at), ('created_by', @by)",
                ("id", storeId), ("at", now.Ticks.ToString(CultureInfo.InvariantCulture)), ("by", options.Actor.UserAtHost));
            PgHistoryRows.Append(db, new HistoryDraft(Operations.CreateStore, null, null,
                $"store {storeId}, format {PgSchema.LatestVersion}, PostgreSQL"), options.Actor, now);
            db.Commit();
            return PgSchema.LatestVersion;
        }

        /// <summary>The format of the store the connection names; StoreNotFound when it names none.</summary>
        public static int ReadExisting(PgDb db, string where)
        {
            if (!HasStore(db)) throw new StoreNotFoundException(where, $"There is no store in '{where}' to upgrade.");
            return ReadFormat(db, where);
        }

        private static bool HasStore(PgDb db) => db.Scalar("SELECT to_regclass('store_meta')::text") != null;

        private static string? FirstSearchPathSchema(PgDb db)
        {
            string path = db.Scalar("SHOW search_path") as string ?? "";
            foreach (var part in path.Split(','))
            {
                string name = part.Trim().Trim('"');
                if (name.Length > 0 && name != "$user") return name;
            }
            return null;
        }

        private static int ReadFormat(PgDb db, string where)
        {
            var text = db.Scalar("SELECT value FROM store_meta WHERE key = 'format_version'") as string;
            if (!int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out int version))
                throw new StoreFormatException("StoreCorrupt", where, $"The store '{where}' has no valid format version. Restore it from a backup.");
            return version;
        }
    }
}
