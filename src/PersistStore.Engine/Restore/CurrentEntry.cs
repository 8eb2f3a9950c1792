using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using PersistStore.Engine.Compression;
using PersistStore.Engine.Snapshots;
using PersistStore.Engine.Storage;
using PersistStore.Engine.Trees;

namespace PersistStore.Engine.Restore
{
    /// <summary>
    /// What a run's folder holds at one path, as TreeSync sees it: from a live scan, or from a checkpoint just taken
    /// of that folder (a revert's safety checkpoint). A checkpoint also knows content (chunk ids) and whole listings
    /// (tree ids), so a revert skips every folder whose listing equals the target's without looking at the disk,
    /// and its time follows what changed, not the size of the tree.
    /// </summary>
    internal sealed class CurrentEntry
    {
        private readonly Func<IReadOnlyList<CurrentEntry>>? _children;

        private CurrentEntry(string name, string fullPath, EntryKind kind, int mode, DateTime modifiedUtc, long size, string? linkTarget,
            ChangeStamp stamp, IReadOnlyList<BlobId>? chunks, BlobId? subtree, Func<IReadOnlyList<CurrentEntry>>? children)
        {
            Stamp = stamp;
            Name = name;
            FullPath = fullPath;
            Kind = kind;
            Mode = mode;
            ModifiedUtc = modifiedUtc;
            Size = size;
            LinkTarget = linkTarget;
            Chunks = chunks;
            Subtree = subtree;
            _children = children;
        }

        public string Name { get; }
        public string FullPath { get; }
        public EntryKind Kind { get; }
        public int Mode { get; }
        public DateTime ModifiedUtc { get; }
        public long Size { get; }
        public string? LinkTarget { get; }
        public ChangeStamp Stamp { get; }
        /// <summary>The file's content as chunk ids, when known without reading the file.</summary>
        public IReadOnlyList<BlobId>? Chunks { get; }
        /// <summary>The folder's listing as a tree id, when known.</summary>
        public BlobId? Subtree { get; }

        /// <summary>Listed when asked for and not kept: a walk holds the folders on its path, not the tree.</summary>
        public IReadOnlyList<CurrentEntry> Children => _children?.Invoke() ?? Array.Empty<CurrentEntry>();

        /// <summary>The folder as it is on disk; each listing is read when walked into.</summary>
        public static CurrentEntry FromFolder(string folder)
        {
            var root = DirectoryLister.Root(folder);
            return new CurrentEntry("", root.FullName, EntryKind.Directory, 0, default, 0, null, default, null, null, LiveListing(root.FullName));
        }

        private static CurrentEntry FromDisk(FileSystemEntry e) =>
            new CurrentEntry(e.Name, e.FullPath, e.Kind, e.Mode, e.ModifiedUtc, e.Size, e.LinkTarget, e.Stamp, null, null,
                e.Kind == EntryKind.Directory ? LiveListing(e.FullPath) : null);

        private static Func<IReadOnlyList<CurrentEntry>> LiveListing(string folder) => () =>
        {
            try { return DirectoryLister.List(folder).Select(FromDisk).ToList(); }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException) { throw DirectoryLister.Unreadable(folder, e); }
        };

        /// <summary>The folder as a checkpoint of it recorded it; listings are loaded only when walked into.</summary>
        public static CurrentEntry FromCheckpoint(IStoreReader store, BlobId rootTree, string folder) =>
            new CurrentEntry("", folder, EntryKind.Directory, 0, default, 0, null, default, null, rootTree, Listing(store, rootTree, folder));

        private static CurrentEntry FromTree(IStoreReader store, TreeEntry e, string fullPath) =>
            new CurrentEntry(e.Name, fullPath, e.Kind, e.Mode, e.ModifiedUtc, e.Size, e.LinkTarget, e.Stamp,
                e.Kind == EntryKind.File ? e.Chunks : null, e.Subtree,
                e.Kind == EntryKind.Directory ? Listing(store, () => TreeStore.Load(store, e), fullPath) : null);

        private static Func<IReadOnlyList<CurrentEntry>> Listing(IStoreReader store, BlobId tree, string folder) =>
            Listing(store, () => TreeStore.Load(store, tree), folder);

        private static Func<IReadOnlyList<CurrentEntry>> Listing(IStoreReader store, Func<Tree> load, string folder) =>
            () => load().Entries.Select(c => FromTree(store, c, Path.Combine(folder, c.Name))).ToList();
    }
}
