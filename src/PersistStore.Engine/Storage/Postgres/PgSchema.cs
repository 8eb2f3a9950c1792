using System.Collections.Generic;
using System.Globalization;

namespace PersistStore.Engine.Storage.Postgres
{
    /// <summary>
    /// The PostgreSQL store format: the same tables and the same format number as the SQLite index (format 6), plus
    /// pack_files, which holds the packs the SQLite store keeps in its packs/ folder. A newer format is refused, an
    /// older one upgraded only on request, as on SQLite. Key columns use the "C" collation so that names sort and
    /// compare byte-wise, as SQLite's do, whatever the database's locale; times are UTC ticks, exact on both.
    /// Columns named like SQL keywords on SQLite (user, offset) are user_name and pack_offset here.
    /// </summary>
    internal static class PgSchema
    {
        public const int FirstVersion = 5;

        /// <summary>One migration per format since the first PostgreSQL format; a new store applies them all.</summary>
        public static readonly IReadOnlyList<(int Version, string[] Statements)> Migrations = new[]
        {
            (5, new[]
            {
                @"CREATE TABLE store_meta (key text COLLATE ""C"" PRIMARY KEY, value text NOT NULL)",
                @"CREATE TABLE runs (
                    id uuid PRIMARY KEY,
                    name text NOT NULL,
                    name_key text COLLATE ""C"" NOT NULL UNIQUE,
                    description text,
                    path text,
                    created_at bigint NOT NULL,
                    created_by text NOT NULL,
                    modified_at bigint NOT NULL,
                    modified_by text NOT NULL,
                    version bigint NOT NULL)",
                @"CREATE TABLE run_tags (
                    run_id uuid NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
                    position integer NOT NULL,
                    tag text NOT NULL,
                    tag_key text COLLATE ""C"" NOT NULL,
                    PRIMARY KEY (run_id, tag_key))",
                @"CREATE INDEX run_tags_by_tag ON run_tags (tag_key, run_id)",
                @"CREATE TABLE run_properties (
                    run_id uuid NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
                    name text NOT NULL,
                    name_key text COLLATE ""C"" NOT NULL,
                    kind text NOT NULL,
                    value text NOT NULL,
                    PRIMARY KEY (run_id, name_key))",
                @"CREATE TABLE history (
                    id bigint PRIMARY KEY,
                    time bigint NOT NULL,
                    user_name text NOT NULL,
                    host text NOT NULL,
                    process_id integer NOT NULL,
                    operation text NOT NULL,
                    run_id uuid,
                    run_name text,
                    run_name_key text COLLATE ""C"",
                    details text NOT NULL,
                    prev_hash text NOT NULL,
                    hash text NOT NULL)",
                @"CREATE INDEX history_by_run ON history (run_name_key, id)",
                @"CREATE INDEX history_by_time ON history (time)",
                // Directory listings (chunks are in packs). EXTERNAL: the bytes are LZ4 already; pglz over them
                // would cost time and gain nothing.
                @"CREATE TABLE blobs (
                    id bytea PRIMARY KEY,
                    kind integer NOT NULL,
                    plain_size integer NOT NULL,
                    codec integer NOT NULL,
                    data bytea NOT NULL)",
                @"ALTER TABLE blobs ALTER COLUMN data SET STORAGE EXTERNAL",
                @"CREATE TABLE checkpoints (
                    run_id uuid NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
                    number integer NOT NULL,
                    kind text NOT NULL,
                    message text,
                    created_at bigint NOT NULL,
                    created_by text NOT NULL,
                    parent integer,
                    root_tree bytea NOT NULL,
                    files bigint NOT NULL,
                    directories bigint NOT NULL,
                    logical_bytes bigint NOT NULL,
                    new_bytes bigint NOT NULL,
                    duration bigint NOT NULL,
                    PRIMARY KEY (run_id, number))",
                @"CREATE TABLE checkpoint_tags (
                    run_id uuid NOT NULL,
                    number integer NOT NULL,
                    position integer NOT NULL,
                    tag text NOT NULL,
                    PRIMARY KEY (run_id, number, position),
                    FOREIGN KEY (run_id, number) REFERENCES checkpoints(run_id, number) ON DELETE CASCADE)",
                @"CREATE TABLE checkpoint_properties (
                    run_id uuid NOT NULL,
                    number integer NOT NULL,
                    name text NOT NULL,
                    kind text NOT NULL,
                    value text NOT NULL,
                    PRIMARY KEY (run_id, number, name),
                    FOREIGN KEY (run_id, number) REFERENCES checkpoints(run_id, number) ON DELETE CASCADE)",
                @"CREATE TABLE run_locks (
                    run_id uuid PRIMARY KEY REFERENCES runs(id) ON DELETE CASCADE,
                    lock_id uuid NOT NULL,
                    session_token uuid NOT NULL,
                    user_name text NOT NULL,
                    host text NOT NULL,
                    process_id integer NOT NULL,
                    process_start bigint NOT NULL,
                    acquired_at bigint NOT NULL,
                    renewed_at bigint NOT NULL,
                    expires_at bigint NOT NULL,
                    lease bigint NOT NULL,
                    reason text,
                    implicit boolean NOT NULL)",
                @"CREATE TABLE packs (
                    id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
                    name text COLLATE ""C"" NOT NULL UNIQUE,
                    length bigint NOT NULL,
                    blobs integer NOT NULL,
                    created_at bigint NOT NULL)",
                @"CREATE TABLE chunks (
                    id bytea PRIMARY KEY,
                    pack bigint NOT NULL REFERENCES packs(id),
                    pack_offset bigint NOT NULL,
                    length integer NOT NULL,
                    plain_size integer NOT NULL,
                    codec integer NOT NULL)",
                @"CREATE INDEX chunks_by_pack ON chunks (pack)",
                @"CREATE TABLE blob_marks (
                    id bytea PRIMARY KEY,
                    mark integer NOT NULL,
                    since bigint NOT NULL,
                    detail text)",
                @"CREATE TABLE checkpoint_numbers (
                    run_id uuid PRIMARY KEY REFERENCES runs(id) ON DELETE CASCADE,
                    last integer NOT NULL)",
                // The packs themselves (PgPackStore): one row per pack, written once in its own committed
                // transaction before any index row names it. EXTERNAL keeps the bytes uncompressed in TOAST, so
                // substring() reads only the TOAST chunks of the range asked for.
                @"CREATE TABLE pack_files (
                    name text COLLATE ""C"" PRIMARY KEY,
                    length bigint NOT NULL,
                    data bytea NOT NULL)",
                @"ALTER TABLE pack_files ALTER COLUMN data SET STORAGE EXTERNAL",
            }),
            // As SQLite's format 6: version-3 directory listings, no table changes.
            (6, new string[0]),
        };

        public static int LatestVersion => Migrations[Migrations.Count - 1].Version;

        /// <summary>Applies the migrations above fromVersion and stamps the version; the caller holds the transaction.</summary>
        public static void Apply(PgDb db, int fromVersion)
        {
            int version = fromVersion;
            foreach (var (v, statements) in Migrations)
            {
                if (v <= fromVersion) continue;
                foreach (var sql in statements) db.Execute(sql);
                version = v;
            }
            db.Execute("INSERT INTO store_meta (key, value) VALUES ('format_version', @v) ON CONFLICT (key) DO UPDATE SET value = excluded.value",
                ("v", version.ToString(CultureInfo.InvariantCulture)));
        }
    }
}
