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
    /// -WhatIf, Compare-Checkpoint against the live folder, revert and export, so the plan shown is the plan run.
    /// A live file counts as unchanged when size and modification time match; when only the time differs its
    /// content is chunked and compared, so "modified" always means different bytes, type, mode or link target.
    /// </summary>
    internal sealed class TreeSync
    {
        private readonly IStoreReader _store;
        private readonly FastCdc _cdc;
        private readonly bool _apply;
        private readonly CancellationToken _cancel;

        public TreeSync(IStoreReader store, FastCdc cdc, bool apply, CancellationToken cancel)
        {
            _store = store;
            _cdc = cdc;
            _apply = apply;
            _cancel = cancel;
        }

        public List<PathChange> Changes { get; } = new List<PathChange>();
        public long BytesWritten { get; private set; }

        public void Sync(Tree target, string folder, FileSystemEntry? live, string relative = "")
        {
            _cancel.ThrowIfCancellationRequested();
            var current = live?.Children.ToDictionary(c => c.Name, StringComparer.Ordinal) ?? new Dictionary<string, FileSystemEntry>();
            var wanted = new HashSet<string>(target.Entries.Select(e => e.Name), StringComparer.Ordinal);
            foreach (var extra in current.Values.Where(c => !wanted.Contains(c.Name)))
            {
                Changes.Add(new PathChange(Join(relative, extra.Name), ChangeKind.Added, extra.Kind, "not in the checkpoint"));
                if (_apply) Delete(extra);
            }
            foreach (var entry in target.Entries)
            {
                string path = Path.Combine(folder, entry.Name);
                string rel = Join(relative, entry.Name);
                current.TryGetValue(entry.Name, out var have);
                if (have != null && have.Kind != entry.Kind)
                {
                    Changes.Add(new PathChange(rel, ChangeKind.Modified, entry.Kind, $"{have.Kind} replaced by {entry.Kind}"));
                    if (_apply) Delete(have);
                    have = null;
                }
                else if (have == null) Changes.Add(new PathChange(rel, ChangeKind.Removed, entry.Kind, "missing"));
                switch (entry.Kind)
                {
                    case EntryKind.File: SyncFile(entry, path, rel, have); break;
                    case EntryKind.Directory: SyncDirectory(entry, path, rel, have); break;
                    case EntryKind.Symlink: SyncLink(entry, path, rel, have); break;
                }
            }
        }

        private void SyncFile(TreeEntry entry, string path, string rel, FileSystemEntry? have)
        {
            if (have != null)
            {
                if (SameContent(entry, have))
                {
                    if (have.Mode != entry.Mode && entry.Mode != 0) Changes.Add(new PathChange(rel, ChangeKind.Modified, EntryKind.File, "mode"));
                    if (_apply) SetMetadata(path, entry);
                    return;
                }
                Changes.Add(new PathChange(rel, ChangeKind.Modified, EntryKind.File, "content"));
            }
            if (_apply) WriteFile(entry, path);
        }

        private void SyncDirectory(TreeEntry entry, string path, string rel, FileSystemEntry? have)
        {
            if (_apply && have == null) Directory.CreateDirectory(path);
            Sync(TreeStore.Load(_store, entry.Subtree!.Value), path, have, rel);
            if (have != null && have.Mode != entry.Mode && entry.Mode != 0) Changes.Add(new PathChange(rel, ChangeKind.Modified, EntryKind.Directory, "mode"));
            if (_apply) SetMetadata(path, entry);   // after the children: writing them moved the folder's time
        }

        private void SyncLink(TreeEntry entry, string path, string rel, FileSystemEntry? have)
        {
            if (have != null && have.LinkTarget == entry.LinkTarget) return;
            if (have != null) Changes.Add(new PathChange(rel, ChangeKind.Modified, EntryKind.Symlink, "link target"));
            if (!_apply) return;
            if (have != null) Delete(have);
            FileMetadata.CreateSymlink(path, entry.LinkTarget ?? "");
        }

        private bool SameContent(TreeEntry entry, FileSystemEntry have)
        {
            if (have.Size != entry.Size) return false;
            if (have.ModifiedUtc == entry.ModifiedUtc || have.Size == 0) return true;
            using var stream = new FileStream(have.FullPath, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
            var ids = new List<BlobId>();
            foreach (var chunk in ChunkStream.Split(stream, _cdc, _cancel))
                using (chunk) ids.Add(BlobId.Of(chunk.Span));
            return ids.SequenceEqual(entry.Chunks);
        }

        private void WriteFile(TreeEntry entry, string path) => BytesWritten += WriteFile(_store, entry, path, durable: true, _cancel);

        /// <summary>
        /// Writes next to the destination, then renames over: a reader never sees half a file. durable flushes the
        /// file to disk before the rename (revert: a crash never leaves a run's file half-written); export into a
        /// new folder skips that flush, since a crashed export is simply run again.
        /// </summary>
        internal static long WriteFile(IStoreReader store, TreeEntry entry, string path, bool durable, CancellationToken cancel)
        {
            string temp = Path.Combine(Path.GetDirectoryName(path)!, ".persiststore-" + Guid.NewGuid().ToString("N") + ".tmp");
            long written = 0;
            try
            {
                using (var output = new FileStream(temp, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1 << 16))
                {
                    foreach (var id in entry.Chunks)
                    {
                        cancel.ThrowIfCancellationRequested();
                        var blob = store.ReadBlob(id) ?? throw new Errors.StoreFormatException("ChunkMissing", id.ToString(),
                            $"A chunk of '{entry.Name}' ({id}) is missing from the store. Run Test-PersistStore; the store may be damaged.");
                        var plain = BlobCodec.Decode(id, blob.PlainSize, blob.Codec, blob.Data);
                        output.Write(plain, 0, plain.Length);
                        written += plain.Length;
                    }
                    output.Flush(flushToDisk: durable);
                }
                SetMetadata(temp, entry);
                FileMetadata.MoveOver(temp, path);
                return written;
            }
            catch
            {
                try { File.Delete(temp); } catch (IOException) { } catch (UnauthorizedAccessException) { }
                throw;
            }
        }

        internal static void SetMetadata(string path, TreeEntry entry)
        {
            FileMetadata.SetMode(path, entry.Mode);
            FileSystemInfo info = entry.Kind == EntryKind.Directory ? new DirectoryInfo(path) : new FileInfo(path);
            FileMetadata.SetModifiedUtc(info, entry.ModifiedUtc);
        }

        private static void Delete(FileSystemEntry entry)
        {
            if (entry.Kind == EntryKind.Directory) Directory.Delete(entry.FullPath, recursive: true);
            else File.Delete(entry.FullPath);
        }

        private static string Join(string relative, string name) => relative.Length == 0 ? name : relative + "/" + name;
    }
}
