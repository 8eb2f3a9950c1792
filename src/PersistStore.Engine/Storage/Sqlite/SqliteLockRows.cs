using System;
using System.Collections.Generic;
using PersistStore.Engine.Locking;

namespace PersistStore.Engine.Storage.Sqlite
{
    internal static class SqliteLockRows
    {
        private const string Select = @"SELECT l.run_id, r.name, l.lock_id, l.session_token, l.user, l.host, l.process_id, l.process_start,
                l.acquired_at, l.renewed_at, l.expires_at, l.lease, l.reason, l.implicit
            FROM run_locks l JOIN runs r ON r.id = l.run_id";

        public static RunLock? Find(SqliteDb db, Guid runId)
        {
            var found = Query(db, Select + " WHERE l.run_id = $run", ("$run", runId.ToString("D")));
            return found.Count == 0 ? null : found[0];
        }

        public static IReadOnlyList<RunLock> All(SqliteDb db) => Query(db, Select + " ORDER BY r.name_key");

        public static void Put(SqliteDb db, RunLock l) =>
            db.Execute(@"INSERT OR REPLACE INTO run_locks (run_id, lock_id, session_token, user, host, process_id, process_start,
                            acquired_at, renewed_at, expires_at, lease, reason, implicit)
                         VALUES ($run, $lock, $session, $user, $host, $pid, $start, $acquired, $renewed, $expires, $lease, $reason, $implicit)",
                ("$run", l.RunId.ToString("D")), ("$lock", l.LockId.ToString("D")), ("$session", l.SessionToken.ToString("D")),
                ("$user", l.User), ("$host", l.Host), ("$pid", l.ProcessId), ("$start", l.ProcessStartUtc.Ticks),
                ("$acquired", l.AcquiredAt.Ticks), ("$renewed", l.RenewedAt.Ticks), ("$expires", l.ExpiresAt.Ticks),
                ("$lease", l.Lease.Ticks), ("$reason", l.Reason), ("$implicit", l.IsImplicit ? 1 : 0));

        public static bool Delete(SqliteDb db, Guid runId, Guid lockId) =>
            db.Execute("DELETE FROM run_locks WHERE run_id = $run AND lock_id = $lock",
                ("$run", runId.ToString("D")), ("$lock", lockId.ToString("D"))) > 0;

        public static bool Renew(SqliteDb db, Guid runId, Guid lockId, DateTime renewedAt, DateTime expiresAt) =>
            db.Execute("UPDATE run_locks SET renewed_at = $renewed, expires_at = $expires WHERE run_id = $run AND lock_id = $lock",
                ("$renewed", renewedAt.Ticks), ("$expires", expiresAt.Ticks),
                ("$run", runId.ToString("D")), ("$lock", lockId.ToString("D"))) > 0;

        private static List<RunLock> Query(SqliteDb db, string sql, params (string, object?)[] parameters)
        {
            var list = new List<RunLock>();
            using var cmd = db.Command(sql, parameters);
            using var r = cmd.ExecuteReader();
            while (r.Read())
                list.Add(new RunLock
                {
                    RunId = Guid.Parse(r.GetString(0)), RunName = r.GetString(1), LockId = Guid.Parse(r.GetString(2)),
                    SessionToken = Guid.Parse(r.GetString(3)), User = r.GetString(4), Host = r.GetString(5), ProcessId = r.GetInt32(6),
                    ProcessStartUtc = Utc(r.GetInt64(7)), AcquiredAt = Utc(r.GetInt64(8)), RenewedAt = Utc(r.GetInt64(9)),
                    ExpiresAt = Utc(r.GetInt64(10)), Lease = new TimeSpan(r.GetInt64(11)), Reason = r.IsDBNull(12) ? null : r.GetString(12),
                    IsImplicit = r.GetInt64(13) != 0,
                });
            return list;
        }

        private static DateTime Utc(long ticks) => new DateTime(ticks, DateTimeKind.Utc);
    }
}
