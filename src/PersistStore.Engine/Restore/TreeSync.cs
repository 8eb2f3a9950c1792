using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Threading;
using PersistStore.Engine.Chunking;
using PersistStore.Engine.Compression;
using PersistStore.Engine.Snapshots;
using PersistStore.Engine.Storage;
using PersistStore.Engine.Trees;

namespace PersistStore.Engine.Restore
{
    /// <summary>
    /// Makes a directory equal to a stored tree, or (plan only) lists what that takes. The same walk serves
    /// -WhatIf, Compare-Checkpoint against the live folder and revert, so the plan shown is the plan run.
    /// Against a live scan, a file counts as unchanged when size, modification time and change stamp (where known)
    /// match; when only those differ its content is chunked and compared, so "modified" always means different
    /// bytes, type, mode or link target. Against a checkpoint of the folder (a revert's safety checkpoint) content
    /// and listings are compared by id, and folders equal to the target are not walked at all.
    /// The walk removes, creates folders and links and fixes metadata as it goes; file contents, staged before the
    /// walk (FileWriter.StageAll), are moved into place by PlaceFiles afterwards, then folder times are set (writing
    /// into a folder moves its time).
    /// </summary>
    internal sealed class TreeSync
    {
        private readonly IStoreReader _store;
        private readonly FastCdc _cdc;
        private readonly bool _apply;
        private readonly CancellationToken _cancel;
        private readonly List<(TreeEntry Entry, string Path)> _files = new List<(TreeEntry, string)>();
        private readonly List<(TreeEntry Entry, string Path, int Depth)> _folders = new List<(TreeEntry, string, int)>();

        public TreeSync(IStoreReader store, FastCdc cdc, bool apply, CancellationToken cancel)
        {
            _store = store;
            _cdc = cdc;
            _apply = apply;
            _cancel = cancel;
        }

        public List<PathChange> Changes { get; } = new List<PathChange>();

        public void Sync(Tree target, string folder, CurrentEntry? current) => Sync(target, folder, current, "", 0);

        /// <summary>The files whose content the walk found different or missing (in plan mode too: a revert stages them first).</summary>
        public IReadOnlyList<(TreeEntry Entry, string Path)> Files => _files;

        /// <summary>Moves the staged content of every file the walk found different or missing into place (a file
        /// that was not staged is written from the store). SetFolderTimes comes after.</summary>
        public void PlaceFiles(IStoreBackend store, IReadOnlyDictionary<string, string> staged, CancellationToken cancel)
        {
            var unstaged = new List<(TreeEntry, string)>();
            foreach (var (entry, path) in _files)
            {
                if (staged.TryGetValue(path, out var file)) FileWriter.Place(file, path);
                else unstaged.Add((entry, path));
            }
            FileWriter.WriteAll(store, unstaged, durable: true, cancel);
        }

        /// <summary>Folder modes and times, last: writing into a folder moves its time.</summary>
        public void SetFolderTimes() => FileWriter.SetFolderMetadata(_folders);

        private void Sync(Tree target, string folder, CurrentEntry? current, string relative, int depth)
        {
            _cancel.ThrowIfCancellationRequested();
            var have = current?.Children.ToDictionary(c => c.Name, StringComparer.Ordinal) ?? new Dictionary<string, CurrentEntry>();
            var wanted = new HashSet<string>(target.Entries.Select(e => e.Name), StringComparer.Ordinal);
            foreach (var extra in have.Values.Where(c => !wanted.Contains(c.Name)))
            {
                AddWhole(extra, Join(relative, extra.Name));
                if (_apply) Delete(extra);
            }
            foreach (var entry in target.Entries)
            {
                string path = Path.Combine(folder, entry.Name);
                string rel = Join(relative, entry.Name);
                have.TryGetValue(entry.Name, out var now);
                if (now != null && now.Kind != entry.Kind)
                {
                    Changes.Add(new PathChange(rel, ChangeKind.Modified, entry.Kind, $"{now.Kind} replaced by {entry.Kind}"));
                    if (_apply) Delete(now);
                    now = null;
                }
                else if (now == null) Changes.Add(new PathChange(rel, ChangeKind.Removed, entry.Kind, "missing"));
                switch (entry.Kind)
                {
                    case EntryKind.File: SyncFile(entry, path, rel, now); break;
                    case EntryKind.Directory: SyncDirectory(entry, path, rel, now, depth + 1); break;
                    case EntryKind.Symlink: SyncLink(entry, path, rel, now); break;
                }
            }
        }

