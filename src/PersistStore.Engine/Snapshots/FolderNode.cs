using System.Collections.Generic;
using System.Threading;
using PersistStore.Engine.Compression;

namespace PersistStore.Engine.Snapshots
{
    /// <summary>
    /// One folder while its checkpoint listing is being made: its entries, what is known of each (chunk ids, subtree
    /// ids) and how much is still outstanding (file reads, subfolders, the walker's own pass). The thread that
    /// settles the last outstanding item writes the folder's listing; nothing refers to the node after that, so a
    /// checkpoint holds only the folders still open, not the tree.
    /// </summary>
    internal sealed class FolderNode
    {
        private int _pending = 1;   // the walker's pass over the entries
        private int _changed;

        public FolderNode(string path, FolderNode? parent, int slot, BlobId? previous, Trees.Tree? previousInline = null)
        {
            Path = path;
            Parent = parent;
            Slot = slot;
            Previous = previous;
            PreviousInline = previousInline;
        }

        public string Path { get; }
        public FolderNode? Parent { get; }
        /// <summary>This folder's index among its parent's entries.</summary>
        public int Slot { get; }
        /// <summary>The parent checkpoint's listing of this folder, if it had one.</summary>
        public BlobId? Previous { get; }
        /// <summary>That listing itself when it was kept inside the parent's listing (small), not stored by id.</summary>
        public Trees.Tree? PreviousInline { get; }
        /// <summary>The parent checkpoint's listing of this folder, until the walker has paired it with the disk.</summary>
        public Trees.Tree? Listing { get; set; }
        public List<FileSystemEntry> Entries { get; private set; } = new List<FileSystemEntry>();
        public IReadOnlyList<BlobId>?[] Chunks { get; private set; } = new IReadOnlyList<BlobId>?[0];
        public BlobId[] Subtrees { get; private set; } = new BlobId[0];
        /// <summary>The listings of subfolders kept inside this folder's listing (null where stored by id).</summary>
        public Trees.Tree?[] Inlines { get; private set; } = new Trees.Tree?[0];
        /// <summary>Files, folders and bytes below this folder (its own and its subfolders').</summary>
        public long Files, Directories, LogicalBytes;

        /// <summary>Whether the parent checkpoint's listing can be kept as it is (known once the folder is settled).</summary>
        public bool Unchanged => Previous != null && Volatile.Read(ref _changed) == 0;

        public void SetEntries(List<FileSystemEntry> entries)
        {
            Entries = entries;
            Chunks = new IReadOnlyList<BlobId>?[entries.Count];
            Subtrees = new BlobId[entries.Count];
            Inlines = new Trees.Tree?[entries.Count];
        }

        public void MarkChanged() => Volatile.Write(ref _changed, 1);

        public void AddPending() => Interlocked.Increment(ref _pending);

        /// <summary>Settles one outstanding item; true for the caller that settled the last one.</summary>
        public bool Settle() => Interlocked.Decrement(ref _pending) == 0;
    }
}
