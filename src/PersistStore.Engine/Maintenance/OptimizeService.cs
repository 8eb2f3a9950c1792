using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Globalization;
using System.Linq;
using System.Threading;
using PersistStore.Engine.Compression;
using PersistStore.Engine.Identity;
using PersistStore.Engine.Locking;
using PersistStore.Engine.Model;
using PersistStore.Engine.Snapshots;
using PersistStore.Engine.Storage;

namespace PersistStore.Engine.Maintenance
{
    /// <summary>
    /// Reclaims the space of blobs no checkpoint references, while other commands keep writing. The rule
    /// (docs/Optimize-PersistStore.md says it for users):
    /// 1. Mark: in one read snapshot, every blob the committed checkpoints reference is found; the rest are candidates.
    /// 2. Condemn: short transactions mark the candidates Unreferenced, then the run locks held once every mark is
    ///    visible are noted. From then on writers treat marked blobs as absent and store their content again (which clears the
    ///    mark), so no command that starts after the mark can come to depend on a candidate.
    /// 3. Wait for the writers noted in 2 (each holds its run's lock from before its first lookup until its
    ///    checkpoint commits); stale ones are fenced by removing their lock. Nothing else waits on this pass.
    /// 4. Sweep: short transactions, each first walking the checkpoints committed since the last walk (their new
    ///    listings only) and keeping any candidate they reference, delete the rest that are still marked; the last
    ///    drops index rows of packs no chunk is in; packs that no index entry named at the mark and none names now (killed writers'),
    ///    and unfinished uploads seen at the mark, are deleted inside it, so a writer that outlived its lease
    ///    cannot index them afterwards (IndexPack checks the pack is there).
    /// 5. Repack packs above MaxUnusedPercent (Repacker); readers of a moved chunk look it up again.
    /// This is kopia's and Proxmox Backup Server's idea (nothing a running writer may use is deleted: "older than
    /// the oldest writer"), with the writers known exactly from their leases instead of a fixed grace period.
    /// </summary>
    public sealed class OptimizeService
    {
        private readonly IStoreBackend _store;
        private readonly Caller _caller;

        public OptimizeService(IStoreBackend store, Caller caller)
        {
            _store = store;
            _caller = caller;
        }

        public OptimizeResult Run(OptimizeOptions options, IProgress<PassProgress>? progress = null, CancellationToken cancel = default)
        {
            var phases = new PassPhases("Optimize-PersistStore", _caller);

            using var lease = options.PlanOnly ? null : MaintenanceLease.Take(_store, _caller, "Optimize-PersistStore");
            progress?.Report(new PassProgress("Finding what no checkpoint references", 0, 0));
            var mark = Mark(cancel);
            var result = Plan(mark, options);
            phases.End("mark");
            if (options.PlanOnly) return Finish(result, phases);

            // In batches, each a short transaction: one transaction marking 206,000 blobs (a store of 100,000 small files
            // whose only checkpoint was removed) held the write lock for 0.86 s. The writers that count are those holding
            // a lock once every mark is visible: a command that starts later sees all of them.
            var candidates = mark.Unreferenced.Keys.ToList();
            _store.Write(w =>
            {
                var staleMarks = w.MarkedBlobs().Where(m => m.Mark == BlobMark.Unreferenced && mark.Referenced.Contains(m.Id)).Select(m => m.Id).ToList();
                return w.UnmarkBlobs(staleMarks);   // left by a pass killed before its sweep: referenced now
            }, cancel);
            var markedAt = _caller.Clock();
            for (int at = 0; at < candidates.Count; at += Batch)
            {
                markedAt = _caller.Clock();
                _store.Write(w => w.MarkBlobs(candidates.Skip(at).Take(Batch), BlobMark.Unreferenced, markedAt), cancel);
            }
            var writers = _store.Write(w =>
            {
                var own = _caller.Session.Owner.SessionToken;
                return w.ListLocks().Where(l => l.SessionToken != own).ToList();
            }, cancel);
            phases.End("condemn");

            progress?.Report(new PassProgress($"Waiting for {writers.Count} command(s) that were writing", 0, 0));
            var waitTimer = Stopwatch.StartNew();
            result.Deferred = WriterFence.Wait(_store, _caller, writers, options.WriterTimeout, _caller.Trace, cancel);
            result.WaitedForWriters = waitTimer.Elapsed;
            phases.End("wait");
            if (result.Deferred != null)
            {
                result.PacksDeleted = result.PacksRepacked = 0;
                result.BytesFreed = 0;
                return Finish(result, phases);
            }
            lease!.Renew();

            progress?.Report(new PassProgress("Deleting what no checkpoint references", 0, 0));
            result.BytesFreed = 0;   // from here on what was done, not the plan's estimate
            var emptied = Sweep(mark, markedAt, result, cancel);
            foreach (var pack in emptied) _store.Packs.Delete(pack);
            phases.End("sweep");

            Repack(options, result, lease, progress, cancel);
            phases.End("repack");

            _store.Write(w => w.AppendHistory(new HistoryDraft(Operations.OptimizeStore, null, null, Describe(result)), _caller.Actor, _caller.Clock()), cancel);
            return Finish(result, phases);
        }

