using System;
using System.Collections.Generic;
using System.Linq;
using System.Text;
using Npgsql;
using PersistStore.Engine.Model;
using PersistStore.Engine.Naming;
using PersistStore.Engine.Storage.Sqlite;

namespace PersistStore.Engine.Storage.Postgres
{
    /// <summary>Runs with their tags and properties (the rules of SqliteRunRows; ids travel as one uuid[] parameter).</summary>
    internal static class PgRunRows
    {
        private const string Columns = "id, name, description, path, created_at, created_by, modified_at, modified_by, version";

        public static IReadOnlyList<RunRecord> Query(PgDb db, RunFilter filter)
        {
            var where = new StringBuilder("TRUE");
            var args = new List<(string, object?)>();
            if (filter.NamePatterns.Count > 0)
            {
                var terms = new List<string>();
                foreach (var pattern in filter.NamePatterns)
                {
                    string p = "n" + args.Count;
                    bool wild = SqliteWildcard.HasWildcard(pattern);
                    terms.Add(wild ? $"name_key ~ @{p}" : $"name_key = @{p}");
                    args.Add((p, wild ? PgWildcard.ToRegex(pattern) : RunName.Key(SqliteWildcard.Unescape(pattern))));
                }
                where.Append(" AND (").Append(string.Join(" OR ", terms)).Append(')');
            }
            if (filter.Ids.Count > 0)
            {
                where.Append(" AND id = ANY(@ids)");
                args.Add(("ids", filter.Ids.ToArray()));
            }
            var allKeys = filter.AllTags.Select(TagList.Key).Distinct().ToList();
            for (int i = 0; i < allKeys.Count; i++)
            {
                // PostgreSQL's planner orders these probes by its own statistics (SQLite's needed RarestFirst).
                where.Append($" AND EXISTS (SELECT 1 FROM run_tags t WHERE t.run_id = runs.id AND t.tag_key = @all{i})");
                args.Add(("all" + i, allKeys[i]));
            }
            var anyKeys = filter.AnyTags.Select(TagList.Key).Distinct().ToArray();
            if (anyKeys.Length > 0)
            {
                where.Append(" AND EXISTS (SELECT 1 FROM run_tags t WHERE t.run_id = runs.id AND t.tag_key = ANY(@any))");
                args.Add(("any", anyKeys));
            }
            return Load(db, where.ToString(), args.ToArray());
        }

        public static RunRecord? FindByName(PgDb db, string name) =>
            Load(db, "name_key = @key", ("key", RunName.Key(name))).FirstOrDefault();

        public static RunRecord? FindById(PgDb db, Guid id) => Load(db, "id = @id", ("id", id)).FirstOrDefault();

        public static void Insert(PgDb db, RunRecord run)
        {
            db.Execute($"INSERT INTO runs ({Columns}, name_key) VALUES (@id, @name, @description, @path, @created_at, @created_by, @modified_at, @modified_by, @version, @name_key)",
                RowArgs(run));
            WriteChildren(db, run);
        }

