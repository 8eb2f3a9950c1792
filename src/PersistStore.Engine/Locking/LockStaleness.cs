using System;

namespace PersistStore.Engine.Locking
{
    /// <summary>
    /// Why a lock no longer protects anyone: its holder's process is gone (checked on this host only, by pid and
    /// start time) or its lease ran out (the holder stopped renewing: hung, suspended, or on a host that died).
    /// </summary>
    public static class LockStaleness
    {
        public static string? Why(RunLock l, DateTime now)
        {
            if (ProcessLiveness.IsThisHost(l.Host) && ProcessLiveness.IsGone(l.ProcessId, l.ProcessStartUtc))
                return $"its process {l.ProcessId} on {l.Host} is gone";
            if (l.ExpiresAt <= now)
                return $"its lease expired at {l.ExpiresAt:yyyy-MM-dd HH:mm:ss}Z";
            return null;
        }
    }
}
