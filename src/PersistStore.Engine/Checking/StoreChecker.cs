using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using PersistStore.Engine.Compression;
using PersistStore.Engine.Errors;
using PersistStore.Engine.History;
using PersistStore.Engine.Identity;
using PersistStore.Engine.Maintenance;
using PersistStore.Engine.Model;
using PersistStore.Engine.Packs;
using PersistStore.Engine.Snapshots;
using PersistStore.Engine.Storage;
using PersistStore.Engine.Trees;

namespace PersistStore.Engine.Checking
{
    /// <summary>
    /// Test-PersistStore's engine, restic check's layers: the index database's own structure; the change log's hash
    /// chain; every indexed pack exists and its own list of blobs agrees with the index; every checkpoint's listings
    /// decode and every chunk they name is indexed; optionally every chunk of (a share of) the packs decodes to its
    /// id. Problems are found first, then attributed (which checkpoints and files each affects), then reported.
    /// Blobs found damaged are marked, so that the next checkpoint that meets their content stores it again.
    /// </summary>
    public sealed class StoreChecker
    {
        private readonly IStoreBackend _store;
        private readonly Caller _caller;

        public StoreChecker(IStoreBackend store, Caller caller)
        {
            _store = store;
            _caller = caller;
        }

        public CheckSummary Run(CheckOptions options, Action<StoreProblem> report, IProgress<PassProgress>? progress = null, CancellationToken cancel = default)
        {
            var phases = new PassPhases("Test-PersistStore", _caller);
            var summary = new CheckSummary();
            var problems = new List<StoreProblem>();
            string where = _store.Location.Display;

            progress?.Report(new PassProgress("Checking the index and the change log", 0, 0));
            foreach (var message in _store.Read(r => r.CheckIndex(), cancel))
                problems.Add(new StoreProblem(ProblemKinds.IndexDamaged, ProblemSeverity.Error, where, $"The index of the store '{where}' is damaged: {message}. Restore the store from a backup."));
            var history = _store.Read(r => r.QueryHistory(new HistoryFilter()), cancel);
            summary.HistoryEntries = history.Count;
            foreach (var message in HistoryChain.Verify(history))
                problems.Add(new StoreProblem(ProblemKinds.HistoryBroken, ProblemSeverity.Error, "history", $"{message} The change log of '{where}' is not the one its writers wrote."));
            phases.End("index and history");

            var (packs, chunkPacks, listings, roots) = _store.Read(r =>
            {
                var chunkPack = new Dictionary<BlobId, string>();
                var rows = new HashSet<BlobId>();
                r.ForEachBlob((id, _, pack) => { if (pack == null) rows.Add(id); else chunkPack[id] = pack; });
                var checkpoints = r.QueryRuns(new RunFilter()).SelectMany(run => r.QueryCheckpoints(run.Id)).ToList();
                return (r.ListPacks(), chunkPack, rows, checkpoints);
            }, cancel);
            summary.Runs = roots.Select(c => c.RunId).Distinct().Count();
            summary.Checkpoints = roots.Count;
            summary.Packs = packs.Count;
            summary.Chunks = chunkPacks.Count;
            summary.Listings = listings.Count;

            progress?.Report(new PassProgress("Checking packs against the index", 0, 0));
            var readable = CheckPacks(packs, problems, cancel);
            phases.End("packs");

            progress?.Report(new PassProgress("Checking every checkpoint's listings and chunks", 0, 0));
            var referenced = CheckReferences(roots, chunkPacks, problems, cancel);
            phases.End("references");

            if (options.ReadDataPercent > 0)
            {
                var readTimer = Stopwatch.StartNew();
                ReadData(packs.Where(p => readable.ContainsKey(p.Name)).ToList(), readable, options.ReadDataPercent, summary, problems, progress, cancel);
                summary.ReadDuration = readTimer.Elapsed;
                phases.End("read data");
            }

            int unusedChunks = chunkPacks.Keys.Count(id => !referenced.Contains(id)), unusedListings = listings.Count(id => !referenced.Contains(id));
            if (unusedChunks + unusedListings > 0)
                problems.Add(new StoreProblem(ProblemKinds.Unreferenced, ProblemSeverity.Warning, where,
                    $"{unusedChunks} chunks and {unusedListings} listings are referenced by no checkpoint (removed checkpoints', or killed writers'): harmless; Optimize-PersistStore reclaims their space."));

            Attribute(problems, roots, cancel);
            phases.End("attribution");
            if (options.MarkDamaged) MarkDamaged(problems, cancel);

            foreach (var p in problems.OrderByDescending(p => p.Severity))
            {
                if (p.Severity == ProblemSeverity.Error) summary.Errors++; else summary.Warnings++;
                report(p);
            }
            summary.CheckpointsAffected = problems.SelectMany(p => p.Checkpoints).Distinct().Count();
            summary.Phases = phases.Done;
            summary.Duration = phases.Total;
            return summary;
        }

