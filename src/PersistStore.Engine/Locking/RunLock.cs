using System;
using PersistStore.Engine.Identity;

namespace PersistStore.Engine.Locking
{
    /// <summary>
    /// A lease on one run, as stored: who holds it (user, host, process id and start time, session token), since
    /// when, until when. LockId changes with every acquisition: it is the fencing token every mutation checks.
    /// </summary>
    public sealed record RunLock
    {
        public Guid RunId { get; set; }
        public string RunName { get; set; } = "";
        public Guid LockId { get; set; }
        public Guid SessionToken { get; set; }
        public string User { get; set; } = "";
        public string Host { get; set; } = "";
        public int ProcessId { get; set; }
        public DateTime ProcessStartUtc { get; set; }
        public DateTime AcquiredAt { get; set; }
        public DateTime RenewedAt { get; set; }
        public DateTime ExpiresAt { get; set; }
        public TimeSpan Lease { get; set; }
        public string? Reason { get; set; }
        /// <summary>Taken by a mutating command for its own duration, not by Enter-RunLock.</summary>
        public bool IsImplicit { get; set; }

        public string Owner => User + "@" + Host;

        public bool IsHeldBy(LockOwner owner) => SessionToken == owner.SessionToken;

        public static RunLock For(LockOwner owner, Guid runId, string runName, TimeSpan lease, string? reason, bool isImplicit, DateTime now) => new RunLock
        {
            RunId = runId, RunName = runName, LockId = Guid.NewGuid(), SessionToken = owner.SessionToken,
            User = owner.Actor.User, Host = owner.Actor.Host, ProcessId = owner.Actor.ProcessId, ProcessStartUtc = owner.Actor.ProcessStartUtc,
            AcquiredAt = now, RenewedAt = now, ExpiresAt = now + lease, Lease = lease, Reason = reason, IsImplicit = isImplicit,
        };

        public string Describe() =>
            $"{Owner} (pid {ProcessId}) since {AcquiredAt:yyyy-MM-dd HH:mm:ss}Z" + (Reason == null ? "" : $", reason '{Reason}'");
    }

    /// <summary>One holder identity: a session (runspace) inside a process. Two sessions of one process are two owners.</summary>
    public sealed record LockOwner(Actor Actor, Guid SessionToken)
    {
        public static LockOwner NewSession(Actor? actor = null) => new LockOwner(actor ?? Actor.Current, Guid.NewGuid());
    }

    /// <summary>A lock as seen now: stale when its holder is gone or its lease ran out (StaleReason says which).</summary>
    public sealed record RunLockState(RunLock Lock, string? StaleReason)
    {
        public bool IsStale => StaleReason != null;
    }
}
