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
    /// Version 3 (store format 6) writes numbers as varints and keeps a small subfolder's listing inside its
    /// parent's instead of as a listing of its own; versions 1 and 2 are read as before.
    /// </summary>
    public static class TreeCodec
    {
        private const byte Version = 3;
        /// <summary>Wire kind of a directory whose listing follows inline (read back as EntryKind.Directory).</summary>
        private const byte InlineDirectory = 4;

        /// <summary>
        /// A subfolder whose encoded listing is at most this long is kept inside its parent's listing. A stored
        /// listing costs a row with its 32-byte id, the same id again in the id index and in the parent: about
        /// 160 bytes beside the listing itself, more than most one-file folders hold (about 70 bytes). Measured on
        /// the many-small-files tree (docs/performance.md, "Many small files"): its index went from 34.6 MB to
        /// 18.3 MB, the store from 134.9 MB to 118.6 MB; limits of 128 and 512 bytes gave the same within 0.1 MB
        /// (its leaf listings are 70-100 bytes); 256 also keeps folders of two or three small files inline.
        /// </summary>
        public const int InlineLimit = 256;

        /// <summary>Whether a listing of this encoded length is kept inside its parent's (never the root's).</summary>
        public static bool KeptInline(int encodedLength) => encodedLength <= InlineLimit;

        public static byte[] Encode(Tree tree)
        {
            using var stream = new MemoryStream();
            using var w = new BinaryWriter(stream, Encoding.UTF8);
            w.Write(Version);
            Write(w, tree);
            w.Flush();
            return stream.ToArray();
        }

        private static void Write(BinaryWriter w, Tree tree)
        {
            WriteVarint(w, (ulong)tree.Entries.Count);
            foreach (var e in tree.Entries)
            {
                EntryName.Validate(e.Name);
                bool inline = e.Kind == EntryKind.Directory && e.Inline != null;
                w.Write(inline ? InlineDirectory : (byte)e.Kind);
                w.Write(e.Name);
                WriteVarint(w, (uint)e.Mode);
                w.Write(e.ModifiedUtc.Ticks);
                WriteVarint(w, (ulong)e.Size);
                switch (e.Kind)
                {
                    case EntryKind.File:
                        WriteVarint(w, (ulong)e.Stamp.Inode);
                        // The change time as its distance from the modification time: usually the same instant.
                        WriteVarint(w, ZigZag(e.Stamp.ChangedTicks - e.ModifiedUtc.Ticks));
                        WriteVarint(w, (ulong)e.Chunks.Count);
                        foreach (var c in e.Chunks) w.Write(c.Bytes);
                        break;
                    case EntryKind.Directory when inline:
                        var child = Encode(e.Inline!);
                        WriteVarint(w, (ulong)child.Length);
                        w.Write(child);
                        break;
                    case EntryKind.Directory:
                        w.Write((e.Subtree ?? throw new ArgumentException($"Directory entry '{e.Name}' has no subtree.")).Bytes);
                        break;
                    case EntryKind.Symlink:
                        w.Write(e.LinkTarget ?? "");
                        break;
                }
            }
        }

        public static Tree Decode(BlobId id, byte[] bytes) => Decode(id, bytes, bytes.Length);

        /// <summary>Decodes the first length bytes of buffer (a pooled buffer may be longer).</summary>
        public static Tree Decode(BlobId id, byte[] buffer, int length)
        {
            try
            {
                using var r = new BinaryReader(new MemoryStream(buffer, 0, length, writable: false), Encoding.UTF8);
                byte version = r.ReadByte();
                if (version < 1 || version > Version) throw Bad(id, $"unknown tree version {version}");
                return version == Version ? ReadCompact(id, r) : ReadFixed(id, r, version);
            }
            catch (Exception e) when (e is EndOfStreamException or ArgumentException or IOException or OverflowException)
            {
                throw Bad(id, e.Message);
            }
        }

        /// <summary>Versions 1 and 2: fixed-size numbers, every subfolder a listing of its own.</summary>
        private static Tree ReadFixed(BlobId id, BinaryReader r, byte version)
        {
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
                        e.Chunks = ReadIds(r, r.ReadInt32());
                        break;
                    case EntryKind.Directory: e.Subtree = new BlobId(r.ReadBytes(32)); break;
                    case EntryKind.Symlink: e.LinkTarget = r.ReadString(); break;
                    default: throw Bad(id, $"unknown entry kind {(int)e.Kind}");
                }
                entries.Add(e);
            }
            return new Tree(entries);
        }

        private static Tree ReadCompact(BlobId id, BinaryReader r)
        {
            int count = checked((int)ReadVarint(r));
            var entries = new List<TreeEntry>(Math.Min(count, 1 << 16));
            for (int i = 0; i < count; i++)
            {
                byte kind = r.ReadByte();
                var e = new TreeEntry { Kind = kind == InlineDirectory ? EntryKind.Directory : (EntryKind)kind, Name = r.ReadString() };
                e.Mode = (int)checked((uint)ReadVarint(r));
                e.ModifiedUtc = new DateTime(r.ReadInt64(), DateTimeKind.Utc);
                e.Size = checked((long)ReadVarint(r));
                EntryName.Validate(e.Name);
                switch (kind)
                {
                    case (byte)EntryKind.File:
                        long inode = (long)ReadVarint(r);
                        e.Stamp = new ChangeStamp(inode, e.ModifiedUtc.Ticks + UnZigZag(ReadVarint(r)));
                        e.Chunks = ReadIds(r, checked((int)ReadVarint(r)));
                        break;
                    case (byte)EntryKind.Directory: e.Subtree = new BlobId(r.ReadBytes(32)); break;
                    case InlineDirectory:
                        var child = r.ReadBytes(checked((int)ReadVarint(r)));
                        e.Subtree = BlobId.Of(child);
                        try { e.Inline = Decode(e.Subtree.Value, child); }
                        catch (StoreFormatException inner) { throw Bad(id, $"its subfolder '{e.Name}': {inner.Message}"); }
                        break;
                    case (byte)EntryKind.Symlink: e.LinkTarget = r.ReadString(); break;
                    default: throw Bad(id, $"unknown entry kind {kind}");
                }
                entries.Add(e);
            }
            if (r.BaseStream.Position != r.BaseStream.Length) throw Bad(id, "bytes after its last entry");
            return new Tree(entries);
        }

        /// <summary>An array, not a list: one object less per file (most files are one chunk).</summary>
        private static BlobId[] ReadIds(BinaryReader r, int count)
        {
            if (count < 0 || (long)count * 32 > r.BaseStream.Length - r.BaseStream.Position) throw new EndOfStreamException($"{count} chunk ids do not fit in the listing");
            var ids = new BlobId[count];
            for (int c = 0; c < count; c++) ids[c] = new BlobId(r.ReadBytes(32));
            return ids;
        }

        private static void WriteVarint(BinaryWriter w, ulong value)
        {
            while (value >= 0x80)
            {
                w.Write((byte)(value | 0x80));
                value >>= 7;
            }
            w.Write((byte)value);
        }

        private static ulong ReadVarint(BinaryReader r)
        {
            ulong value = 0;
            for (int shift = 0; shift < 64; shift += 7)
            {
                byte b = r.ReadByte();
                value |= (ulong)(b & 0x7F) << shift;
                if ((b & 0x80) == 0) return value;
            }
            throw new OverflowException("a number longer than 64 bits");
        }

        private static ulong ZigZag(long value) => (ulong)((value << 1) ^ (value >> 63));
        private static long UnZigZag(ulong value) => (long)(value >> 1) ^ -(long)(value & 1);

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
