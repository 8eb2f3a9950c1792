using System.Collections.Generic;
using System.Globalization;

namespace PersistStore.Engine.Storage.Sqlite
{
    /// <summary>One step of the store format: applied in order, each inside the upgrade's transaction.</summary>
    internal sealed record SchemaMigration(int Version, string Description, IReadOnlyList<string> Statements);

    /// <summary>
    /// The SQLite store format. A new store applies every migration; an older store is upgraded only on request
    /// (never silently); a newer one is refused. Times are UTC ticks so the PostgreSQL backend can store them exactly.
    /// </summary>
    internal static class SqliteSchema
    {
        /// <summary>'PSTR': marks the file as a PersistStore store for tools like `file` and for our own checks.</summary>
        public const int ApplicationId = 0x50535452;

        public static readonly IReadOnlyList<SchemaMigration> Migrations = new[]
        {
            new SchemaMigration(1, "runs, tags, properties, the change log, blobs and checkpoints", new[]
            {
                @"CREATE TABLE store_meta (key TEXT PRIMARY KEY, value TEXT NOT NULL) WITHOUT ROWID",
                @"CREATE TABLE runs (
                    id TEXT PRIMARY KEY,
                    name TEXT NOT NULL,
                    name_key TEXT NOT NULL UNIQUE,
                    description TEXT,
                    path TEXT,
                    created_at INTEGER NOT NULL,
                    created_by TEXT NOT NULL,
                    modified_at INTEGER NOT NULL,
                    modified_by TEXT NOT NULL,
                    version INTEGER NOT NULL)",
                @"CREATE TABLE run_tags (
                    run_id TEXT NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
                    position INTEGER NOT NULL,
                    tag TEXT NOT NULL,
                    tag_key TEXT NOT NULL,
                    PRIMARY KEY (run_id, tag_key)) WITHOUT ROWID",
                @"CREATE INDEX run_tags_by_tag ON run_tags (tag_key, run_id)",
                @"CREATE TABLE run_properties (
                    run_id TEXT NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
                    name TEXT NOT NULL,
                    name_key TEXT NOT NULL,
                    kind TEXT NOT NULL,
                    value TEXT NOT NULL,
                    PRIMARY KEY (run_id, name_key)) WITHOUT ROWID",
                @"CREATE TABLE history (
                    id INTEGER PRIMARY KEY,
                    time INTEGER NOT NULL,
                    user TEXT NOT NULL,
                    host TEXT NOT NULL,
                    process_id INTEGER NOT NULL,
                    operation TEXT NOT NULL,
                    run_id TEXT,
                    run_name TEXT,
                    run_name_key TEXT,
                    details TEXT NOT NULL,
                    prev_hash TEXT NOT NULL,
                    hash TEXT NOT NULL)",
                @"CREATE INDEX history_by_run ON history (run_name_key, id)",
                @"CREATE INDEX history_by_time ON history (time)",
                // Chunks and directory listings, content-addressed (SHA-256 of the plain bytes), each stored once.
                @"CREATE TABLE blobs (
                    id BLOB PRIMARY KEY,
                    kind INTEGER NOT NULL,
                    plain_size INTEGER NOT NULL,
                    codec INTEGER NOT NULL,
                    data BLOB NOT NULL)",
                @"CREATE TABLE checkpoints (
                    run_id TEXT NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
                    number INTEGER NOT NULL,
                    kind TEXT NOT NULL,
                    message TEXT,
                    created_at INTEGER NOT NULL,
                    created_by TEXT NOT NULL,
                    parent INTEGER,
                    root_tree BLOB NOT NULL,
                    files INTEGER NOT NULL,
                    directories INTEGER NOT NULL,
                    logical_bytes INTEGER NOT NULL,
                    new_bytes INTEGER NOT NULL,
                    duration INTEGER NOT NULL,
                    PRIMARY KEY (run_id, number)) WITHOUT ROWID",
                @"CREATE TABLE checkpoint_tags (
                    run_id TEXT NOT NULL,
                    number INTEGER NOT NULL,
                    position INTEGER NOT NULL,
                    tag TEXT NOT NULL,
                    PRIMARY KEY (run_id, number, position),
                    FOREIGN KEY (run_id, number) REFERENCES checkpoints(run_id, number) ON DELETE CASCADE) WITHOUT ROWID",
                @"CREATE TABLE checkpoint_properties (
                    run_id TEXT NOT NULL,
                    number INTEGER NOT NULL,
                    name TEXT NOT NULL,
                    kind TEXT NOT NULL,
                    value TEXT NOT NULL,
                    PRIMARY KEY (run_id, number, name),
                    FOREIGN KEY (run_id, number) REFERENCES checkpoints(run_id, number) ON DELETE CASCADE) WITHOUT ROWID",
            }),
            // One lease per run at most (the primary key is the mutual exclusion); lock_id is the fencing token.
            new SchemaMigration(2, "run locks (leases with fencing tokens)", new[]
            {
                @"CREATE TABLE run_locks (
                    run_id TEXT PRIMARY KEY REFERENCES runs(id) ON DELETE CASCADE,
                    lock_id TEXT NOT NULL,
                    session_token TEXT NOT NULL,
                    user TEXT NOT NULL,
                    host TEXT NOT NULL,
                    process_id INTEGER NOT NULL,
                    process_start INTEGER NOT NULL,
                    acquired_at INTEGER NOT NULL,
                    renewed_at INTEGER NOT NULL,
                    expires_at INTEGER NOT NULL,
                    lease INTEGER NOT NULL,
                    reason TEXT,
                    implicit INTEGER NOT NULL) WITHOUT ROWID",
            }),
            // No table changes: directory listings (tree blobs) may now be version 2, with each file's inode and
            // change time. A format-2 program would call such a listing damaged; the format number makes it refuse
            // the store as newer instead.
            new SchemaMigration(3, "directory listings record each file's inode and change time", new string[0]),
            // Format 4: a store is a folder (index.db and packs/). Chunk bytes live in pack files; this index says
            // where. Directory listings stay rows in blobs (kind 1): the nothing-changed checkpoint reads one per
            // folder, and a row read is one b-tree lookup where a pack read is that lookup plus a file read.
            new SchemaMigration(4, "chunk bytes in pack files, indexed by chunk id", new[]
            {
                @"CREATE TABLE packs (
                    id INTEGER PRIMARY KEY,
                    name TEXT NOT NULL UNIQUE,
                    length INTEGER NOT NULL,
                    blobs INTEGER NOT NULL,
                    created_at INTEGER NOT NULL)",
                @"CREATE TABLE chunks (
                    id BLOB PRIMARY KEY,
                    pack INTEGER NOT NULL REFERENCES packs(id),
                    offset INTEGER NOT NULL,
                    length INTEGER NOT NULL,
                    plain_size INTEGER NOT NULL,
                    codec INTEGER NOT NULL) WITHOUT ROWID",
                @"CREATE INDEX chunks_by_pack ON chunks (pack)",
            }),
            // Maintenance. A marked blob is one writers must not deduplicate against: Optimize-PersistStore marks the
            // unreferenced ones it will delete (mark 1) and reads mark the damaged ones (mark 2); a writer that meets
            // such content stores it again, which clears the mark. Checkpoint numbers of a run are never reused,
            // even when its latest checkpoint is removed: checkpoint_numbers keeps the highest number given.
            new SchemaMigration(5, "blob marks for maintenance; checkpoint numbers never reused", new[]
            {
                @"CREATE TABLE blob_marks (
                    id BLOB PRIMARY KEY,
                    mark INTEGER NOT NULL,
                    since INTEGER NOT NULL,
                    detail TEXT) WITHOUT ROWID",
                @"CREATE TABLE checkpoint_numbers (
                    run_id TEXT PRIMARY KEY REFERENCES runs(id) ON DELETE CASCADE,
                    last INTEGER NOT NULL) WITHOUT ROWID",
            }),
            // No table changes: directory listings may now be version 3 (numbers as varints, a small subfolder's
            // listing kept inside its parent's). A format-5 program would call such a listing damaged, and its
            // Repair-PersistStore act on that; the format number makes it refuse the store as newer instead.
            new SchemaMigration(6, "compact directory listings; small ones kept inside their parent's", new string[0]),
        };

        public static int LatestVersion => Migrations[Migrations.Count - 1].Version;

        /// <summary>Applies the migrations above `fromVersion` and stamps the new version; caller holds the write transaction.</summary>
        public static void Apply(SqliteDb db, int fromVersion, IReadOnlyList<SchemaMigration> migrations)
        {
            int version = fromVersion;
            foreach (var migration in migrations)
            {
                if (migration.Version <= fromVersion) continue;
                foreach (var sql in migration.Statements) db.Execute(sql);
                version = migration.Version;
            }
            db.Execute("INSERT INTO store_meta(key, value) VALUES ('format_version', $v) ON CONFLICT(key) DO UPDATE SET value = excluded.value",
                ("$v", version.ToString(CultureInfo.InvariantCulture)));
            db.Execute("PRAGMA user_version = " + version.ToString(CultureInfo.InvariantCulture));
        }
    }
}
