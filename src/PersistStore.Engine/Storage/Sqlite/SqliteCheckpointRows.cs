using System;
using System.Collections.Generic;
using System.Linq;
using PersistStore.Engine.Compression;
using PersistStore.Engine.Model;
using PersistStore.Engine.Naming;

namespace PersistStore.Engine.Storage.Sqlite
{
    internal static class SqliteCheckpointRows
    {
        private const string Columns = "c.run_id, r.name, c.number, c.kind, c.message, c.created_at, c.created_by, c.parent, c.root_tree, c.files, c.directories, c.logical_bytes, c.new_bytes, c.duration";

        public static void Insert(SqliteDb db, CheckpointRecord c)
        {
            string run = c.RunId.ToString("D");
            db.Execute(@"INSERT INTO checkpoints (run_id, number, kind, message, created_at, created_by, parent, root_tree, files, directories, logical_bytes, new_bytes, duration)
                         VALUES ($run, $n, $kind, $message, $at, $by, $parent, $root, $files, $dirs, $logical, $new, $duration)",
                ("$run", run), ("$n", c.Number), ("$kind", c.Kind), ("$message", c.Message), ("$at", c.CreatedAt.Ticks), ("$by", c.CreatedBy),
                ("$parent", c.Parent), ("$root", c.RootTree.Bytes), ("$files", c.Files), ("$dirs", c.Directories),
                ("$logical", c.LogicalBytes), ("$new", c.NewBytes), ("$duration", c.Duration.Ticks));
            for (int i = 0; i < c.Tags.Count; i++)
                db.Execute("INSERT INTO checkpoint_tags (run_id, number, position, tag) VALUES ($run, $n, $pos, $tag)",
                    ("$run", run), ("$n", c.Number), ("$pos", i), ("$tag", c.Tags[i]));
            foreach (var kv in c.Properties)
            {
                var (kind, text) = PropertyCodec.Encode(kv.Value);
                db.Execute("INSERT INTO checkpoint_properties (run_id, number, name, kind, value) VALUES ($run, $n, $name, $kind, $value)",
                    ("$run", run), ("$n", c.Number), ("$name", kv.Key), ("$kind", kind), ("$value", text));
            }
        }

        public static CheckpointRecord? Latest(SqliteDb db, Guid runId)
        {
            var max = db.Scalar("SELECT MAX(number) FROM checkpoints WHERE run_id = $run", ("$run", runId.ToString("D")));
            return max == null ? null : Query(db, runId, Convert.ToInt32(max, System.Globalization.CultureInfo.InvariantCulture)).FirstOrDefault();
        }

        public static int LastNumber(SqliteDb db, Guid runId) =>
            Convert.ToInt32(db.Scalar(@"SELECT MAX(n) FROM (SELECT MAX(number) AS n FROM checkpoints WHERE run_id = $run
                                        UNION ALL SELECT last FROM checkpoint_numbers WHERE run_id = $run)", ("$run", runId.ToString("D"))) ?? 0,
                System.Globalization.CultureInfo.InvariantCulture);

        /// <summary>Deletes checkpoints (tags and properties cascade); the highest number given is kept in checkpoint_numbers first.</summary>
        public static int Delete(SqliteDb db, Guid runId, IReadOnlyCollection<int> numbers)
        {
            string run = runId.ToString("D");
            Keep(db, runId, LastNumber(db, runId));
            int deleted = 0;
            foreach (int n in numbers)
                deleted += db.Execute("DELETE FROM checkpoints WHERE run_id = $run AND number = $n", ("$run", run), ("$n", n));
            return deleted;
        }

        public static void Keep(SqliteDb db, Guid runId, int last) =>
            db.Execute(@"INSERT INTO checkpoint_numbers (run_id, last) VALUES ($run, $last)
                         ON CONFLICT(run_id) DO UPDATE SET last = MAX(last, excluded.last)", ("$run", runId.ToString("D")), ("$last", last));

        public static IReadOnlyList<BlobId> RootTrees(SqliteDb db)
        {
            var trees = new List<BlobId>();
            using var cmd = db.Command("SELECT DISTINCT root_tree FROM checkpoints");
            using var r = cmd.ExecuteReader();
            while (r.Read()) trees.Add(new BlobId((byte[])r[0]));
            return trees;
        }

        public static IReadOnlyList<CheckpointRecord> Query(SqliteDb db, Guid runId, int? number)
        {
            string run = runId.ToString("D");
            var list = new List<CheckpointRecord>();
            string where = number == null ? "c.run_id = $run" : "c.run_id = $run AND c.number = $n";
            using (var cmd = db.Command($"SELECT {Columns} FROM checkpoints c JOIN runs r ON r.id = c.run_id WHERE {where} ORDER BY c.number", ("$run", run), ("$n", number)))
            using (var r = cmd.ExecuteReader())
            {
                while (r.Read())
                    list.Add(new CheckpointRecord
                    {
                        RunId = Guid.Parse(r.GetString(0)), RunName = r.GetString(1), Number = r.GetInt32(2), Kind = r.GetString(3),
                        Message = r.IsDBNull(4) ? null : r.GetString(4), CreatedAt = new DateTime(r.GetInt64(5), DateTimeKind.Utc),
                        CreatedBy = r.GetString(6), Parent = r.IsDBNull(7) ? null : r.GetInt32(7), RootTree = new BlobId((byte[])r.GetValue(8)),
                        Files = r.GetInt64(9), Directories = r.GetInt64(10), LogicalBytes = r.GetInt64(11), NewBytes = r.GetInt64(12),
                        Duration = new TimeSpan(r.GetInt64(13)),
                    });
            }
            if (list.Count == 0) return list;
            var children = new ChildRows<int>();
            using (var cmd = db.Command($"SELECT number, tag FROM checkpoint_tags WHERE run_id = $run{(number == null ? "" : " AND number = $n")} ORDER BY number, position", ("$run", run), ("$n", number)))
            using (var r = cmd.ExecuteReader())
                while (r.Read()) children.Tag(r.GetInt32(0), r.GetString(1));
            using (var cmd = db.Command($"SELECT number, name, kind, value FROM checkpoint_properties WHERE run_id = $run{(number == null ? "" : " AND number = $n")}", ("$run", run), ("$n", number)))
            using (var r = cmd.ExecuteReader())
                while (r.Read()) children.Property(r.GetInt32(0), r.GetString(1), r.GetString(2), r.GetString(3));
            for (int i = 0; i < list.Count; i++)
                list[i] = list[i] with { Tags = children.TagsOf(list[i].Number), Properties = children.PropertiesOf(list[i].Number) };
            return list;
        }
    }
}