        /// <summary>Every indexed pack is there and lists what the index says it holds; returns the packs that can be
        /// read, each with the chunks the index places in it (read once, for the data check too).</summary>
        private Dictionary<string, IReadOnlyList<PackEntry>> CheckPacks(IReadOnlyList<PackRecord> packs, List<StoreProblem> problems, CancellationToken cancel)
        {
            var readable = new Dictionary<string, IReadOnlyList<PackEntry>>(StringComparer.Ordinal);
            var files = new HashSet<string>(_store.Packs.List(), StringComparer.Ordinal);
            foreach (var pack in packs)
            {
                cancel.ThrowIfCancellationRequested();
                var indexed = _store.Read(r => r.ChunksInPack(pack.Name), cancel);
                StoreProblem? problem = null;
                try
                {
                    if (!files.Contains(pack.Name)) throw new PackMissingException(pack.Name);
                    var own = PackReader.ReadEntries(_store.Packs, pack.Name).ToDictionary(e => e.Id);
                    var wrong = indexed.Where(e => !own.TryGetValue(e.Id, out var o) || !o.Equals(e)).ToList();
                    readable[pack.Name] = indexed;
                    if (wrong.Count > 0)
                    {
                        problem = new StoreProblem(ProblemKinds.PackListMismatch, ProblemSeverity.Error, pack.Name,
                            $"The pack '{pack.Name}' does not hold {wrong.Count} of the {indexed.Count} chunks the index places in it where the index says (first: {wrong[0].Id}). Repair-PersistStore rebuilds the index from the packs' own lists.");
                        problem.Blobs.AddRange(wrong.Select(e => e.Id));
                    }
                }
                catch (PersistStoreException e) when (e is PackMissingException || e is PackDamagedException)
                {
                    bool missing = e is PackMissingException;
                    problem = new StoreProblem(missing ? ProblemKinds.PackMissing : ProblemKinds.PackDamaged, ProblemSeverity.Error, pack.Name,
                        $"{e.Message} It holds {indexed.Count} indexed chunks. Repair-PersistStore finds other copies where there are any.");
                    problem.Blobs.AddRange(indexed.Select(x => x.Id));
                }
                if (problem != null) problems.Add(problem);
            }
            var indexedNames = new HashSet<string>(packs.Select(p => p.Name), StringComparer.Ordinal);
            foreach (var name in files.Where(f => !indexedNames.Contains(f)).OrderBy(f => f, StringComparer.Ordinal))
                problems.Add(new StoreProblem(ProblemKinds.UnusedPack, ProblemSeverity.Warning, name,
                    $"The pack '{name}' is named by no index entry (a writer was killed before it indexed it, or an optimize pass copied it): harmless; Optimize-PersistStore deletes it."));
            foreach (var id in _store.Packs.ListUnfinished())
                problems.Add(new StoreProblem(ProblemKinds.UnfinishedPack, ProblemSeverity.Warning, id,
                    $"'{id}' is a pack a writer never finished (it was killed, or is still writing): never read; Optimize-PersistStore deletes it."));
            return readable;
        }