        /// <summary>A folder that is not in the checkpoint is listed with every path in it (the rule of every compare).</summary>
        private void AddWhole(CurrentEntry extra, string rel)
        {
            Changes.Add(new PathChange(rel, ChangeKind.Added, extra.Kind, "not in the checkpoint"));
            if (extra.Kind != EntryKind.Directory) return;
            _cancel.ThrowIfCancellationRequested();
            foreach (var child in extra.Children) AddWhole(child, Join(rel, child.Name));
        }

        private void SyncFile(TreeEntry entry, string path, string rel, CurrentEntry? now)
        {
            if (now != null)
            {
                if (SameContent(entry, now))
                {
                    if (ModeDiffers(entry, now)) Changes.Add(new PathChange(rel, ChangeKind.Modified, EntryKind.File, "mode"));
                    if (_apply && MetadataDiffers(entry, now)) FileWriter.SetMetadata(path, entry);
                    return;
                }
                Changes.Add(new PathChange(rel, ChangeKind.Modified, EntryKind.File, "content"));
            }
            _files.Add((entry, path));
        }

        private void SyncDirectory(TreeEntry entry, string path, string rel, CurrentEntry? now, int depth)
        {
            // The same listing means everything below is equal already: only the folder's own metadata may differ.
            bool sameListing = now?.Subtree != null && now.Subtree.Value.Equals(entry.Subtree!.Value);
            if (!sameListing)
            {
                if (_apply && now == null) Directory.CreateDirectory(path);
                Sync(TreeStore.Load(_store, entry), path, now, rel, depth);
            }
            if (now != null && ModeDiffers(entry, now)) Changes.Add(new PathChange(rel, ChangeKind.Modified, EntryKind.Directory, "mode"));
            if (!_apply) return;
            if (!sameListing) _folders.Add((entry, path, depth));
            else if (MetadataDiffers(entry, now!)) FileWriter.SetMetadata(path, entry);
        }

        private void SyncLink(TreeEntry entry, string path, string rel, CurrentEntry? now)
        {
            if (now != null && now.LinkTarget == entry.LinkTarget) return;
            if (now != null) Changes.Add(new PathChange(rel, ChangeKind.Modified, EntryKind.Symlink, "link target"));
            if (!_apply) return;
            if (now != null) Delete(now);
            FileMetadata.CreateSymlink(path, entry.LinkTarget ?? "");
        }

        private static bool ModeDiffers(TreeEntry entry, CurrentEntry now) => now.Mode != entry.Mode && entry.Mode != 0;

        private static bool MetadataDiffers(TreeEntry entry, CurrentEntry now) => ModeDiffers(entry, now) || now.ModifiedUtc != entry.ModifiedUtc;

        private bool SameContent(TreeEntry entry, CurrentEntry now)
        {
            if (now.Size != entry.Size) return false;
            if (now.Chunks != null) return now.Chunks.SequenceEqual(entry.Chunks);
            if ((now.ModifiedUtc == entry.ModifiedUtc && now.Stamp.Allows(entry.Stamp)) || now.Size == 0) return true;
            using var stream = new FileStream(now.FullPath, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
            var ids = new List<BlobId>();
            foreach (var chunk in ChunkStream.Split(stream, _cdc, _cancel)) ids.Add(BlobId.Of(chunk.Span));
            return ids.SequenceEqual(entry.Chunks);
        }

        private static void Delete(CurrentEntry entry)
        {
            if (entry.Kind == EntryKind.Directory) Directory.Delete(entry.FullPath, recursive: true);
            else File.Delete(entry.FullPath);
        }

        private static string Join(string relative, string name) => relative.Length == 0 ? name : relative + "/" + name;
    }
}
