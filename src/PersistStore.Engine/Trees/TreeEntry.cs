using System;
using System.Collections.Generic;
using PersistStore.Engine.Compression;

namespace PersistStore.Engine.Trees
{
    public enum EntryKind : byte { File = 1, Directory = 2, Symlink = 3 }

    /// <summary>
    /// One name in a directory listing. Files list their chunks in order, directories name their own listing
    /// (a tree blob), symlinks keep their target text and are never followed.
    /// </summary>
    public sealed class TreeEntry
    {
        public string Name { get; set; } = "";
        public EntryKind Kind { get; set; }
        /// <summary>Unix permission bits (0 where the platform has none).</summary>
        public int Mode { get; set; }
        public DateTime ModifiedUtc { get; set; }
        public long Size { get; set; }
        public IReadOnlyList<BlobId> Chunks { get; set; } = Array.Empty<BlobId>();
        /// <summary>For files: inode and change time when recorded (tree version 2 on Linux), else unknown.</summary>
        public ChangeStamp Stamp { get; set; }
        /// <summary>For directories: the id of its listing (the SHA-256 of its bytes, also for a listing kept inline).</summary>
        public BlobId? Subtree { get; set; }
        /// <summary>For directories whose listing is small: the listing itself, kept inside this one (tree version
        /// 3), not stored as a blob of its own. Null for a listing stored by its id.</summary>
        public Tree? Inline { get; set; }
        public string? LinkTarget { get; set; }
    }

    /// <summary>A directory listing: entries sorted by name (ordinal), so equal directories hash equal.</summary>
    public sealed class Tree
    {
        public Tree(IEnumerable<TreeEntry> entries)
        {
            var list = new List<TreeEntry>(entries);
            list.Sort((a, b) => string.CompareOrdinal(a.Name, b.Name));
            Entries = list;
        }

        public IReadOnlyList<TreeEntry> Entries { get; }
    }
}
