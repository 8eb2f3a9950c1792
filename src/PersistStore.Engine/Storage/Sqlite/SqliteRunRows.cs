using System;
using System.Collections.Generic;
using System.Linq;
using System.Text;
using Microsoft.Data.Sqlite;
using PersistStore.Engine.Model;
using PersistStore.Engine.Naming;

namespace PersistStore.Engine.Storage.Sqlite
{
    /// <summary>Runs with their tags and properties: reads answer tag filters from the run_tags index.</summary>
    internal static class SqliteRunRows
    {
        private const string Columns = "id, name, description, path, created_at, created_by, modified_at, modified_by, version";

        public static IReadOnlyList<RunRecord> Query(SqliteDb db, RunFilter filter)
        {
            var where = new StringBuilder("1=1");
            var args = new List<(string, object?)>();
            AddNameClause(where, args, filter.NamePatterns);
            if (filter.Ids.Count > 0)
                where.Append(" AND id IN (").Append(Placeholders("$id", filter.Ids.Select(i => (object)i.ToString("D")), args)).Append(')');
            var allKeys = RarestFirst(db, filter.AllTags.Select(TagList.Key).Distinct().ToList());
            if (allKeys.Count > 0)
            {
                // Driven by the rarest tag; each other tag is one primary-key probe per candidate run.
                where.Append(" AND id IN (SELECT t0.run_id FROM run_tags t0 WHERE t0.tag_key = ")
                     .Append(Placeholders("$all", new object[] { allKeys[0] }, args));
                foreach (var key in allKeys.Skip(1))
                    where.Append(" AND EXISTS (SELECT 1 FROM run_tags x WHERE x.run_id = t0.run_id AND x.tag_key = ")
                         .Append(Placeholders("$all", new object[] { key }, args)).Append(')');
                where.Append(')');
            }
            var anyKeys = filter.AnyTags.Select(TagList.Key).Distinct().ToList();
            if (anyKeys.Count > 0)
                where.Append(" AND id IN (SELECT run_id FROM run_tags WHERE tag_key IN (")
                     .Append(Placeholders("$any", anyKeys, args)).Append("))");
            return Load(db, where.ToString(), args.ToArray());
        }

        public static RunRecord? FindByName(SqliteDb db, string name) =>
            Load(db, "name_key = $key", ("$key", RunName.Key(name))).FirstOrDefault();

        public static RunRecord? FindById(SqliteDb db, Guid id) =>
            Load(db, "id = $id", ("$id", id.ToString("D"))).FirstOrDefault();

        public static void Insert(SqliteDb db, RunRecord run)
        {
            db.Execute($"INSERT INTO runs ({Columns}, name_key) VALUES ($id, $name, $description, $path, $created_at, $created_by, $modified_at, $modified_by, $version, $name_key)",
                RowArgs(run));
            WriteChildren(db, run);
        }

