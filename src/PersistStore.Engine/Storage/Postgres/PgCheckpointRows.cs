using System;
using System.Collections.Generic;
using System.Linq;
using PersistStore.Engine.Compression;
using PersistStore.Engine.Model;
using PersistStore.Engine.Naming;

namespace PersistStore.Engine.Storage.Postgres
{
    internal static class PgCheckpointRows
    {
        private const string Columns = "c.run_id, r.name, c.number, c.kind, c.message, c.created_at, c.created_by, c.parent, c.root_tree, c.files, c.directories, c.logical_bytes, c.new_bytes, c.duration";

        public static void Insert(PgDb db, CheckpointRecord c)
        {
            db.Execute(@"INSERT INTO checkpoints (run_id, number, kind, message, created_at, created_by, parent, root_tree, files, directories, logical_bytes, new_bytes, duration)
                         VALUES (@run, @n, @kind, @message, @at, @by, @parent, @root, @files, @dirs, @logical, @new, @duration)",
                ("run", c.RunId), ("n", c.Number), ("kind", c.Kind), ("message", c.Message), ("at", c.CreatedAt.Ticks), ("by", c.CreatedBy),
                ("parent", c.Parent), ("root", c.RootTree.Bytes), ("files", c.Files), ("dirs", c.Directories),
                ("logical", c.LogicalBytes), ("new", c.NewBytes), ("duration", c.Duration.Ticks));
            if (c.Tags.Count > 0)
                db.Execute(@"INSERT INTO checkpoint_tags (run_id, number, position, tag)
                             SELECT @run, @n, t.pos - 1, t.tag FROM unnest(@tags) WITH ORDINALITY AS t(tag, pos)",
                    ("run", c.RunId), ("n", c.Number), ("tags", c.Tags.ToArray()));
            if (c.Properties.Count > 0)
            {
                var encoded = c.Properties.Select(kv => (kv.Key, Value: PropertyCodec.Encode(kv.Value))).ToList();
                db.Execute(@"INSERT INTO checkpoint_properties (run_id, number, name, kind, value)
                             SELECT @run, @n, p.name, p.kind, p.value FROM unnest(@names, @kinds, @values) AS p(name, kind, value)",
                    ("run", c.RunId), ("n", c.Number), ("names", encoded.Select(e => e.Key).ToArray()),
                    ("kinds", encoded.Select(e => e.Value.Item1).ToArray()), ("values", encoded.Select(e => e.Value.Item2).ToArray()));
            }
        }

        public static CheckpointRecord? Latest(PgDb db, Guid runId)
        {
            var max = db.Scalar("SELECT MAX(number) FROM checkpoints WHERE run_id = @run", ("run", runId));
            return max == null ? null : Query(db, runId, Convert.ToInt32(max, System.Globalization.CultureInfo.InvariantCulture)).FirstOrDefault();
        }

        public static int LastNumber(PgDb db, Guid runId) =>
            (int)db.Long(@"SELECT GREATEST((SELECT MAX(number) FROM checkpoints WHERE run_id = @run),
                                            (SELECT last FROM checkpoint_numbers WHERE run_id = @run), 0)", ("run", runId));

        /// <summary>Deletes checkpoints (tags and properties cascade); the highest number given is kept in checkpoint_numbers first.</summary>
        public static int Delete(PgDb db, Guid runId, IReadOnlyCollection<int> numbers)
        {
            Keep(db, runId, LastNumber(db, runId));
            return db.Execute("DELETE FROM checkpoints WHERE run_id = @run AND number = ANY(@n)", ("run", runId), ("n", numbers.Distinct().ToArray()));
        }

        public static void Keep(PgDb db, Guid runId, int last) =>
            db.Execute(@"INSERT INTO checkpoint_numbers (run_id, last) VALUES (@run, @last)
                         ON CONFLICT (run_id) DO UPDATE SET last = GREATEST(checkpoint_numbers.last, excluded.last)", ("run", runId), ("last", last));

        public static IReadOnlyList<BlobId> RootTrees(PgDb db)
        {
            var trees = new List<BlobId>();
            using var cmd = db.Command("SELECT DISTINCT root_tree FROM checkpoints");
            using var r = cmd.ExecuteReader();
            while (r.Read()) trees.Add(new BlobId((byte[])r[0]));
            return trees;
        }

        public static IReadOnlyList<CheckpointRecord> Query(PgDb db, Guid runId, int? number)
        {
            var list = new List<CheckpointRecord>();
            string filter = number == null ? "" : " AND number = @n";
            var args = new (string, object?)[] { ("run", runId), ("n", number ?? 0) };
            using (var cmd = db.Command($"SELECT {Columns} FROM checkpoints c JOIN runs r ON r.id = c.run_id WHERE c.run_id = @run{filter.Replace("number", "c.number")} ORDER BY c.number", args))
            using (var r = cmd.ExecuteReader())
            {
                while (r.Read())
                    list.Add(new CheckpointRecord
                    {
                        RunId = r.GetGuid(0), RunName = r.GetString(1), Number = r.GetInt32(2), Kind = r.GetString(3),
                        Message = r.IsDBNull(4) ? null : r.GetString(4), CreatedAt = new DateTime(r.GetInt64(5), DateTimeKind.Utc),
                        CreatedBy = r.GetString(6), Parent = r.IsDBNull(7) ? null : r.GetInt32(7), RootTree = new BlobId((byte[])r.GetValue(8)),
                        Files = r.GetInt64(9), Directories = r.GetInt64(10), LogicalBytes = r.GetInt64(11), NewBytes = r.GetInt64(12),
                        Duration = new TimeSpan(r.GetInt64(13)),
                    });
            }
            if (list.Count == 0) return list;
            var children = new ChildRows<int>();
            using (var cmd = db.Command($"SELECT number, tag FROM checkpoint_tags WHERE run_id = @run{filter} ORDER BY number, position", args))
            using (var r = cmd.ExecuteReader())
                while (r.Read()) children.Tag(r.GetInt32(0), r.GetString(1));
            using (var cmd = db.Command($"SELECT number, name, kind, value FROM checkpoint_properties WHERE run_id = @run{filter}", args))
            using (var r = cmd.ExecuteReader())
                while (r.Read()) children.Property(r.GetInt32(0), r.GetString(1), r.GetString(2), r.GetString(3));
            for (int i = 0; i < list.Count; i++)
                list[i] = list[i] with { Tags = children.TagsOf(list[i].Number), Properties = children.PropertiesOf(list[i].Number) };
            return list;
        }
    }
}
