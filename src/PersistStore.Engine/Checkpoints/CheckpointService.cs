using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Linq;
using System.Runtime.ExceptionServices;
using System.Threading;
using PersistStore.Engine.Chunking;
using PersistStore.Engine.Errors;
using PersistStore.Engine.Identity;
using PersistStore.Engine.Locking;
using PersistStore.Engine.Model;
using PersistStore.Engine.Runs;
using PersistStore.Engine.Snapshots;
using PersistStore.Engine.Storage;

namespace PersistStore.Engine.Checkpoints
{
    /// <summary>
    /// Creates and finds checkpoints. Content is stored first (blobs, in batches); the checkpoint row, the run's
    /// tags and properties as of that moment and the change-log entry are committed last, in one transaction: a
    /// checkpoint is either fully there or absent.
    /// </summary>
    public sealed class CheckpointService
    {
        private readonly IStoreBackend _store;
        private readonly Caller _caller;
        private readonly FastCdc _cdc;

        public CheckpointService(IStoreBackend store, Actor? actor = null, Func<DateTime>? clock = null, FastCdc? cdc = null)
            : this(store, Caller.For(actor, clock), cdc)
        { }

        public CheckpointService(IStoreBackend store, Caller caller, FastCdc? cdc = null)
        {
            _store = store;
            _caller = caller;
            _cdc = cdc ?? new FastCdc();
        }

        /// <summary>
        /// Snapshots the run under its lock (the caller's own, or an implicit one for the duration). With
        /// reuseUnchanged, a state identical to the latest checkpoint (tree, tags and properties) returns that
        /// checkpoint instead of recording a duplicate.
        /// </summary>
        public CheckpointRecord Create(RunRef run, string? message, string kind = CheckpointKinds.Manual,
            Action<PersistStoreException>? report = null, IProgress<SnapshotProgress>? progress = null, CancellationToken cancel = default,
            bool reuseUnchanged = false)
        {
            var locks = new LockService(_store, _caller);
            using var held = locks.Hold(run, $"New-Checkpoint ({kind})", cancel);
            return CreateLocked(locks, run, message, kind, report, progress, reuseUnchanged, cancel);
        }

        private CheckpointRecord CreateLocked(LockService locks, RunRef run, string? message, string kind, Action<PersistStoreException>? report,
            IProgress<SnapshotProgress>? progress, bool reuseUnchanged, CancellationToken cancel)
        {
            var timer = Stopwatch.StartNew();
            var current = new RunService(_store, _caller).Get(run, cancel);
            if (current.Path == null)
                throw new PersistStoreException("RunHasNoPath", ErrorKind.InvalidOperation, current.Name,
                    $"The run '{current.Name}' has no directory to checkpoint. Set one with Set-Run -Run {current.Name} -Path <folder>.");
            var parent = Latest(current.Id, cancel);
            var snapshot = new SnapshotBuilder(_store, _cdc, report ?? (_ => { })).Build(current.Path, parent?.RootTree, progress, cancel);
            return locks.Mutate(RunRef.ForId(current.Id), (w, now, time) =>
            {
                var latest = w.LatestCheckpoint(now.Id);
                if (reuseUnchanged && latest != null && latest.RootTree.Equals(snapshot.RootTree) && latest.SameLabelsAs(now)) return latest;
                int number = w.LastCheckpointNumber(now.Id) + 1;   // never a removed checkpoint's number
                var checkpoint = new CheckpointRecord
                {
                    RunId = now.Id, RunName = now.Name, Number = number, Kind = kind, Message = message, CreatedAt = time,
                    CreatedBy = _caller.Actor.UserAtHost, Parent = parent?.Number, RootTree = snapshot.RootTree, Tags = now.Tags,
                    Properties = now.Properties, Files = snapshot.Files, Directories = snapshot.Directories,
                    LogicalBytes = snapshot.LogicalBytes, NewBytes = snapshot.NewBytes, Duration = timer.Elapsed,
                };
                w.InsertCheckpoint(checkpoint);
                w.AppendHistory(new HistoryDraft(Operations.CreateCheckpoint, now.Id, now.Name,
                    $"checkpoint {number} ({kind}): {snapshot.Files} files, {snapshot.LogicalBytes} bytes, {snapshot.NewBytes} new bytes stored, {snapshot.FilesRead} files read"
                    + (message == null ? "" : $"; message '{message}'")), _caller.Actor, checkpoint.CreatedAt);
                return checkpoint;
            }, cancel);
        }

        public IReadOnlyList<CheckpointRecord> List(RunRef run, CancellationToken cancel = default)
        {
            var current = new RunService(_store, _caller).Get(run, cancel);
            return _store.Read(r => r.QueryCheckpoints(current.Id), cancel);
        }

        /// <summary>One checkpoint by number, or the latest when number is null.</summary>
        public CheckpointRecord Get(RunRef run, int? number, CancellationToken cancel = default)
        {
            var current = new RunService(_store, _caller).Get(run, cancel);
            var found = number == null ? Latest(current.Id, cancel) : _store.Read(r => r.QueryCheckpoints(current.Id, number), cancel).FirstOrDefault();
            return found ?? throw new PersistStoreException("CheckpointNotFound", ErrorKind.NotFound, number?.ToString() ?? current.Name,
                number == null
                    ? $"The run '{current.Name}' has no checkpoint yet. Create one with New-Checkpoint -Run {current.Name}."
                    : $"The run '{current.Name}' has no checkpoint {number}. Get-Checkpoint -Run {current.Name} lists its checkpoints.");
        }

        private CheckpointRecord? Latest(Guid runId, CancellationToken cancel) =>
            _store.Read(r => r.LatestCheckpoint(runId), cancel);
    }
}
