using System;
using PersistStore.Engine.Locking;

namespace PersistStore.Engine.Errors
{
    /// <summary>The retry budget ran out while another owner held the run's lock.</summary>
    public sealed class RunLockedException : PersistStoreException
    {
        public RunLockedException(string runName, RunLock holder, int attempts, TimeSpan waited)
            : base("RunLocked", ErrorKind.ResourceBusy, runName,
                $"The run '{runName}' is locked by {holder.Describe()}, lease until {holder.ExpiresAt:yyyy-MM-dd HH:mm:ss}Z. "
                + $"Gave up after {attempts} attempt{(attempts == 1 ? "" : "s")} over {waited.TotalSeconds:F1} s. "
                + $"Wait longer with -Timeout or -RetryBudget; if that holder is gone or hung, clear the lock with: Unlock-Run -Run '{runName}' (add -Force for a holder that is still alive).")
        {
            Holder = holder;
            Attempts = attempts;
            Waited = waited;
        }

        public RunLock Holder { get; }
        public int Attempts { get; }
        public TimeSpan Waited { get; }
    }

    /// <summary>Fencing: this owner's lock was taken over or removed, so it may no longer change the run.</summary>
    public sealed class LockLostException : PersistStoreException
    {
        public LockLostException(string runName, RunLock lost, RunLock? now)
            : base("LockLost", ErrorKind.InvalidOperation, runName,
                $"Your lock on run '{runName}' (taken at {lost.AcquiredAt:yyyy-MM-dd HH:mm:ss}Z) is no longer yours: "
                + (now == null ? "it was removed (Unlock-Run, or taken over and released after its lease expired)" : $"it is now held by {now.Describe()}")
                + ". Nothing was changed. Take the lock again with Enter-RunLock and check the run's state before you continue.")
        {
            Lost = lost;
            Current = now;
        }

        public RunLock Lost { get; }
        public RunLock? Current { get; }
    }

    public sealed class LockNotHeldException : PersistStoreException
    {
        public LockNotHeldException(string runName, RunLock? holder)
            : base("LockNotHeld", ErrorKind.InvalidOperation, runName,
                holder == null
                    ? $"The run '{runName}' is not locked, so there is nothing to exit."
                    : $"The lock on run '{runName}' is held by {holder.Describe()}, not by this session. Only its holder exits it; Unlock-Run clears a stale lock.")
        { }
    }
}
