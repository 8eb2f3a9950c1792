using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Threading;
using PersistStore.Engine.Chunking;
using PersistStore.Engine.Errors;
using PersistStore.Engine.Identity;
using PersistStore.Engine.Locking;
using PersistStore.Engine.Model;
using PersistStore.Engine.Naming;
using PersistStore.Engine.Restore;
using PersistStore.Engine.Runs;
using PersistStore.Engine.Snapshots;
using PersistStore.Engine.Storage;
using PersistStore.Engine.Trees;

namespace PersistStore.Engine.Checkpoints
{
    public sealed record RevertResult(CheckpointRecord Target, CheckpointRecord? Safety, IReadOnlyList<PathChange> Changes, RunRecord Run);

    /// <summary>Export, compare and revert: the way back from a checkpoint.</summary>
    public sealed class RestoreService
    {
        private readonly IStoreBackend _store;
        private readonly Caller _caller;
        private readonly FastCdc _cdc = new FastCdc();

        public RestoreService(IStoreBackend store, Actor? actor = null) : this(store, Caller.For(actor))
        { }

        public RestoreService(IStoreBackend store, Caller caller)
        {
            _store = store;
            _caller = caller;
        }

        /// <summary>Materialises a checkpoint into an empty or new folder; nothing is written outside it.</summary>
        public long Export(CheckpointRecord checkpoint, string destination, CancellationToken cancel = default)
        {
            string full = Path.GetFullPath(destination);
            RefuseLinkedAncestors(full);
            if (File.Exists(full))
                throw new PersistStoreException("DestinationIsFile", ErrorKind.InvalidArgument, destination, $"'{full}' is a file. Give a folder that is empty or does not exist yet.");
            if (Directory.Exists(full) && Directory.EnumerateFileSystemEntries(full).Any())
                throw new PersistStoreException("DestinationNotEmpty", ErrorKind.InvalidArgument, destination,
                    $"The folder '{full}' is not empty. Export into an empty or new folder; to bring the run's own directory back, use Invoke-RunRevert.");
            try
            {
                Directory.CreateDirectory(full);
                return ParallelExport.Run(_store, checkpoint.RootTree, full, cancel);
            }
            catch (Exception e) when (Storage.FileSystems.WriteErrors.IsNotWritable(e))
            {
                throw DestinationErrors.NotWritable(destination, full, e);
            }
        }

        /// <summary>Reference vs difference: Added = only in the difference, Removed = only in the reference.</summary>
        public IReadOnlyList<PathChange> Compare(CheckpointRecord reference, CheckpointRecord difference, CancellationToken cancel = default) =>
            _store.Read(r =>
            {
                var changes = new List<PathChange>();
                CompareTrees(r, TreeStore.Load(r, reference.RootTree), TreeStore.Load(r, difference.RootTree), "", changes, cancel);
                return changes;
            }, cancel);

        public IReadOnlyList<PathChange> CompareWithLive(CheckpointRecord reference, string folder, CancellationToken cancel = default)
        {
            var live = CurrentEntry.FromFolder(folder);
            return _store.Read(r =>
            {
                var plan = new TreeSync(r, _cdc, apply: false, cancel);
                plan.Sync(TreeStore.Load(r, reference.RootTree), folder, live);
                return plan.Changes;
            }, cancel);
        }

        /// <summary>
        /// Brings the run back to a checkpoint: a safety checkpoint of the current state first (so the revert can be
        /// reverted), then only what differs is rewritten, then properties (and tags with includeTags) are restored.
        /// With planOnly nothing is written and the result lists the planned changes.
        /// </summary>
        public RevertResult Revert(RunRef run, int? number, bool includeTags, bool planOnly,
            Action<PersistStoreException>? report = null, CancellationToken cancel = default)
        {
            var checkpoints = new CheckpointService(_store, _caller);
            var target = checkpoints.Get(run, number, cancel);
            var current = new RunService(_store, _caller).Get(RunRef.ForId(target.RunId), cancel);
            string folder = current.Path ?? throw new PersistStoreException("RunHasNoPath", ErrorKind.InvalidOperation, current.Name,
                $"The run '{current.Name}' has no directory. Set it with Set-Run -Path before reverting.");
            if (planOnly) return new RevertResult(target, null, CompareWithLive(target, folder, cancel), current);

            var locks = new LockService(_store, _caller);
            using var held = locks.Hold(RunRef.ForId(current.Id), $"Invoke-RunRevert to checkpoint {target.Number}", cancel);
            var safety = checkpoints.Create(RunRef.ForId(current.Id), $"before revert to checkpoint {target.Number}", CheckpointKinds.Safety, report, null, cancel);
            // The safety checkpoint has just recorded the folder as it is: the walk compares the target with it by id,
            // so only folders that differ are read (from the store) and touched (on disk). First a walk that only
            // plans; every file it will write is staged (every chunk read and checked) before anything changes, so a
            // damaged chunk stops the revert with the folder exactly as it was.
            TreeSync Walk(bool apply) => _store.Read(r =>
            {
                var walk = new TreeSync(r, _cdc, apply, cancel);
                walk.Sync(TreeStore.Load(r, target.RootTree), folder, CurrentEntry.FromCheckpoint(r, safety.RootTree, folder));
                return walk;
            }, cancel);
            var plan = Walk(apply: false);
            RemoveOwnTemps(folder, plan.Files);
            string stage = Path.Combine(folder, FileWriter.TempPrefix + "stage-" + Guid.NewGuid().ToString("N") + FileWriter.TempSuffix);
            var rootTime = Directory.GetLastWriteTimeUtc(folder);   // the stage folder comes and goes in the run's folder
            TreeSync sync;
            try
            {
                Directory.CreateDirectory(stage);
                var staged = FileWriter.StageAll(_store, plan.Files, stage, cancel);
                sync = Walk(apply: true);
                sync.PlaceFiles(_store, staged, cancel);
            }
            finally
            {
                TryDelete(stage);
                Directory.SetLastWriteTimeUtc(folder, rootTime);
            }
            sync.SetFolderTimes();
            var applied = sync.Changes;
            var restored = locks.Mutate(RunRef.ForId(current.Id), (w, now, time) =>
            {
                var next = now with
                {
                    Properties = PropertyRules.Copy(target.Properties),
                    Tags = includeTags ? target.Tags : now.Tags,
                    ModifiedAt = time, ModifiedBy = _caller.Actor.UserAtHost, Version = now.Version + 1,
                };
                w.UpdateRun(next);
                w.AppendHistory(new HistoryDraft(Operations.RevertRun, now.Id, now.Name,
                    $"reverted to checkpoint {target.Number}; safety checkpoint {safety.Number}; {applied.Count} paths changed"
                    + (includeTags ? "; tags restored" : "")), _caller.Actor, time);
                return next;
            }, cancel);
            return new RevertResult(target, safety, applied, restored);
        }

