using System;
using System.Collections.Concurrent;
using System.Management.Automation.Runspaces;
using PersistStore.Engine.Storage;

namespace PersistStore.Infrastructure
{
    /// <summary>
    /// The store Connect-PersistStore made the default, one per runspace: two runspaces in one process (jobs,
    /// pools, hosted engines) never see each other's default. Forgotten when the runspace closes.
    /// </summary>
    internal static class SessionStores
    {
        private static readonly ConcurrentDictionary<Guid, StoreLocation> Defaults = new ConcurrentDictionary<Guid, StoreLocation>();

        public static StoreLocation? Current
        {
            get
            {
                var runspace = Runspace.DefaultRunspace;
                return runspace != null && Defaults.TryGetValue(runspace.InstanceId, out var location) ? location : null;
            }
        }

        public static void Set(StoreLocation location)
        {
            var runspace = Runspace.DefaultRunspace ?? throw new InvalidOperationException("No current runspace.");
            if (Defaults.TryAdd(runspace.InstanceId, location))
                runspace.StateChanged += (sender, e) =>
                {
                    if (e.RunspaceStateInfo.State is RunspaceState.Closed or RunspaceState.Broken)
                        Defaults.TryRemove(((Runspace)sender!).InstanceId, out _);
                };
            else
                Defaults[runspace.InstanceId] = location;
        }

        public static StoreLocation? Clear()
        {
            var runspace = Runspace.DefaultRunspace;
            return runspace != null && Defaults.TryRemove(runspace.InstanceId, out var old) ? old : null;
        }
    }
}
