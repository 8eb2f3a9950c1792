using System;
using System.Collections.Concurrent;
using System.Management.Automation.Runspaces;
using PersistStore.Engine.Identity;
using PersistStore.Engine.Locking;
using PersistStore.Engine.Retry;
using PersistStore.Engine.Storage;

namespace PersistStore.Infrastructure
{
    /// <summary>
    /// What belongs to one runspace: its default store (Connect-PersistStore), its default retry budget and the
    /// lock owner its commands act as. Two runspaces in one process (jobs, pools, hosted engines) never share
    /// them; when the runspace closes its locks are released.
    /// </summary>
    internal sealed class RunspaceSession
    {
        private static readonly ConcurrentDictionary<Guid, RunspaceSession> All = new ConcurrentDictionary<Guid, RunspaceSession>();
        private readonly Lazy<LockSession> _locks = new Lazy<LockSession>(() => new LockSession(LockOwner.NewSession()));

        public StoreLocation? Store { get; set; }
        public RetryPolicy? Retry { get; set; }
        public LockSession Locks => _locks.Value;

        /// <summary>The current runspace's session; a thread with no runspace acts as the process.</summary>
        public static RunspaceSession? Current
        {
            get
            {
                var runspace = Runspace.DefaultRunspace;
                if (runspace == null) return null;
                return All.GetOrAdd(runspace.InstanceId, _ =>
                {
                    runspace.StateChanged += OnStateChanged;
                    return new RunspaceSession();
                });
            }
        }

        /// <summary>The engine caller for a command: this runspace's lock owner, and the budget given or the session's.</summary>
        public static Caller Caller(RetryPolicy? retry = null, Action<string>? trace = null)
        {
            var session = Current;
            return new Caller(session?.Locks ?? LockSession.ForProcess, retry ?? session?.Retry, null, trace);
        }

        private static void OnStateChanged(object? sender, RunspaceStateEventArgs e)
        {
            if (e.RunspaceStateInfo.State is not (RunspaceState.Closing or RunspaceState.Closed or RunspaceState.Broken)) return;
            if (All.TryRemove(((Runspace)sender!).InstanceId, out var session) && session._locks.IsValueCreated)
                session._locks.Value.Dispose();
        }
    }
}
