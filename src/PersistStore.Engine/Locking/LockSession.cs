using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Linq;
using System.Threading;
using PersistStore.Engine.Retry;
using PersistStore.Engine.Storage;

namespace PersistStore.Engine.Locking
{
    /// <summary>
    /// The locks one owner (a runspace, or the process for engine callers) holds, across stores. While any are
    /// held a thread of the session's own renews their leases (not a pool timer: a process whose pool is busy, for
    /// instance with a checkpoint on all cores, would renew late and could lose a short lease); a renewal that finds the lock gone marks it lost, and the owner's next
    /// mutation of that run fails (fencing). Disposing releases everything still held.
    /// </summary>
    public sealed class LockSession : IDisposable
    {
        private static readonly Lazy<LockSession> Process = new Lazy<LockSession>(() => new LockSession(LockOwner.NewSession()));
        private static readonly ConcurrentDictionary<LockSession, byte> Holding = new ConcurrentDictionary<LockSession, byte>();
        private static readonly TimeSpan MinimumRenewInterval = TimeSpan.FromMilliseconds(100);

        private readonly object _gate = new object();
        private readonly Dictionary<(StoreLocation Store, Guid RunId), Held> _held = new Dictionary<(StoreLocation, Guid), Held>();
        private Thread? _renewer;
        private DateTime? _due;
        private TimeSpan _interval;
        private bool _disposed;

        static LockSession()
        {
            // Best effort: a clean exit clears its locks at once instead of leaving others to detect a gone process.
            AppDomain.CurrentDomain.ProcessExit += (_, _) =>
            {
                foreach (var session in Holding.Keys) session.ReleaseAll();
            };
        }

        public LockSession(LockOwner owner)
        {
            Owner = owner;
        }

        public static LockSession ForProcess => Process.Value;

        public LockOwner Owner { get; }

        public bool TryGetHeld(IStoreBackend store, Guid runId, out RunLock held)
        {
            lock (_gate)
            {
                if (_held.TryGetValue((store.Location, runId), out var entry))
                {
                    held = entry.Lock;
                    return true;
                }
            }
            held = null!;
            return false;
        }

        public IReadOnlyList<RunLock> HeldLocks(IStoreBackend store)
        {
            lock (_gate) return _held.Where(kv => kv.Key.Store.Equals(store.Location)).Select(kv => kv.Value.Lock).ToList();
        }

        internal void Track(IStoreBackend store, RunLock runLock)
        {
            lock (_gate)
            {
                _held[(store.Location, runLock.RunId)] = new Held(store, runLock);
                Holding[this] = 0;
                ScheduleRenewals();
            }
        }

        internal void Forget(IStoreBackend store, Guid runId)
        {
            lock (_gate)
            {
                _held.Remove((store.Location, runId));
                if (_held.Count == 0) Holding.TryRemove(this, out _);
                ScheduleRenewals();
            }
        }

        /// <summary>Deletes every lock row this session still holds (those already taken over are left alone).</summary>
        public void ReleaseAll()
        {
            List<Held> all;
            lock (_gate)
            {
                all = _held.Values.ToList();
                _held.Clear();
                Holding.TryRemove(this, out _);
                ScheduleRenewals();
            }
            foreach (var held in all)
            {
                try { held.Store.Write(w => w.DeleteLock(held.Lock.RunId, held.Lock.LockId), default, RetryPolicy.ForTimeout(TimeSpan.FromSeconds(5))); }
                catch (Exception) { /* the lease runs out on its own; a gone process is detected by pid */ }
            }
        }

        public void Dispose()
        {
            ReleaseAll();
            lock (_gate)
            {
                _disposed = true;
                Monitor.PulseAll(_gate);
            }
        }

        /// <summary>Renews at a third of the shortest lease, so two renewals can fail before a lease runs out.</summary>
        private void ScheduleRenewals()
        {
            if (_held.Count == 0) _due = null;
            else
            {
                _interval = TimeSpan.FromTicks(_held.Values.Min(h => h.Lock.Lease.Ticks) / 3);
                if (_interval < MinimumRenewInterval) _interval = MinimumRenewInterval;
                var next = DateTime.UtcNow + _interval;
                if (_due == null || next < _due) _due = next;
                if (_renewer == null && !_disposed)
                {
                    _renewer = new Thread(RenewLoop) { IsBackground = true, Name = "PersistStore lease renewal" };
                    _renewer.Start();
                }
            }
            Monitor.PulseAll(_gate);
        }

        private void RenewLoop()
        {
            while (true)
            {
                lock (_gate)
                {
                    while (true)
                    {
                        if (_disposed) return;
                        if (_due is not DateTime due)
                        {
                            Monitor.Wait(_gate);
                            continue;
                        }
                        var left = due - DateTime.UtcNow;
                        if (left <= TimeSpan.Zero) break;
                        Monitor.Wait(_gate, left);
                    }
                    _due = DateTime.UtcNow + _interval;
                }
                RenewAll();
            }
        }

        private void RenewAll()
        {
            List<Held> all;
            lock (_gate) all = _held.Values.ToList();
            foreach (var held in all)
            {
                if (held.Lost) continue;
                var now = DateTime.UtcNow;
                try
                {
                    var l = held.Lock;
                    bool renewed = held.Store.Write(w => w.RenewLock(l.RunId, l.LockId, now, now + l.Lease), default, RetryPolicy.ForTimeout(l.Lease));
                    if (renewed) held.Lock = l with { RenewedAt = now, ExpiresAt = now + l.Lease };
                    else held.Lost = true;
                }
                catch (Exception) { /* busy or unreachable store: try again at the next tick */ }
            }
        }

        private sealed class Held
        {
            public Held(IStoreBackend store, RunLock runLock)
            {
                Store = store;
                Lock = runLock;
            }

            public IStoreBackend Store { get; }
            public RunLock Lock { get; set; }
            public bool Lost { get; set; }
        }
    }
}