        private static void CompareTrees(IStoreReader r, Tree reference, Tree difference, string relative, List<PathChange> changes, CancellationToken cancel)
        {
            cancel.ThrowIfCancellationRequested();
            var left = reference.Entries.ToDictionary(e => e.Name, StringComparer.Ordinal);
            var right = difference.Entries.ToDictionary(e => e.Name, StringComparer.Ordinal);
            foreach (var name in left.Keys.Union(right.Keys).OrderBy(n => n, StringComparer.Ordinal))
            {
                string rel = relative.Length == 0 ? name : relative + "/" + name;
                left.TryGetValue(name, out var a);
                right.TryGetValue(name, out var b);
                if (a == null) AddWhole(r, b!, rel, ChangeKind.Added, "only in the difference", changes, cancel);
                else if (b == null) AddWhole(r, a, rel, ChangeKind.Removed, "only in the reference", changes, cancel);
                else if (a.Kind != b.Kind) changes.Add(new PathChange(rel, ChangeKind.Modified, b.Kind, $"{a.Kind} replaced by {b.Kind}"));
                else if (a.Kind == EntryKind.Directory)
                {
                    if (a.Mode != b.Mode) changes.Add(new PathChange(rel, ChangeKind.Modified, EntryKind.Directory, "mode"));
                    if (!a.Subtree!.Value.Equals(b.Subtree!.Value))   // equal ids: the whole subtree is equal
                        CompareTrees(r, TreeStore.Load(r, a), TreeStore.Load(r, b), rel, changes, cancel);
                }
                else if (a.Kind == EntryKind.Symlink && a.LinkTarget != b.LinkTarget)
                    changes.Add(new PathChange(rel, ChangeKind.Modified, EntryKind.Symlink, "link target"));
                else if (a.Kind == EntryKind.File && !a.Chunks.SequenceEqual(b.Chunks))
                    changes.Add(new PathChange(rel, ChangeKind.Modified, EntryKind.File, "content"));
                else if (a.Kind == EntryKind.File && a.Mode != b.Mode)
                    changes.Add(new PathChange(rel, ChangeKind.Modified, EntryKind.File, "mode"));
            }
        }

        /// <summary>
        /// One rule for every compare (two checkpoints, or a checkpoint and the live folder): a folder that is only on
        /// one side is listed with every path in it, as git and restic diff list them.
        /// </summary>
        private static void AddWhole(IStoreReader r, TreeEntry entry, string rel, ChangeKind kind, string detail, List<PathChange> changes, CancellationToken cancel)
        {
            changes.Add(new PathChange(rel, kind, entry.Kind, detail));
            if (entry.Kind != EntryKind.Directory) return;
            cancel.ThrowIfCancellationRequested();
            foreach (var child in TreeStore.Load(r, entry).Entries)
                AddWhole(r, child, rel + "/" + child.Name, kind, detail, changes, cancel);
        }

        /// <summary>
        /// Temp files and staging folders a killed revert left: in the run's folder, and next to the files this revert
        /// writes (where a killed one was writing the same files).
        /// </summary>
        private static void RemoveOwnTemps(string folder, IReadOnlyList<(TreeEntry Entry, string Path)> files)
        {
            foreach (var dir in files.Select(f => Path.GetDirectoryName(f.Path)!).Append(folder).Distinct(StringComparer.Ordinal))
            {
                if (!Directory.Exists(dir)) continue;
                foreach (var path in Directory.EnumerateFileSystemEntries(dir, FileWriter.TempPrefix + "*" + FileWriter.TempSuffix))
                    if (FileWriter.IsOwnTemp(Path.GetFileName(path))) TryDelete(path);
            }
        }

        private static void TryDelete(string path)
        {
            try
            {
                if (Directory.Exists(path) && !FileMetadata.IsSymlink(new DirectoryInfo(path))) Directory.Delete(path, recursive: true);
                else if (File.Exists(path)) File.Delete(path);
            }
            catch (IOException) { }
            catch (UnauthorizedAccessException) { }
        }

        /// <summary>A destination reached through a symlinked folder could put files somewhere the user did not name.</summary>
        private static void RefuseLinkedAncestors(string full)
        {
            for (var dir = new DirectoryInfo(full); dir != null; dir = dir.Parent)
            {
                if (dir.Exists && FileMetadata.IsSymlink(dir))
                    throw new PersistStoreException("DestinationThroughSymlink", ErrorKind.InvalidArgument, full,
                        $"The destination '{full}' goes through the symbolic link '{dir.FullName}'. Give the real path of the folder instead.");
            }
        }
    }
}
