using System;
using System.Collections.Generic;
using System.Linq;
using System.Threading;
using PersistStore.Engine.Compression;
using PersistStore.Engine.Snapshots;
using PersistStore.Engine.Storage;
using PersistStore.Engine.Trees;

namespace PersistStore.Engine.Migration
{
    /// <summary>
    /// Compares a migrated run in both stores, layer by layer, and throws MigrationMismatch at the first difference:
    /// the run's record; its checkpoints (each field); files, folders and bytes, counted by walking the destination's
    /// listings (each decoded and checked against its id) and compared with what the source recorded; every chunk and
    /// listing the checkpoints need present in the destination, and each chunk this migration copied read back and
    /// checked against its id; every change-log entry of the run in the source present in the destination.
    /// </summary>
    internal sealed class MigrationVerifier
    {
        private readonly IStoreBackend _source, _destination;
        private readonly BlobCopier _blobs;
        private readonly MigrationResult _result;
        private readonly CancellationToken _cancel;
        /// <summary>Files, folders and bytes below each destination listing: a listing shared by checkpoints is walked once.</summary>
        private readonly HashSet<BlobId> _verified = new HashSet<BlobId>();
        private readonly Dictionary<BlobId, (long Files, long Directories, long Bytes)> _tally = new Dictionary<BlobId, (long, long, long)>();

        public MigrationVerifier(IStoreBackend source, IStoreBackend destination, BlobCopier blobs, MigrationResult result, CancellationToken cancel)
        {
            (_source, _destination, _blobs, _result, _cancel) = (source, destination, blobs, result, cancel);
        }

        public void Verify(MigrationPlan.Item item)
        {
            var s = _source.Read(r => RunState.Read(r, item.Id));
            var d = _destination.Read(r => RunState.Read(r, item.Id));
            string run = item.DestinationName;
            if (s.Run == null) return;
            if (d.Run == null) throw MigrationException.Mismatch("runs", run, "the destination has no run with its id " + item.Id);
            if (RunState.RunDifference(s.Run, d.Run, item.DestinationName) is string runDiff) throw MigrationException.Mismatch("runs", run, runDiff);
            _result.RunsVerified++;

            if (s.Checkpoints.Count != d.Checkpoints.Count)
                throw MigrationException.Mismatch("checkpoints", run, $"{d.Checkpoints.Count} checkpoints where the source has {s.Checkpoints.Count}");
            foreach (var (sc, dc) in s.Checkpoints.Zip(d.Checkpoints, (a, b) => (a, b)))
            {
                string name = $"{run}#{sc.Number}";
                if (sc.Number != dc.Number) throw MigrationException.Mismatch("checkpoints", name, $"the destination's is number {dc.Number}");
                if (RunState.CheckpointDifference(sc, dc) is string cpDiff) throw MigrationException.Mismatch("checkpoints", name, cpDiff);
                var (files, dirs, bytes) = _destination.Read(r => Tally(r, dc.RootTree), _cancel);
                if ((files, dirs, bytes) != (sc.Files, sc.Directories, sc.LogicalBytes))
                    throw MigrationException.Mismatch("files", name, $"the destination's listings hold {files} files, {dirs} folders and {bytes} bytes where the source recorded {sc.Files}, {sc.Directories} and {sc.LogicalBytes}");
                _result.CheckpointsVerified++;
                _result.FilesVerified += files;
                _result.BytesVerified += bytes;
            }

            if (d.LastNumber < s.LastNumber)
                throw MigrationException.Mismatch("checkpoints", run, $"the destination would give checkpoint number {d.LastNumber + 1} again, which the source has given");

            var (all, _) = _blobs.Needed(s.Checkpoints.Select(c => c.RootTree));
            var absent = _blobs.Lacking(all);
            if (absent.Count > 0)
                throw MigrationException.Mismatch("chunks", run, $"the destination lacks {absent.Count} of the {all.Count} chunks and listings its checkpoints need (first: {absent[0]})");
            foreach (var id in all) if (_verified.Add(id)) _result.ChunksVerified++;   // a chunk shared by runs counts once

            var lost = RunState.Missing(s.History, d.History);
            if (lost.Count > 0)
                throw MigrationException.Mismatch("history", run, $"the destination lacks {lost.Count} of the source's {s.History.Count} change-log entries of the run (first: {lost[0].Operation} at {lost[0].Time:u})");
            _result.HistoryEntriesVerified += s.History.Count;
        }

        /// <summary>Files, folders and bytes under a listing (inline: kept inside its parent's), counted once per listing id.</summary>
        private (long Files, long Directories, long Bytes) Tally(IStoreReader r, BlobId listing, Tree? inline = null)
        {
            if (_tally.TryGetValue(listing, out var known)) return known;
            _cancel.ThrowIfCancellationRequested();
            long files = 0, dirs = 0, bytes = 0;
            foreach (var e in TreeStore.Load(r, listing, inline).Entries)
            {
                if (e.Kind == EntryKind.File) { files++; bytes += e.Size; }
                else if (e.Kind == EntryKind.Directory)
                {
                    var (f, d, b) = Tally(r, e.Subtree!.Value, e.Inline);
                    (files, dirs, bytes) = (files + f, dirs + d + 1, bytes + b);
                }
            }
            return _tally[listing] = (files, dirs, bytes);
        }
    }
}
