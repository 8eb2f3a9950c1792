using System;

namespace PersistStore
{
    /// <summary>A lease on a run: who holds it, since when, until when, and whether it is stale now.</summary>
    public sealed class RunLock
    {
        public string RunName { get; set; } = "";
        public Guid RunId { get; set; }
        /// <summary>user@host of the holder.</summary>
        public string Owner { get; set; } = "";
        public int ProcessId { get; set; }
        public string Host { get; set; } = "";
        public DateTime AcquiredAt { get; set; }
        public DateTime RenewedAt { get; set; }
        public DateTime ExpiresAt { get; set; }
        public TimeSpan Lease { get; set; }
        public string? Reason { get; set; }
        /// <summary>Stale: the holder's process is gone (same host) or its lease ran out. Stale locks are taken over.</summary>
        public bool IsStale { get; set; }
        public string? StaleReason { get; set; }
        /// <summary>Taken by a command for its own duration (New-Checkpoint, Invoke-RunRevert), not by Enter-RunLock.</summary>
        public bool IsImplicit { get; set; }
        /// <summary>Held by the session this object was read in.</summary>
        public bool HeldByThisSession { get; set; }
        /// <summary>Changes with every acquisition; a holder whose lock id is no longer current may not change the run.</summary>
        public Guid LockId { get; set; }
        public string Store { get; set; } = "";
        internal string? StoreValue { get; set; }

        public override string ToString() => $"{RunName} locked by {Owner} (pid {ProcessId})";
    }
}
