using System;
using System.Collections.Generic;
using System.Linq;
using System.Threading;
using PersistStore.Engine.Compression;
using PersistStore.Engine.Errors;
using PersistStore.Engine.Identity;
using PersistStore.Engine.Maintenance;
using PersistStore.Engine.Model;
using PersistStore.Engine.Packs;
using PersistStore.Engine.Storage;

namespace PersistStore.Engine.Checking
{
    /// <summary>What Repair-PersistStore did (or, planned only, would do), and what stays unrestorable.</summary>
    public sealed record RepairResult
    {
        public bool PlanOnly { get; set; }
        public int PacksScanned { get; set; }
        /// <summary>Pack files whose own list cannot be read (truncated, overwritten).</summary>
        public IReadOnlyList<string> UnreadablePacks { get; set; } = Array.Empty<string>();
        /// <summary>Packs on disk the index did not know, added to it with their chunks.</summary>
        public int PacksAdded { get; set; }
        public int ChunksAdded { get; set; }
        /// <summary>Index entries that pointed into a missing or unreadable pack, or where a pack's own list disagreed, moved to a sound copy.</summary>
        public int ChunksMoved { get; set; }
        /// <summary>Indexed chunks found in no readable pack: marked damaged (writers store their content again); with Force their index entries go.</summary>
        public IReadOnlyList<BlobId> ChunksLost { get; set; } = Array.Empty<BlobId>();
        public int IndexEntriesDeleted { get; set; }
        public int PackFilesDeleted { get; set; }
        /// <summary>Problems that remain after the repair (Error severity): the checkpoints and files that cannot be restored in full.</summary>
        public IReadOnlyList<StoreProblem> Remaining { get; set; } = Array.Empty<StoreProblem>();
    }

    /// <summary>
    /// Rebuilds the chunk index from the packs' own lists (restic's repair index): every readable pack is scanned,
    /// entries that point into a missing or unreadable pack (or disagree with a pack's own list) move to a sound copy
    /// when one exists, packs the index did not know are added, and chunks found nowhere are marked damaged, so that
    /// the next checkpoint that meets their content stores it again. Nothing is deleted without force: then the
    /// index entries of lost chunks and the pack files that cannot be read at all go. One pass at a time (the
    /// maintenance lease), never blocking writers for more than one short transaction.
    /// </summary>
    public sealed class IndexRepair
    {
        private readonly IStoreBackend _store;
        private readonly Caller _caller;

        public IndexRepair(IStoreBackend store, Caller caller)
        {
            _store = store;
            _caller = caller;
        }

        public RepairResult Run(bool planOnly, bool force, CancellationToken cancel = default, IProgress<PassProgress>? progress = null)
        {
            var timer = System.Diagnostics.Stopwatch.StartNew();
            using var lease = planOnly ? null : MaintenanceLease.Take(_store, _caller, "Repair-PersistStore");
            var result = new RepairResult { PlanOnly = planOnly };
            var sound = new Dictionary<string, IReadOnlyList<PackEntry>>(StringComparer.Ordinal);
            var unreadable = new List<string>();
            var files = _store.Packs.List().ToList();
            foreach (var name in files)
            {
                cancel.ThrowIfCancellationRequested();
                progress?.Report(new PassProgress($"Reading the lists of {files.Count} packs", sound.Count + unreadable.Count, files.Count));
                try { sound[name] = PackReader.ReadEntries(_store.Packs, name); }
                catch (PersistStoreException e) when (e is PackDamagedException || e is PackMissingException) { unreadable.Add(name); }
            }
            result.PacksScanned = sound.Count + unreadable.Count;
            result.UnreadablePacks = unreadable;
            var copies = new Dictionary<BlobId, (string Pack, PackEntry Entry)>();
            foreach (var kv in sound.OrderBy(kv => kv.Key, StringComparer.Ordinal))
                foreach (var e in kv.Value.Where(e => e.Kind == BlobKind.Chunk))
                    if (!copies.ContainsKey(e.Id)) copies[e.Id] = (kv.Key, e);

            var indexedPacks = _store.Read(r => r.ListPacks(), cancel).Select(p => p.Name).ToList();
            var moves = new List<(BlobId Id, string Pack, PackEntry Entry)>();
            var lost = new List<BlobId>();
            foreach (var pack in indexedPacks)
            {
                var own = sound.TryGetValue(pack, out var list) ? list.ToDictionary(e => e.Id) : null;
                foreach (var e in _store.Read(r => r.ChunksInPack(pack), cancel))
                {
                    if (own != null && own.TryGetValue(e.Id, out var o) && o.Equals(e)) continue;
                    if (copies.TryGetValue(e.Id, out var copy)) moves.Add((e.Id, copy.Pack, copy.Entry));
                    else lost.Add(e.Id);
                }
            }
            var known = new HashSet<string>(indexedPacks, StringComparer.Ordinal);
            var added = sound.Where(kv => !known.Contains(kv.Key)).ToList();
            result.PacksAdded = added.Count;
            result.ChunksMoved = moves.Count;
            result.ChunksLost = lost;
            _caller.Trace?.Invoke($"Repair-PersistStore: read {files.Count} pack lists and compared them with the index in {timer.Elapsed.TotalMilliseconds:F0} ms.");
            progress?.Report(new PassProgress("Checking what remains", files.Count, files.Count));
            if (planOnly) return Remaining(result, cancel);

            _store.Write(w =>
            {
                foreach (var kv in added)
                    result.ChunksAdded += w.IndexPack(new PackInfo(kv.Key, _store.Packs.Length(kv.Key), kv.Value)).Count;
                // A move points the entry at a pack the index knows: packs added above, or already indexed ones.
                foreach (var group in moves.GroupBy(m => m.Pack))
                {
                    var entries = group.Select(m => m.Entry).ToList();
                    w.MoveChunks(new PackInfo(group.Key, -1, entries), existing: true);
                }
                w.MarkBlobs(lost, BlobMark.Damaged, _caller.Clock(), "Repair-PersistStore: in no readable pack");
                if (force)
                {
                    result.IndexEntriesDeleted = w.DeleteChunks(lost);
                    w.DeleteEmptyPacks(indexedPacks.Where(p => !sound.ContainsKey(p)));
                }
                w.AppendHistory(new HistoryDraft(Operations.RepairStore, null, null,
                    $"scanned {result.PacksScanned} packs ({unreadable.Count} unreadable); added {added.Count} packs with {result.ChunksAdded} chunks; moved {moves.Count} index entries to sound copies; {lost.Count} chunks in no readable pack" +
                    (force ? $" (their {result.IndexEntriesDeleted} index entries deleted; {unreadable.Count} unreadable pack files deleted)" : " (marked damaged)")), _caller.Actor, _caller.Clock());
                return 0;
            }, cancel);
            if (force)
                foreach (var name in unreadable)
                {
                    _store.Packs.Delete(name);
                    result.PackFilesDeleted++;
                }
            return Remaining(result, cancel);
        }

        /// <summary>What a check (without reading data, marking nothing) still finds wrong: the checkpoints that cannot be restored in full.</summary>
        private RepairResult Remaining(RepairResult result, CancellationToken cancel)
        {
            var problems = new List<StoreProblem>();
            new StoreChecker(_store, _caller).Run(new CheckOptions { MarkDamaged = false }, problems.Add, null, cancel);
            result.Remaining = problems.Where(p => p.Severity == ProblemSeverity.Error).ToList();
            return result;
        }
    }
}