        public static void Update(SqliteDb db, RunRecord run)
        {
            db.Execute(@"UPDATE runs SET name = $name, name_key = $name_key, description = $description, path = $path,
                         created_at = $created_at, created_by = $created_by, modified_at = $modified_at,
                         modified_by = $modified_by, version = $version WHERE id = $id", RowArgs(run));
            var id = ("$id", (object?)run.Id.ToString("D"));
            db.Execute("DELETE FROM run_tags WHERE run_id = $id", id);
            db.Execute("DELETE FROM run_properties WHERE run_id = $id", id);
            WriteChildren(db, run);
        }

        public static void Delete(SqliteDb db, Guid id) =>
            db.Execute("DELETE FROM runs WHERE id = $id", ("$id", id.ToString("D")));

        public static IReadOnlyList<string> ListNames(SqliteDb db, string prefix, int limit) =>
            ReadStrings(db, "SELECT name FROM runs WHERE substr(name_key, 1, $n) = $p ORDER BY name_key LIMIT $limit",
                ("$n", prefix.Length), ("$p", RunName.Key(prefix)), ("$limit", limit));

        public static IReadOnlyList<string> ListTags(SqliteDb db, string prefix, int limit) =>
            ReadStrings(db, "SELECT MIN(tag) FROM run_tags WHERE substr(tag_key, 1, $n) = $p GROUP BY tag_key ORDER BY tag_key LIMIT $limit",
                ("$n", prefix.Length), ("$p", TagList.Key(prefix)), ("$limit", limit));

        private static void AddNameClause(StringBuilder where, List<(string, object?)> args, IReadOnlyList<string> patterns)
        {
            if (patterns.Count == 0) return;
            var terms = new List<string>();
            foreach (var pattern in patterns)
            {
                string p = "$n" + args.Count;
                if (SqliteWildcard.HasWildcard(pattern))
                {
                    terms.Add($"name_key GLOB {p}");
                    args.Add((p, SqliteWildcard.ToGlob(pattern)));
                }
                else
                {
                    terms.Add($"name_key = {p}");
                    args.Add((p, RunName.Key(SqliteWildcard.Unescape(pattern))));
                }
            }
            where.Append(" AND (").Append(string.Join(" OR ", terms)).Append(')');
        }

        private static string Placeholders(string stem, IEnumerable<object> values, List<(string, object?)> args)
        {
            var names = new List<string>();
            foreach (var v in values)
            {
                string p = stem + args.Count;
                names.Add(p);
                args.Add((p, v));
            }
            return string.Join(", ", names);
        }

        /// <summary>
        /// Evaluates the filter once, then loads the matching runs, tags and properties by id. The ids travel as one
        /// JSON array parameter: binding hundreds of named parameters costs more than the lookups themselves.
        /// </summary>
        private static IReadOnlyList<RunRecord> Load(SqliteDb db, string where, params (string, object?)[] args)
        {
            var ids = ReadStrings(db, $"SELECT id FROM runs WHERE {where} ORDER BY name_key", args);
            if (ids.Count == 0) return Array.Empty<RunRecord>();
            var idArg = ("$ids", (object?)("[\"" + string.Join("\",\"", ids) + "\"]"));
            const string selected = "SELECT value FROM json_each($ids)";
            var runs = new Dictionary<string, RunRecord>(ids.Count);
            var children = new ChildRows<string>();
            using (var cmd = db.Command($"SELECT {Columns} FROM runs WHERE id IN ({selected})", idArg))
            using (var r = cmd.ExecuteReader())
            {
                while (r.Read()) runs[r.GetString(0)] = ReadRun(r);
            }
            using (var cmd = db.Command($"SELECT run_id, tag FROM run_tags WHERE run_id IN ({selected}) ORDER BY run_id, position", idArg))
            using (var r = cmd.ExecuteReader())
            {
                while (r.Read()) children.Tag(r.GetString(0), r.GetString(1));
            }
            using (var cmd = db.Command($"SELECT run_id, name, kind, value FROM run_properties WHERE run_id IN ({selected})", idArg))
            using (var r = cmd.ExecuteReader())
            {
                while (r.Read()) children.Property(r.GetString(0), r.GetString(1), r.GetString(2), r.GetString(3));
            }
            return ids.Select(id => runs[id] with { Tags = children.TagsOf(id), Properties = children.PropertiesOf(id) }).ToList();
        }

        /// <summary>Tag keys ordered by how many runs carry them; counting stops at the best count so far.</summary>
        private static List<string> RarestFirst(SqliteDb db, List<string> keys)
        {
            if (keys.Count < 2) return keys;
            var counted = new List<(string Key, long Count)>();
            long best = long.MaxValue;
            foreach (var key in keys)
            {
                long count = Convert.ToInt64(db.Scalar("SELECT COUNT(*) FROM (SELECT 1 FROM run_tags WHERE tag_key = $k LIMIT $cap)",
                    ("$k", key), ("$cap", best == long.MaxValue ? -1 : best + 1)), System.Globalization.CultureInfo.InvariantCulture);
                counted.Add((key, count));
                best = Math.Min(best, count);
            }
            return counted.OrderBy(c => c.Count).Select(c => c.Key).ToList();
        }

        private static RunRecord ReadRun(SqliteDataReader r) => new RunRecord
        {
            Id = Guid.Parse(r.GetString(0)),
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
            ("$id", run.Id.ToString("D")), ("$name", run.Name), ("$name_key", RunName.Key(run.Name)),
            ("$description", run.Description), ("$path", run.Path),
            ("$created_at", run.CreatedAt.Ticks), ("$created_by", run.CreatedBy),
            ("$modified_at", run.ModifiedAt.Ticks), ("$modified_by", run.ModifiedBy), ("$version", run.Version),
        };

        private static void WriteChildren(SqliteDb db, RunRecord run)
        {
            string id = run.Id.ToString("D");
            for (int i = 0; i < run.Tags.Count; i++)
                db.Execute("INSERT INTO run_tags (run_id, position, tag, tag_key) VALUES ($id, $pos, $tag, $key)",
                    ("$id", id), ("$pos", i), ("$tag", run.Tags[i]), ("$key", TagList.Key(run.Tags[i])));
            foreach (var kv in run.Properties)
            {
                var (kind, text) = PropertyCodec.Encode(kv.Value);
                db.Execute("INSERT INTO run_properties (run_id, name, name_key, kind, value) VALUES ($id, $name, $key, $kind, $value)",
                    ("$id", id), ("$name", kv.Key), ("$key", kv.Key.ToUpperInvariant()), ("$kind", kind), ("$value", text));
            }
        }

        internal static IReadOnlyList<string> ReadStrings(SqliteDb db, string sql, params (string, object?)[] args)
        {
            var list = new List<string>();
            using var cmd = db.Command(sql, args);
            using var r = cmd.ExecuteReader();
            while (r.Read()) list.Add(r.GetString(0));
            return list;
        }
    }
}