        public static void Update(PgDb db, RunRecord run)
        {
            db.Execute(@"UPDATE runs SET name = @name, name_key = @name_key, description = @description, path = @path,
                         created_at = @created_at, created_by = @created_by, modified_at = @modified_at,
                         modified_by = @modified_by, version = @version WHERE id = @id", RowArgs(run));
            db.Execute("DELETE FROM run_tags WHERE run_id = @id", ("id", run.Id));
            db.Execute("DELETE FROM run_properties WHERE run_id = @id", ("id", run.Id));
            WriteChildren(db, run);
        }

        public static void Delete(PgDb db, Guid id) => db.Execute("DELETE FROM runs WHERE id = @id", ("id", id));

        public static IReadOnlyList<string> ListNames(PgDb db, string prefix, int limit) =>
            Strings(db, "SELECT name FROM runs WHERE starts_with(name_key, @p) ORDER BY name_key LIMIT @limit",
                ("p", RunName.Key(prefix)), ("limit", limit));

        public static IReadOnlyList<string> ListTags(PgDb db, string prefix, int limit) =>
            Strings(db, @"SELECT MIN(tag COLLATE ""C"") FROM run_tags WHERE starts_with(tag_key, @p) GROUP BY tag_key ORDER BY tag_key LIMIT @limit",
                ("p", TagList.Key(prefix)), ("limit", limit));

        /// <summary>Evaluates the filter once, then loads the matching runs, tags and properties by id.</summary>
        private static IReadOnlyList<RunRecord> Load(PgDb db, string where, params (string, object?)[] args)
        {
            var runs = new List<RunRecord>();
            using (var cmd = db.Command($"SELECT {Columns} FROM runs WHERE {where} ORDER BY name_key", args))
            using (var r = cmd.ExecuteReader())
                while (r.Read()) runs.Add(ReadRun(r));
            if (runs.Count == 0) return runs;
            var ids = runs.Select(r => r.Id).ToArray();
            var children = new ChildRows<Guid>();
            using (var cmd = db.Command("SELECT run_id, tag FROM run_tags WHERE run_id = ANY(@ids) ORDER BY run_id, position", ("ids", ids)))
            using (var r = cmd.ExecuteReader())
                while (r.Read()) children.Tag(r.GetGuid(0), r.GetString(1));
            using (var cmd = db.Command("SELECT run_id, name, kind, value FROM run_properties WHERE run_id = ANY(@ids)", ("ids", ids)))
            using (var r = cmd.ExecuteReader())
                while (r.Read()) children.Property(r.GetGuid(0), r.GetString(1), r.GetString(2), r.GetString(3));
            return runs.Select(run => run with { Tags = children.TagsOf(run.Id), Properties = children.PropertiesOf(run.Id) }).ToList();
        }

        private static RunRecord ReadRun(NpgsqlDataReader r) => new RunRecord
        {
            Id = r.GetGuid(0),
            Name = r.GetString(1),
            Description = r.IsDBNull(2) ? null : r.GetString(2),
            Path = r.IsDBNull(3) ? null : r.GetString(3),
            CreatedAt = new DateTime(r.GetInt64(4), DateTimeKind.Utc),
            CreatedBy = r.GetString(5),
            ModifiedAt = new DateTime(r.GetInt64(6), DateTimeKind.Utc),
            ModifiedBy = r.GetString(7),
            Version = r.GetInt64(8),
        };

        private static (string, object?)[] RowArgs(RunRecord run) => new (string, object?)[]
        {
            ("id", run.Id), ("name", run.Name), ("name_key", RunName.Key(run.Name)),
            ("description", (object?)run.Description ?? DBNull.Value), ("path", (object?)run.Path ?? DBNull.Value),
            ("created_at", run.CreatedAt.Ticks), ("created_by", run.CreatedBy),
            ("modified_at", run.ModifiedAt.Ticks), ("modified_by", run.ModifiedBy), ("version", run.Version),
        };

        private static void WriteChildren(PgDb db, RunRecord run)
        {
            if (run.Tags.Count > 0)
                db.Execute(@"INSERT INTO run_tags (run_id, position, tag, tag_key)
                             SELECT @id, t.pos - 1, t.tag, t.tag_key FROM unnest(@tags, @keys) WITH ORDINALITY AS t(tag, tag_key, pos)",
                    ("id", run.Id), ("tags", run.Tags.ToArray()), ("keys", run.Tags.Select(TagList.Key).ToArray()));
            if (run.Properties.Count > 0)
            {
                var encoded = run.Properties.Select(kv => (kv.Key, Value: PropertyCodec.Encode(kv.Value))).ToList();
                db.Execute(@"INSERT INTO run_properties (run_id, name, name_key, kind, value)
                             SELECT @id, p.name, p.name_key, p.kind, p.value FROM unnest(@names, @keys, @kinds, @values) AS p(name, name_key, kind, value)",
                    ("id", run.Id), ("names", encoded.Select(e => e.Key).ToArray()), ("keys", encoded.Select(e => e.Key.ToUpperInvariant()).ToArray()),
                    ("kinds", encoded.Select(e => e.Value.Item1).ToArray()), ("values", encoded.Select(e => e.Value.Item2).ToArray()));
            }
        }

        internal static IReadOnlyList<string> Strings(PgDb db, string sql, params (string, object?)[] args)
        {
            var list = new List<string>();
            using var cmd = db.Command(sql, args);
            using var r = cmd.ExecuteReader();
            while (r.Read()) list.Add(r.GetString(0));
            return list;
        }
    }
}
