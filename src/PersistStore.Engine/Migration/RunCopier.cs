using System;
using System.Collections.Generic;
using System.Linq;
using PersistStore.Engine.Compression;
using PersistStore.Engine.Identity;
using PersistStore.Engine.Model;
using PersistStore.Engine.Storage;

namespace PersistStore.Engine.Migration
{
    /// <summary>
    /// Brings one run of the destination up to the source's state, in an order that a kill at any moment leaves
    /// resumable: the run's record first; then the blobs of each missing checkpoint (durable and indexed) before its
    /// row; checkpoints the source no longer has removed; the change-log entries the destination lacks; the lock.
    /// Run again, each step finds what is already there and copies only the rest. Under a plan nothing is written and
    /// the same counts are reported.
    /// </summary>
    internal sealed class RunCopier
    {
        private readonly IStoreBackend _source, _destination;
        private readonly BlobCopier _blobs;
        private readonly MigrationResult _result;
        private readonly bool _plan;

        public RunCopier(IStoreBackend source, IStoreBackend destination, BlobCopier blobs, MigrationResult result, bool plan)
        {
            (_source, _destination, _blobs, _result, _plan) = (source, destination, blobs, result, plan);
        }

        /// <summary>Blobs this migration stored in the destination, in the order it stored them (so that the verification
        /// reads them back in pack order), or under a plan would store.</summary>
        public List<BlobId> Copied { get; } = new List<BlobId>();
        private readonly HashSet<BlobId> _planned = new HashSet<BlobId>();

        public enum Outcome { Unchanged, Created, Updated }

        /// <summary>Copies what the destination lacks of the run (planned: counts what it would copy); says whether the
        /// run was new there, brought up to date, or already equal.</summary>
        public Outcome Copy(MigrationPlan.Item item, Action<string, int, int>? progress)
        {
            var s = _source.Read(r => RunState.Read(r, item.Id));
            var d = _destination.Read(r => RunState.Read(r, item.Id));
            if (s.Run == null) return Outcome.Unchanged;   // removed from the source since the plan: nothing to copy
            bool changed = false;

            var record = s.Run with { Name = item.DestinationName };
            if (d.Run == null || RunState.RunDifference(s.Run, d.Run, item.DestinationName) != null)
            {
                if (!_plan) _destination.Write(w => { if (d.Run == null) w.InsertRun(record); else w.UpdateRun(record); return 0; });
                changed = true;
            }

            var have = d.Checkpoints.ToDictionary(c => c.Number);
            foreach (var c in s.Checkpoints)
                if (have.TryGetValue(c.Number, out var other) && !other.RootTree.Equals(c.RootTree))
                    throw MigrationException.Mismatch("checkpoints", $"{item.DestinationName}#{c.Number}",
                        $"the destination's checkpoint {c.Number} holds root listing {other.RootTree} where the source's holds {c.RootTree}");
            var missing = s.Checkpoints.Where(c => !have.ContainsKey(c.Number)).ToList();
            if (missing.Count > 0)
            {
                var (all, listings) = _blobs.Needed(missing.Select(c => c.RootTree));
                var lacking = _blobs.Lacking(all);
                if (_plan)
                {
                    lacking.RemoveAll(id => !_planned.Add(id));   // counted for an earlier run of the plan: copied once
                    _result.ListingsCopied += lacking.Count(listings.Contains);
                    _result.ChunksCopied += lacking.Count(id => !listings.Contains(id));
                }
                else
                {
                    var (chunks, rows, bytes) = _blobs.Copy(lacking, listings, done => progress?.Invoke("blobs", done, lacking.Count));
                    (_result.ChunksCopied, _result.ListingsCopied, _result.BytesCopied) = (_result.ChunksCopied + chunks, _result.ListingsCopied + rows, _result.BytesCopied + bytes);
                    Copied.AddRange(lacking);
                    // Last, as a checkpoint is taken: every blob it needs is durable and indexed before its row.
                    _destination.Write(w => { foreach (var c in missing) w.InsertCheckpoint(c); return 0; });
                }
                _result.CheckpointsCopied += missing.Count;
                changed = true;
            }
            var numbers = new HashSet<int>(s.Checkpoints.Select(c => c.Number));
            var removed = d.Checkpoints.Where(c => !numbers.Contains(c.Number)).Select(c => c.Number).ToList();
            if (removed.Count > 0)
            {
                // Removed from the source since it was migrated (the source's history says so, and is copied next).
                if (!_plan) _destination.Write(w => w.DeleteCheckpoints(item.Id, removed));
                _result.CheckpointsRemoved += removed.Count;
                changed = true;
            }

            if (s.LastNumber > d.LastNumber)
            {
                // Numbers are never given twice: one removed at the source stays given here too.
                if (!_plan) _destination.Write(w => { w.KeepCheckpointNumber(item.Id, s.LastNumber); return 0; });
                changed = true;
            }

            var entries = RunState.Missing(s.History, d.History);
            if (entries.Count > 0)
            {
                if (!_plan)
                    _destination.Write(w =>
                    {
                        foreach (var e in entries)
                            w.AppendHistory(new HistoryDraft(e.Operation, e.RunId, e.RunName, e.Details), new Actor(e.User, e.Host, e.ProcessId, default), e.Time);
                        return 0;
                    });
                _result.HistoryEntriesCopied += entries.Count;
                changed = true;
            }

            if (s.Lock != null && !RunState.SameLock(s.Lock, d.Lock))
            {
                if (!_plan) _destination.Write(w => { w.PutLock(s.Lock); return 0; });
                _result.LocksCopied++;
                changed = true;
            }
            return !changed ? Outcome.Unchanged : d.Run == null ? Outcome.Created : Outcome.Updated;
        }
    }
}
