using System;
using System.Collections.Generic;
using System.Linq;
using System.Text;
using Microsoft.Data.Sqlite;
using PersistStore.Engine.History;
using PersistStore.Engine.Identity;
using PersistStore.Engine.Model;
using PersistStore.Engine.Naming;

namespace PersistStore.Engine.Storage.Sqlite
{
    /// <summary>The append-only change log. Appends run inside the writer's BEGIN IMMEDIATE, so the chain is linear.</summary>
    internal static class SqliteHistoryRows
    {
        private const string Columns = "id, time, user, host, process_id, operation, run_id, run_name, details, prev_hash, hash";

        public static HistoryRecord Append(SqliteDb db, HistoryDraft draft, Actor actor, DateTime timeUtc)
        {
            var entry = HistoryChain.Next(Last(db), draft, actor, timeUtc);
            db.Execute($"INSERT INTO history ({Columns}, run_name_key) VALUES ($id, $time, $user, $host, $pid, $op, $run_id, $run_name, $details, $prev, $hash, $key)",
                ("$id", entry.Id), ("$time", entry.Time.Ticks), ("$user", entry.User), ("$host", entry.Host),
                ("$pid", entry.ProcessId), ("$op", entry.Operation), ("$run_id", entry.RunId?.ToString("D")),
                ("$run_name", entry.RunName), ("$details", entry.Details), ("$prev", entry.PreviousHash),
                ("$hash", entry.Hash), ("$key", entry.RunName == null ? null : RunName.Key(entry.RunName)));
            return entry;
        }

        public static HistoryRecord? Last(SqliteDb db) =>
            Read(db, $"SELECT {Columns} FROM history ORDER BY id DESC LIMIT 1").FirstOrDefault();

        public static IReadOnlyList<HistoryRecord> Query(SqliteDb db, HistoryFilter filter)
        {
            var where = new StringBuilder("1=1");
            var args = new List<(string, object?)>();
            if (filter.RunName != null)
            {
                where.Append(" AND run_name_key = $run");
                args.Add(("$run", RunName.Key(filter.RunName)));
            }
            if (filter.RunId != null)
            {
                where.Append(" AND run_id = $run_id");
                args.Add(("$run_id", filter.RunId.Value.ToString("D")));
            }
            if (filter.Operations.Count > 0)
            {
                var names = filter.Operations.Select((op, i) => "$op" + i).ToList();
                where.Append(" AND operation COLLATE NOCASE IN (").Append(string.Join(", ", names)).Append(")");
                args.AddRange(filter.Operations.Select((op, i) => ("$op" + i, (object?)op)));
            }
            if (filter.Since != null)
            {
                where.Append(" AND time >= $since");
                args.Add(("$since", filter.Since.Value.ToUniversalTime().Ticks));
            }
            string sql = filter.Last != null
                ? $"SELECT * FROM (SELECT {Columns} FROM history WHERE {where} ORDER BY id DESC LIMIT {filter.Last.Value}) ORDER BY id"
                : $"SELECT {Columns} FROM history WHERE {where} ORDER BY id";
            return Read(db, sql, args.ToArray());
        }

        private static IReadOnlyList<HistoryRecord> Read(SqliteDb db, string sql, params (string, object?)[] args)
        {
            var list = new List<HistoryRecord>();
            using var cmd = db.Command(sql, args);
            using var r = cmd.ExecuteReader();
            while (r.Read()) list.Add(ReadOne(r));
            return list;
        }

        private static HistoryRecord ReadOne(SqliteDataReader r) => new HistoryRecord
        {
            Id = r.GetInt64(0),
            Time = new DateTime(r.GetInt64(1), DateTimeKind.Utc),
            User = r.GetString(2),
            Host = r.GetString(3),
            ProcessId = r.GetInt32(4),
            Operation = r.GetString(5),
            RunId = r.IsDBNull(6) ? null : Guid.Parse(r.GetString(6)),
            RunName = r.IsDBNull(7) ? null : r.GetString(7),
            Details = r.GetString(8),
            PreviousHash = r.GetString(9),
            Hash = r.GetString(10),
        };
    }
}
