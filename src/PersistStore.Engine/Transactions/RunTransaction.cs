using System;
using System.Threading;
using PersistStore.Engine.Checkpoints;
using PersistStore.Engine.Errors;
using PersistStore.Engine.Identity;
using PersistStore.Engine.Locking;
using PersistStore.Engine.Model;
using PersistStore.Engine.Naming;
using PersistStore.Engine.Runs;
using PersistStore.Engine.Storage;

namespace PersistStore.Engine.Transactions
{
    /// <summary>
    /// Work on a run that either completes (and is checkpointed) or is undone: the run is locked for the
    /// duration, its start state recorded (a Safety checkpoint of a tracked directory; the run record itself),
    /// and a rollback brings files, properties, tags, description and path back to that state.
    /// </summary>
    public sealed class RunTransaction : IDisposable
    {
        private readonly IStoreBackend _store;
        private readonly Caller _caller;
        private readonly bool _releaseOnEnd;
        private bool _ended;

        private RunTransaction(IStoreBackend store, Caller caller, RunRecord start, CheckpointRecord? startCheckpoint, bool releaseOnEnd)
        {
            _store = store;
            _caller = caller;
            Start = start;
            StartCheckpoint = startCheckpoint;
            _releaseOnEnd = releaseOnEnd;
        }

        public RunRecord Start { get; }
        public CheckpointRecord? StartCheckpoint { get; }

        public static RunTransaction Begin(IStoreBackend store, Caller caller, RunRef run, TimeSpan? lease, string? reason,
            Action<PersistStoreException>? report = null, CancellationToken cancel = default)
        {
            var locks = new LockService(store, caller);
            var target = new RunService(store, caller).Get(run, cancel);
            var id = RunRef.ForId(target.Id);
            bool alreadyHeld = caller.Session.TryGetHeld(store, target.Id, out _);
            if (!alreadyHeld) locks.Enter(id, lease, reason ?? "Invoke-RunTransaction", cancel);
            try
            {
                var start = new RunService(store, caller).Get(id, cancel);   // as of the lock, not as of the request
                var checkpoint = start.Path == null ? null
                    : new CheckpointService(store, caller).Create(id, "start of transaction", CheckpointKinds.Safety, report, null, cancel, reuseUnchanged: true);
                return new RunTransaction(store, caller, start, checkpoint, !alreadyHeld);
            }
            catch
            {
                if (!alreadyHeld) ReleaseQuietly(locks, id);
                throw;
            }
        }

        /// <summary>The block succeeded: checkpoint the run (when it tracks a directory) and release the lock.</summary>
        public CheckpointRecord? Commit(string? message, Action<PersistStoreException>? report = null, CancellationToken cancel = default)
        {
            var id = RunRef.ForId(Start.Id);
            var now = new RunService(_store, _caller).Get(id, cancel);
            var checkpoint = now.Path == null ? null
                : new CheckpointService(_store, _caller).Create(id, message ?? "transaction", CheckpointKinds.Manual, report, null, cancel);
            End();
            return checkpoint;
        }

        /// <summary>
        /// The block failed: the run's record goes back to its start state and its directory to the start checkpoint
        /// (a Safety checkpoint of the failed state is taken first, as by every revert), then the lock is released.
        /// Runs even when the caller was cancelled: a half-done block must not stay.
        /// </summary>
        public RunRecord Rollback(Action<PersistStoreException>? report = null)
        {
            var id = RunRef.ForId(Start.Id);
            var runs = new RunService(_store, _caller);
            var current = runs.Get(id);
            RunRecord restored;
            if (StartCheckpoint != null && current.Path == Start.Path)
            {
                new RestoreService(_store, _caller).Revert(id, StartCheckpoint.Number, includeTags: true, planOnly: false, report);
                restored = RestoreRecord(runs, id);
            }
            else
            {
                // The block moved the run's directory: point the run back first, so the revert writes where the run started.
                restored = RestoreRecord(runs, id);
                if (StartCheckpoint != null)
                    restored = new RestoreService(_store, _caller).Revert(id, StartCheckpoint.Number, includeTags: true, planOnly: false, report).Run;
            }
            End();
            return restored;
        }

        public void Dispose()
        {
            if (!_ended) End();
        }

        private RunRecord RestoreRecord(RunService runs, RunRef id) =>
            runs.Change(id, Operations.RollbackRun,
                current => current with
                {
                    Description = Start.Description, Path = Start.Path,
                    Properties = PropertyRules.Copy(Start.Properties), Tags = Start.Tags,
                },
                (before, after) => "rolled back to the start of the transaction: " + ChangeDetails.Updated(before, after));

        private void End()
        {
            _ended = true;
            if (_releaseOnEnd) ReleaseQuietly(new LockService(_store, _caller), RunRef.ForId(Start.Id));
        }

        private static void ReleaseQuietly(LockService locks, RunRef run)
        {
            try { locks.Exit(run); }
            catch (PersistStoreException) { /* already lost or removed: nothing left to release */ }
        }
    }
}