        private sealed class MarkState
        {
            public HashSet<BlobId> Referenced = new HashSet<BlobId>();
            public HashSet<BlobId> Roots = new HashSet<BlobId>();
            /// <summary>Candidates: stored bytes and pack (null for a listing row).</summary>
            public Dictionary<BlobId, (long Bytes, string? Pack)> Unreferenced = new Dictionary<BlobId, (long, string?)>();
            public IReadOnlyList<PackRecord> Packs = Array.Empty<PackRecord>();
            /// <summary>Pack files no index entry names, and unfinished uploads, at the mark (killed writers', or in flight).</summary>
            public List<string> UnindexedPacks = new List<string>();
            public IReadOnlyList<string> Unfinished = Array.Empty<string>();
        }

        private MarkState Mark(CancellationToken cancel) => _store.Read(r =>
        {
            var m = new MarkState();
            // Files first: a pack written after this listing is not a leftover candidate, whatever the index says later.
            var files = _store.Packs.List().ToList();
            m.Unfinished = _store.Packs.ListUnfinished();
            m.Roots = new HashSet<BlobId>(r.RootTrees());
            SnapshotReferences.Add(r, m.Roots, m.Referenced, cancel);
            r.ForEachBlob((id, bytes, pack) =>
            {
                if (!m.Referenced.Contains(id)) m.Unreferenced[id] = (bytes, pack);
            });
            m.Packs = r.ListPacks();
            var indexed = new HashSet<string>(m.Packs.Select(p => p.Name), StringComparer.Ordinal);
            m.UnindexedPacks = files.Where(f => !indexed.Contains(f)).ToList();
            return m;
        }, cancel);

        /// <summary>What the pass would delete and repack if no checkpoint came to reference a candidate meanwhile.</summary>
        private static OptimizeResult Plan(MarkState m, OptimizeOptions options)
        {
            var result = new OptimizeResult { PlanOnly = options.PlanOnly };
            var deadByPack = new Dictionary<string, (long Bytes, int Chunks)>(StringComparer.Ordinal);
            foreach (var kv in m.Unreferenced)
            {
                result.UnreferencedBytes += kv.Value.Bytes;
                if (kv.Value.Pack == null) { result.UnreferencedListings++; result.BytesFreed += kv.Value.Bytes; continue; }
                result.UnreferencedChunks++;
                deadByPack.TryGetValue(kv.Value.Pack, out var d);
                deadByPack[kv.Value.Pack] = (d.Bytes + kv.Value.Bytes, d.Chunks + 1);
            }
            foreach (var p in m.Packs)
            {
                deadByPack.TryGetValue(p.Name, out var dead);
                long live = p.LiveBytes - dead.Bytes;
                if (p.LiveChunks - dead.Chunks == 0) { result.PacksDeleted++; result.BytesFreed += p.Length; }
                else if (IsWorthRepacking(p.Length, live, options)) { result.PacksRepacked++; result.BytesFreed += p.Length - live; }
            }
            result.LeftoversDeleted = m.UnindexedPacks.Count + m.Unfinished.Count;
            return result;
        }

        private static bool IsWorthRepacking(long length, long live, OptimizeOptions options) =>
            length > 0 && (length - live) * 100.0 > options.MaxUnusedPercent * length;

        /// <summary>Blobs marked or deleted per transaction: short enough that writers wait a moment at most.</summary>
        private const int Batch = 5000;

