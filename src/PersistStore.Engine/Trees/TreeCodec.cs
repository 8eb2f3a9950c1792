using System;
using System.Collections.Generic;
using System.IO;
using System.Text;
using PersistStore.Engine.Compression;
using PersistStore.Engine.Errors;

namespace PersistStore.Engine.Trees
{
    /// <summary>
    /// The byte form of a tree (its id is the SHA-256 of these bytes). Versioned and length-prefixed; names are
    /// checked on the way in and out so that a hand-made tree can never name "..", "/x" or "C:" as an entry.
    /// </summary>
    public static class TreeCodec
    {
        /// <summary>Version 2 adds each file's inode and change time; version 1 trees are read as before.</summary>
        private const byte Version = 2;

        public static byte[] Encode(Tree tree)
        {
            using var stream = new MemoryStream();
            using var w = new BinaryWriter(stream, Encoding.UTF8);
            w.Write(Version);
            w.Write(tree.Entries.Count);
            foreach (var e in tree.Entries)
            {
                EntryName.Validate(e.Name);
                w.Write((byte)e.Kind);
                w.Write(e.Name);
                w.Write(e.Mode);
                w.Write(e.ModifiedUtc.Ticks);
                w.Write(e.Size);
                switch (e.Kind)
                {
                    case EntryKind.File:
                        w.Write(e.Stamp.Inode);
                        w.Write(e.Stamp.ChangedTicks);
                        w.Write(e.Chunks.Count);
                        foreach (var c in e.Chunks) w.Write(c.Bytes);
                        break;
                    case EntryKind.Directory:
                        w.Write((e.Subtree ?? throw new ArgumentException($"Directory entry '{e.Name}' has no subtree.")).Bytes);
                        break;
                    case EntryKind.Symlink:
                        w.Write(e.LinkTarget ?? "");
                        break;
                }
            }
            w.Flush();
            return stream.ToArray();
        }

        public static Tree Decode(BlobId id, byte[] bytes)
        {
            try
            {
                using var r = new BinaryReader(new MemoryStream(bytes), Encoding.UTF8);
                byte version = r.ReadByte();
                if (version != 1 && version != Version) throw Bad(id, $"unknown tree version {version}");
                int count = r.ReadInt32();
                var entries = new List<TreeEntry>(Math.Min(count, 1 << 16));
                for (int i = 0; i < count; i++)
                {
                    var e = new TreeEntry { Kind = (EntryKind)r.ReadByte(), Name = r.ReadString(), Mode = r.ReadInt32() };
                    e.ModifiedUtc = new DateTime(r.ReadInt64(), DateTimeKind.Utc);
                    e.Size = r.ReadInt64();
                    EntryName.Validate(e.Name);
                    switch (e.Kind)
                    {
                        case EntryKind.File:
                            if (version >= 2) e.Stamp = new ChangeStamp(r.ReadInt64(), r.ReadInt64());
                            int chunks = r.ReadInt32();
                            var list = new List<BlobId>(chunks);
                            for (int c = 0; c < chunks; c++) list.Add(new BlobId(r.ReadBytes(32)));
                            e.Chunks = list;
                            break;
                        case EntryKind.Directory: e.Subtree = new BlobId(r.ReadBytes(32)); break;
                        case EntryKind.Symlink: e.LinkTarget = r.ReadString(); break;
                        default: throw Bad(id, $"unknown entry kind {(int)e.Kind}");
                    }
                    entries.Add(e);
                }
                return new Tree(entries);
            }
            catch (Exception e) when (e is EndOfStreamException or ArgumentException or IOException)
            {
                throw Bad(id, e.Message);
            }
        }

        private static PersistStoreException Bad(BlobId id, string why) =>
            new StoreFormatException("TreeDamaged", id.ToString(), $"The directory listing {id} cannot be read ({why}). The checkpoints that use it cannot be exported or reverted. Other checkpoints may still export (Export-Checkpoint); to recover this one, restore the store from a backup.");
    }

    /// <summary>What one path component may be: anything a file system allows, except what escapes the folder.</summary>
    public static class EntryName
    {
        public static void Validate(string name)
        {
            if (name.Length == 0 || name == "." || name == ".." || name.IndexOf('/') >= 0 || name.IndexOf('\\') >= 0
                || name.IndexOf('\0') >= 0 || (name.Length >= 2 && name[1] == ':' && char.IsLetter(name[0])))
                throw new PersistStoreException("UnsafeEntryName", ErrorKind.InvalidData, name,
                    $"The stored entry name '{name}' could escape the destination folder; it is refused and nothing is written for it. The store may have been tampered with: restore it from a backup.");
        }
    }
}
