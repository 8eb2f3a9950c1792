using System;
using System.Collections.Generic;
using PersistStore.Engine.Locking;

namespace PersistStore.Engine.Storage.Postgres
{
    /// <summary>Run leases: one row per run at most (the primary key is the mutual exclusion); lock_id is the fencing token.</summary>
    internal static class PgLockRows
    {
        private const string Select = @"SELECT l.run_id, r.name, l.lock_id, l.session_token, l.user_name, l.host, l.process_id, l.process_start,
                l.acquired_at, l.renewed_at, l.expires_at, l.lease, l.reason, l.implicit
            FROM run_locks l JOIN runs r ON r.id = l.run_id";

        public static RunLock? Find(PgDb db, Guid runId)
        {
            var found = Query(db, Select + " WHERE l.run_id = @run", ("run", runId));
            return found.Count == 0 ? null : found[0];
        }

        public static IReadOnlyList<RunLock> All(PgDb db) => Query(db, Select + " ORDER BY r.name_key");

        public static void Put(PgDb db, RunLock l) =>
            db.Execute(@"INSERT INTO run_locks (run_id, lock_id, session_token, user_name, host, process_id, process_start,
                            acquired_at, renewed_at, expires_at, lease, reason, implicit)
                         VALUES (@run, @lock, @session, @user, @host, @pid, @start, @acquired, @renewed, @expires, @lease, @reason, @implicit)
                         ON CONFLICT (run_id) DO UPDATE SET lock_id = excluded.lock_id, session_token = excluded.session_token,
                            user_name = excluded.user_name, host = excluded.host, process_id = excluded.process_id,
                            process_start = excluded.process_start, acquired_at = excluded.acquired_at, renewed_at = excluded.renewed_at,
                            expires_at = excluded.expires_at, lease = excluded.lease, reason = excluded.reason, implicit = excluded.implicit",
                ("run", l.RunId), ("lock", l.LockId), ("session", l.SessionToken),
                ("user", l.User), ("host", l.Host), ("pid", l.ProcessId), ("start", l.ProcessStartUtc.Ticks),
                ("acquired", l.AcquiredAt.Ticks), ("renewed", l.RenewedAt.Ticks), ("expires", l.ExpiresAt.Ticks),
                ("lease", l.Lease.Ticks), ("reason", l.Reason), ("implicit", l.IsImplicit));

        public static bool Delete(PgDb db, Guid runId, Guid lockId) =>
            db.Execute("DELETE FROM run_locks WHERE run_id = @run AND lock_id = @lock", ("run", runId), ("lock", lockId)) > 0;

        public static bool Renew(PgDb db, Guid runId, Guid lockId, DateTime renewedAt, DateTime expiresAt) =>
            db.Execute("UPDATE run_locks SET renewed_at = @renewed, expires_at = @expires WHERE run_id = @run AND lock_id = @lock",
                ("renewed", renewedAt.Ticks), ("expires", expiresAt.Ticks), ("run", runId), ("lock", lockId)) > 0;

        private static List<RunLock> Query(PgDb db, string sql, params (string, object?)[] parameters)
        {
            var list = new List<RunLock>();
            using var cmd = db.Command(sql, parameters);
            using var r = cmd.ExecuteReader();
            while (r.Read())
                list.Add(new RunLock
                {
                    RunId = r.GetGuid(0), RunName = r.GetString(1), LockId = r.GetGuid(2),
                    SessionToken = r.GetGuid(3), User = r.GetString(4), Host = r.GetString(5), ProcessId = r.GetInt32(6),
                    ProcessStartUtc = Utc(r.GetInt64(7)), AcquiredAt = Utc(r.GetInt64(8)), RenewedAt = Utc(r.GetInt64(9)),
                    ExpiresAt = Utc(r.GetInt64(10)), Lease = new TimeSpan(r.GetInt64(11)), Reason = r.IsDBNull(12) ? null : r.GetString(12),
                    IsImplicit = r.GetBoolean(13),
                });
            return list;
        }

        private static DateTime Utc(long ticks) => new DateTime(ticks, DateTimeKind.Utc);
    }
}