        /// <summary>Every checkpoint's listings decode and every chunk they name is indexed; returns every blob referenced.</summary>
        private HashSet<BlobId> CheckReferences(IReadOnlyList<CheckpointRecord> checkpoints, Dictionary<BlobId, string> chunkPacks, List<StoreProblem> problems, CancellationToken cancel)
        {
            var referenced = new HashSet<BlobId>();
            var pending = new Stack<(BlobId Id, Tree? Inline)>();
            foreach (var c in checkpoints) if (referenced.Add(c.RootTree)) pending.Push((c.RootTree, null));
            _store.Read(r =>
            {
                while (pending.Count > 0)
                {
                    cancel.ThrowIfCancellationRequested();
                    var (id, inline) = pending.Pop();
                    Tree tree;
                    try { tree = TreeStore.Load(r, id, inline); }
                    catch (StoreFormatException e)
                    {
                        var p = new StoreProblem(e.ErrorId == "TreeMissing" ? ProblemKinds.ListingMissing : ProblemKinds.ListingDamaged, ProblemSeverity.Error, id.ToString(), e.Message);
                        p.Blobs.Add(id);
                        problems.Add(p);
                        continue;
                    }
                    foreach (var entry in tree.Entries)
                    {
                        if (entry.Kind == EntryKind.Directory && entry.Inline != null) pending.Push((entry.Subtree!.Value, entry.Inline));   // inside this listing: no blob
                        else if (entry.Kind == EntryKind.Directory && referenced.Add(entry.Subtree!.Value)) pending.Push((entry.Subtree.Value, null));
                        if (entry.Kind != EntryKind.File) continue;
                        foreach (var chunk in entry.Chunks)
                        {
                            if (!referenced.Add(chunk) || chunkPacks.ContainsKey(chunk)) continue;
                            var p = new StoreProblem(ProblemKinds.ChunkMissing, ProblemSeverity.Error, chunk.ToString(),
                                $"The chunk {chunk} is in no pack the index knows. Repair-PersistStore looks for it in every pack.");
                            p.Blobs.Add(chunk);
                            problems.Add(p);
                        }
                    }
                }
                return 0;
            }, cancel);
            return referenced;
        }

        /// <summary>Reads whole packs (two at a time) and decodes every indexed chunk in them against its id.</summary>
        private void ReadData(List<PackRecord> packs, Dictionary<string, IReadOnlyList<PackEntry>> indexed, double percent, CheckSummary summary,
            List<StoreProblem> problems, IProgress<PassProgress>? progress, CancellationToken cancel)
        {
            var chosen = percent >= 100 ? packs
                : packs.OrderBy(_ => Guid.NewGuid()).Take((int)Math.Ceiling(packs.Count * percent / 100.0)).ToList();
            int done = 0;
            long bytes = 0;
            var found = new List<StoreProblem>();
            // One pack buffer and one chunk buffer per thread, reused: a new 16 MiB array per pack (large object heap,
            // kept until a full collection) took the process to 252 MB at peak on the benchmark store.
            // (Parallel.ForEach's per-task local state is not enough: it starts new tasks as it goes, each with its own.)
            var pool = new System.Collections.Concurrent.ConcurrentBag<PackBuffers>();
            long largest = chosen.Count == 0 ? 0 : chosen.Max(p => p.Length);   // sized once: growing per pack allocated again and again
            Parallel.ForEach(chosen, new ParallelOptions { MaxDegreeOfParallelism = 2, CancellationToken = cancel }, pack =>
            {
                if (!pool.TryTake(out var buffers)) buffers = new PackBuffers { Data = new byte[largest] };
                try { Verify(pack, buffers); }
                finally { pool.Add(buffers); }
            });
            problems.AddRange(found.OrderBy(p => p.Target, StringComparer.Ordinal));
            summary.PacksRead = done;
            summary.BytesRead = bytes;

            void Verify(PackRecord pack, PackBuffers buffers)
            {
                var entries = indexed[pack.Name];
                if (buffers.Data.Length < pack.Length) buffers.Data = new byte[pack.Length];
                var data = buffers.Data.AsSpan(0, (int)pack.Length);
                try { _store.Packs.ReadRange(pack.Name, 0, data); }
                catch (PersistStoreException e) when (e is PackMissingException || e is PackDamagedException)
                {
                    var p = new StoreProblem(e is PackMissingException ? ProblemKinds.PackMissing : ProblemKinds.PackDamaged, ProblemSeverity.Error, pack.Name, e.Message);
                    p.Blobs.AddRange(entries.Select(x => x.Id));
                    lock (found) found.Add(p);
                    return;
                }
                foreach (var e in entries)
                {
                    try
                    {
                        if (e.Offset + e.Length > data.Length) throw new StoreFormatException("BlobDamaged", e.Id.ToString(), "it lies beyond the end of its pack");
                        if (buffers.Plain.Length < e.PlainSize) buffers.Plain = new byte[e.PlainSize];
                        BlobCodec.DecodeInto(e.Id, e.PlainSize, e.Codec, data.Slice((int)e.Offset, e.Length), buffers.Plain);
                    }
                    catch (StoreFormatException x)
                    {
                        var p = new StoreProblem(ProblemKinds.ChunkDamaged, ProblemSeverity.Error, e.Id.ToString(),
                            $"The chunk {e.Id} in the pack '{pack.Name}' at byte {e.Offset} does not decode to its SHA-256: {x.Message}");
                        p.Blobs.Add(e.Id);
                        lock (found) found.Add(p);
                    }
                }
                Interlocked.Add(ref bytes, pack.Length);
                int n = Interlocked.Increment(ref done);
                progress?.Report(new PassProgress($"Reading packs: {n} of {chosen.Count}", n, chosen.Count));
            }
        }

