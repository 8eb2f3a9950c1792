using System;
using System.Collections.Generic;
using System.Linq;
using System.Threading;
using PersistStore.Engine.Errors;
using PersistStore.Engine.Identity;
using PersistStore.Engine.Model;
using PersistStore.Engine.Retry;
using PersistStore.Engine.Runs;
using PersistStore.Engine.Storage;

namespace PersistStore.Engine.Locking
{
    /// <summary>
    /// Run locks: leases in the store, one per run. Every mutation goes through Mutate (one transaction that checks
    /// the lock: the caller's own lock must still be the current one; another owner's live lock makes the caller
    /// wait under its retry budget; a stale one is taken over and the takeover logged). Multi-step work (a checkpoint,
    /// a revert) takes an implicit lock for its duration with Hold.
    /// </summary>
    public sealed class LockService
    {
        public static readonly TimeSpan DefaultLease = TimeSpan.FromSeconds(30);
        private static readonly TimeSpan MinimumLease = TimeSpan.FromSeconds(1);

        private readonly IStoreBackend _store;
        private readonly Caller _caller;

        public LockService(IStoreBackend store, Caller caller)
        {
            _store = store;
            _caller = caller;
        }

        private LockSession Session => _caller.Session;

        public RunLock Enter(RunRef run, TimeSpan? lease, string? reason, CancellationToken cancel = default) =>
            Acquire(run, lease ?? DefaultLease, reason, isImplicit: false, cancel);

        /// <summary>Releases this session's lock on the run; fails when the session does not hold it (any more).</summary>
        public RunLock Exit(RunRef run, CancellationToken cancel = default)
        {
            var current = _store.Read(r => RunLookup.Find(r, run), cancel);
            if (!Session.TryGetHeld(_store, current.Id, out var held))
                throw new LockNotHeldException(current.Name, _store.Read(r => r.FindLock(current.Id), cancel));
            Session.Forget(_store, current.Id);
            bool deleted = _store.Write(w => w.DeleteLock(current.Id, held.LockId), cancel, _caller.Retry);
            if (!deleted) throw new LockLostException(current.Name, held, _store.Read(r => r.FindLock(current.Id), cancel));
            return held;
        }

        /// <summary>The locks of one run (zero or one) or of the whole store, each with whether it is stale now.</summary>
        public IReadOnlyList<RunLockState> List(RunRef? run, CancellationToken cancel = default) =>
            _store.Read(r =>
            {
                var now = _caller.Clock();
                var one = run == null ? null : r.FindLock(RunLookup.Find(r, run).Id);
                IEnumerable<RunLock> rows = run == null ? r.ListLocks() : one == null ? Array.Empty<RunLock>() : new[] { one };
                return (IReadOnlyList<RunLockState>)rows.Select(l => new RunLockState(l, LockStaleness.Why(l, now))).ToList();
            }, cancel);

        /// <summary>Removes a stale lock, or with force a live one; either way the removal is logged.</summary>
        public RunLockState Unlock(RunRef run, bool force, CancellationToken cancel = default) =>
            _store.Write(w =>
            {
                var current = RunLookup.Find(w, run);
                var now = _caller.Clock();
                var row = w.FindLock(current.Id) ?? throw new PersistStoreException("RunNotLocked", ErrorKind.NotFound, current.Name,
                    $"The run '{current.Name}' is not locked; there is nothing to unlock.");
                var state = new RunLockState(row, LockStaleness.Why(row, now));
                if (!state.IsStale && !force && !row.IsHeldBy(Session.Owner))
                    throw new PersistStoreException("LockNotStale", ErrorKind.ResourceBusy, current.Name,
                        $"The lock on run '{current.Name}' is held by {row.Describe()}, whose process is alive and whose lease runs until {row.ExpiresAt:yyyy-MM-dd HH:mm:ss}Z. "
                        + $"Wait for it, or if you know the holder is hung: Unlock-Run -Run '{current.Name}' -Force (the holder then fails its next change).");
                w.DeleteLock(current.Id, row.LockId);
                w.AppendHistory(new HistoryDraft(Operations.UnlockRun, current.Id, current.Name,
                    (state.IsStale ? $"removed the stale lock of {row.Describe()}: {state.StaleReason}" : $"forcibly removed the live lock of {row.Describe()}")
                    + $"; lock {row.LockId}"), _caller.Actor, now);
                if (row.IsHeldBy(Session.Owner)) Session.Forget(_store, current.Id);
                return state;
            }, cancel, _caller.Retry);

        /// <summary>
        /// One change of an existing run, in one transaction that first admits the caller through the run's lock.
        /// Waits (under the caller's budget) while another owner holds it.
        /// </summary>
        public T Mutate<T>(RunRef run, Func<IStoreWriter, RunRecord, DateTime, T> change, CancellationToken cancel = default) =>
            WaitFor(retrying =>
            {
                if (retrying) RefuseEarlyIfBusy(run, cancel);
                return _store.Write(w =>
                {
                    var current = RunLookup.Find(w, run);
                    var now = _caller.Clock();
                    Admit(w, current, now);
                    return change(w, current, now);
                }, cancel, _caller.Retry);
            }, cancel);

        /// <summary>
        /// Keeps the run locked while multi-step work runs: the session's own lock if it holds one, otherwise an
        /// implicit lock released when the returned handle is disposed.
        /// </summary>
        public IDisposable Hold(RunRef run, string reason, CancellationToken cancel = default)
        {
            var current = _store.Read(r => RunLookup.Find(r, run), cancel);
            if (Session.TryGetHeld(_store, current.Id, out _)) return NothingToRelease.Instance;
            var taken = Acquire(RunRef.ForId(current.Id), DefaultLease, reason, isImplicit: true, cancel);
            return new Release(this, taken);
        }

