using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Linq;
using System.Threading;
using PersistStore.Engine.Identity;
using PersistStore.Engine.Locking;
using PersistStore.Engine.Model;
using PersistStore.Engine.Storage;

namespace PersistStore.Engine.Maintenance
{
    /// <summary>
    /// Waits until every writer that was running when blobs were marked has finished. Every command that stores
    /// blobs (New-Checkpoint, a revert's safety checkpoint, Invoke-RunTransaction) holds its run's lock from before its
    /// first lookup to after its checkpoint commits, and that commit checks the lock (fencing), so the lock rows
    /// present at the mark are exactly the writers that may reference a blob they looked up before the mark. A
    /// stale one (process gone, or lease expired) is removed here: its holder can no longer commit anything.
    /// </summary>
    internal static class WriterFence
    {
        private static readonly TimeSpan Poll = TimeSpan.FromMilliseconds(200);

        /// <summary>Null once all of them are gone; otherwise who still holds a lock when the timeout ran out.</summary>
        public static string? Wait(IStoreBackend store, Caller caller, IReadOnlyList<RunLock> writers, TimeSpan timeout, Action<string>? trace, CancellationToken cancel)
        {
            var pending = writers.ToList();
            var waited = Stopwatch.StartNew();
            while (true)
            {
                var held = store.Read(r => r.ListLocks(), cancel).ToDictionary(l => (l.RunId, l.LockId));
                pending = pending.Where(p => held.ContainsKey((p.RunId, p.LockId))).Select(p => held[(p.RunId, p.LockId)]).ToList();
                foreach (var l in pending.ToList())
                {
                    string? stale = LockStaleness.Why(l, caller.Clock());
                    if (stale == null) continue;
                    store.Write(w =>
                    {
                        if (w.DeleteLock(l.RunId, l.LockId))
                            w.AppendHistory(new HistoryDraft(Operations.TakeOverLock, l.RunId, l.RunName,
                                $"Optimize-PersistStore removed the stale lock of {l.Describe()}: {stale}; lock {l.LockId}"), caller.Actor, caller.Clock());
                        return 0;
                    }, cancel);
                    trace?.Invoke($"Removed the stale lock of run '{l.RunName}' ({stale}): its holder can no longer commit.");
                    pending.Remove(l);
                }
                if (pending.Count == 0) return null;
                if (waited.Elapsed >= timeout)
                    return string.Join("; ", pending.Select(l => $"run '{l.RunName}' locked by {l.Describe()}"));
                trace?.Invoke($"Waiting for {pending.Count} command(s) that were writing when the pass began: {string.Join(", ", pending.Select(l => l.RunName))}.");
                if (cancel.WaitHandle.WaitOne(Poll)) cancel.ThrowIfCancellationRequested();
            }
        }
    }
}