        private sealed class PackBuffers
        {
            public byte[] Data = new byte[0];
            public byte[] Plain = new byte[1 << 16];
        }

        /// <summary>Which checkpoints and files each problem's blobs make unreadable.</summary>
        private void Attribute(List<StoreProblem> problems, IReadOnlyList<CheckpointRecord> checkpoints, CancellationToken cancel)
        {
            var byBlob = new Dictionary<BlobId, List<StoreProblem>>();
            foreach (var p in problems)
                foreach (var b in p.Blobs)
                {
                    if (!byBlob.TryGetValue(b, out var list)) byBlob[b] = list = new List<StoreProblem>();
                    list.Add(p);
                }
            if (byBlob.Count == 0) return;
            _store.Read(r =>
            {
                var map = new DamageMap(r, new HashSet<BlobId>(byBlob.Keys));
                foreach (var c in checkpoints.OrderBy(c => c.RunName, StringComparer.Ordinal).ThenBy(c => c.Number))
                {
                    string name = $"{c.RunName}#{c.Number}";
                    foreach (var (path, blob) in map.Under(c.RootTree, cancel))
                        foreach (var p in byBlob[blob])
                        {
                            if (p.Checkpoints.Count == 0 || p.Checkpoints[p.Checkpoints.Count - 1] != name) p.Checkpoints.Add(name);
                            string file = $"{name}:{(path.Length == 0 ? "/" : path)}";
                            if (p.Files.Count > 0 && p.Files[p.Files.Count - 1] == file) continue;
                            p.FilesAffected++;
                            if (p.Files.Count < StoreProblem.MaxFiles) p.Files.Add(file);
                        }
                }
                return 0;
            }, cancel);
        }

        /// <summary>Damaged and missing blobs get a Damaged mark: writers then store their content again instead of reusing it.</summary>
        private void MarkDamaged(List<StoreProblem> problems, CancellationToken cancel)
        {
            // Missing ones too: a checkpoint of an unchanged file reuses its chunk ids without looking them up.
            var kinds = new[] { ProblemKinds.ChunkDamaged, ProblemKinds.ChunkMissing, ProblemKinds.PackMissing, ProblemKinds.PackDamaged, ProblemKinds.PackListMismatch, ProblemKinds.ListingDamaged, ProblemKinds.ListingMissing };
            var ids = problems.Where(p => kinds.Contains(p.Kind)).SelectMany(p => p.Blobs.Select(b => (b, p.Kind + ": " + p.Target))).ToList();
            if (ids.Count == 0) return;
            try
            {
                _store.Write(w =>
                {
                    foreach (var group in ids.GroupBy(x => x.Item2))
                        w.MarkBlobs(group.Select(x => x.b), BlobMark.Damaged, _caller.Clock(), group.Key);
                    return 0;
                }, cancel);
            }
            catch (StoreAccessException) { }   // a read-only store is checked, not marked
        }
    }
}