        private RunLock Acquire(RunRef run, TimeSpan lease, string? reason, bool isImplicit, CancellationToken cancel)
        {
            if (lease < MinimumLease)
                throw new PersistStoreException("InvalidLease", ErrorKind.InvalidArgument, lease,
                    $"A lease of {lease} is too short to be renewed in time; give at least {MinimumLease.TotalSeconds:F0} second.");
            var acquired = WaitFor(retrying =>
            {
                if (retrying) RefuseEarlyIfBusy(run, cancel);
                return _store.Write(w =>
                {
                    var current = RunLookup.Find(w, run);
                    var now = _caller.Clock();
                    var row = w.FindLock(current.Id);
                    if (row != null && row.IsHeldBy(Session.Owner) && Session.TryGetHeld(_store, current.Id, out var held) && held.LockId == row.LockId)
                    {
                        // Entering again keeps the acquisition (and its fencing token) and refreshes the lease.
                        var again = row with { RenewedAt = now, ExpiresAt = now + lease, Lease = lease, Reason = reason ?? row.Reason, IsImplicit = isImplicit && row.IsImplicit };
                        w.PutLock(again);
                        return again;
                    }
                    if (row != null && !row.IsHeldBy(Session.Owner)) TakeOverIfStale(w, row, current, now);
                    var mine = RunLock.For(Session.Owner, current.Id, current.Name, lease, reason, isImplicit, now);
                    w.PutLock(mine);
                    return mine;
                }, cancel, _caller.Retry);
            }, cancel);
            Session.Track(_store, acquired);
            return acquired;
        }

        /// <summary>The check every mutation makes inside its transaction (so nothing can change between check and write).</summary>
        private void Admit(IStoreWriter w, RunRecord run, DateTime now)
        {
            var row = w.FindLock(run.Id);
            if (Session.TryGetHeld(_store, run.Id, out var held))
            {
                if (row != null && row.LockId == held.LockId) return;
                Session.Forget(_store, run.Id);
                throw new LockLostException(run.Name, held, row);
            }
            if (row == null || row.IsHeldBy(Session.Owner)) return;
            TakeOverIfStale(w, row, run, now);
        }

        private void TakeOverIfStale(IStoreWriter w, RunLock row, RunRecord run, DateTime now)
        {
            string? stale = LockStaleness.Why(row, now);
            if (stale == null) throw new LockBusy(row);
            w.DeleteLock(run.Id, row.LockId);
            w.AppendHistory(new HistoryDraft(Operations.TakeOverLock, run.Id, run.Name,
                $"took over the lock of {row.Describe()}: {stale}; lock {row.LockId}"), _caller.Actor, now);
        }

        /// <summary>Waiting owners poll with a read first, so they do not take the store's write lock from the holder
        /// (the first attempt goes straight to its transaction: the uncontended case costs one transaction).</summary>
        private void RefuseEarlyIfBusy(RunRef run, CancellationToken cancel)
        {
            var (runId, row) = _store.Read(r =>
            {
                var id = RunLookup.Find(r, run).Id;
                return (id, r.FindLock(id));
            }, cancel);
            if (Session.TryGetHeld(_store, runId, out _)) return;   // the transaction's admission check decides (fencing)
            if (row != null && !row.IsHeldBy(Session.Owner) && LockStaleness.Why(row, _caller.Clock()) == null) throw new LockBusy(row);
        }

        private T WaitFor<T>(Func<bool, T> attempt, CancellationToken cancel)
        {
            bool retrying = false;
            int attempts = 0;
            var waited = System.Diagnostics.Stopwatch.StartNew();
            var result = RetryLoop.Run(_caller.Retry, () =>
                {
                    attempts++;
                    try { return attempt(retrying); }
                    catch (LockBusy busy)
                    {
                        _caller.Trace?.Invoke($"Run '{busy.Holder.RunName}' is locked by {busy.Holder.Describe()}: attempt {attempts} failed after {waited.Elapsed.TotalSeconds:F2} s of waiting.");
                        throw;
                    }
                    finally { retrying = true; }
                }, e => e is LockBusy,
                outcome => new RunLockedException(((LockBusy)outcome.LastFailure).Holder.RunName, ((LockBusy)outcome.LastFailure).Holder, outcome.Attempts, outcome.Waited),
                cancel);
            if (attempts > 1) _caller.Trace?.Invoke($"Got the run's lock on attempt {attempts}, after waiting {waited.Elapsed.TotalSeconds:F2} s.");
            return result;
        }

        /// <summary>Internal signal between an attempt and the retry loop; callers see RunLockedException.</summary>
        private sealed class LockBusy : Exception
        {
            public LockBusy(RunLock holder) => Holder = holder;
            public RunLock Holder { get; }
        }

        private sealed class Release : IDisposable
        {
            private LockService? _owner;
            private readonly RunLock _lock;

            public Release(LockService owner, RunLock taken)
            {
                _owner = owner;
                _lock = taken;
            }

            public void Dispose()
            {
                var owner = Interlocked.Exchange(ref _owner, null);
                if (owner == null) return;
                owner.Session.Forget(owner._store, _lock.RunId);
                try { owner._store.Write(w => w.DeleteLock(_lock.RunId, _lock.LockId), default, RetryPolicy.ForTimeout(TimeSpan.FromSeconds(5))); }
                catch (PersistStoreException) { /* never mask the work's own outcome; the lease runs out by itself */ }
            }
        }

        private sealed class NothingToRelease : IDisposable
        {
            public static readonly NothingToRelease Instance = new NothingToRelease();
            public void Dispose() { }
        }
    }
}