        /// <summary>
        /// Deletes the candidates no checkpoint references, in batches of one short transaction each (one transaction
        /// for 206,000 deletions held the write lock for 2.9 s). Every batch first walks the checkpoints committed
        /// since the last walk and keeps what they reference; the last one also drops the rows of emptied packs and
        /// deletes killed writers' leftovers. Returns the packs to delete once that is committed.
        /// </summary>
        private IReadOnlyList<string> Sweep(MarkState m, DateTime markedAt, OptimizeResult result, CancellationToken cancel)
        {
            var walked = new HashSet<BlobId>(m.Roots);
            var candidates = m.Unreferenced.Keys.ToList();
            for (int at = 0; at < candidates.Count || at == 0; at += Batch)
            {
                bool last = at + Batch >= candidates.Count;
                var batch = candidates.Skip(at).Take(Batch).ToList();
                var emptied = _store.Write(w =>
                {
                    var newRoots = w.RootTrees().Where(walked.Add).ToList();
                    var rescued = SnapshotReferences.Add(w, newRoots, m.Referenced, cancel).Where(m.Unreferenced.ContainsKey).ToList();
                    w.UnmarkBlobs(rescued);
                    result.Rescued += rescued.Count;
                    var (listings, chunks, bytes) = w.DeleteUnreferenced(batch.Where(id => !m.Referenced.Contains(id)), markedAt);
                    result.ListingsDeleted += listings;
                    result.ChunksDeleted += chunks;
                    result.BytesFreed += bytes;
                    return last ? Finish(w, m, result) : Array.Empty<string>();
                }, cancel);
                if (last) return emptied;
            }
            return Array.Empty<string>();
        }

        /// <summary>The sweep's last transaction: rows of packs no chunk is in any more, and leftovers of killed writers
        /// (unindexed at the mark and still unindexed now that every writer of that time is done), deleted inside it.</summary>
        private IReadOnlyList<string> Finish(IStoreWriter w, MarkState m, OptimizeResult result)
        {
            var touched = m.Unreferenced.Values.Where(v => v.Pack != null).Select(v => v.Pack!).Distinct(StringComparer.Ordinal).ToList();
            var emptied = w.DeleteEmptyPacks(touched.Concat(m.Packs.Where(p => p.LiveChunks == 0).Select(p => p.Name)).Distinct(StringComparer.Ordinal));
            var lengths = m.Packs.ToDictionary(p => p.Name, p => p.Length, StringComparer.Ordinal);
            result.PacksDeleted = emptied.Count;
            result.BytesFreed += emptied.Sum(p => lengths[p]);
            var indexed = new HashSet<string>(w.ListPacks().Select(p => p.Name), StringComparer.Ordinal);
            int leftovers = 0;
            foreach (var name in m.UnindexedPacks.Where(n => !indexed.Contains(n)))
            {
                try { result.BytesFreed += _store.Packs.Length(name); } catch (Errors.PackMissingException) { continue; }
                _store.Packs.Delete(name);
                leftovers++;
            }
            foreach (var id in m.Unfinished) { _store.Packs.DeleteUnfinished(id); leftovers++; }
            result.LeftoversDeleted = leftovers;
            return emptied;
        }

        private void Repack(OptimizeOptions options, OptimizeResult result, MaintenanceLease lease, IProgress<PassProgress>? progress, CancellationToken cancel)
        {
            var candidates = _store.Read(r => r.ListPacks(), cancel).Where(p => p.LiveChunks > 0 && IsWorthRepacking(p.Length, p.LiveBytes, options)).ToList();
            if (candidates.Count == 0) return;
            using var repacker = new Repacker(_store, cancel);
            var done = new List<string>();
            for (int i = 0; i < candidates.Count; i++)
            {
                progress?.Report(new PassProgress($"Repacking pack {i + 1} of {candidates.Count}", i, candidates.Count));
                repacker.Copy(candidates[i].Name);
                done.Add(candidates[i].Name);
                lease.Renew();
            }
            repacker.Flush();
            var deleted = _store.Write(w => w.DeleteEmptyPacks(done), cancel);
            foreach (var pack in deleted) _store.Packs.Delete(pack);
            result.PacksRepacked = deleted.Count;
            result.PacksWritten = repacker.PacksWritten;
            result.BytesFreed += candidates.Where(p => deleted.Contains(p.Name)).Sum(p => p.Length) - repacker.BytesWritten;
            result.DamagedChunks = repacker.Damaged.Select(d => $"chunk {d.Chunk} in pack {d.Pack}: {d.Problem}").ToList();
        }

        private static OptimizeResult Finish(OptimizeResult result, PassPhases phases)
        {
            result.Phases = phases.Done;
            result.Duration = phases.Total;
            return result;
        }

        private static string Describe(OptimizeResult r) => string.Format(CultureInfo.InvariantCulture,
            "deleted {0} listings and {1} chunks no checkpoint references ({2} kept: referenced by checkpoints taken meanwhile); {3} packs deleted, {4} repacked into {5}, {6} leftovers of killed writers deleted; {7} bytes freed; waited {8:F1} s for writers",
            r.ListingsDeleted, r.ChunksDeleted, r.Rescued, r.PacksDeleted, r.PacksRepacked, r.PacksWritten, r.LeftoversDeleted, r.BytesFreed, r.WaitedForWriters.TotalSeconds)
            + (r.DamagedChunks.Count > 0 ? $"; {r.DamagedChunks.Count} damaged chunks found and marked" : "");
    }
}
