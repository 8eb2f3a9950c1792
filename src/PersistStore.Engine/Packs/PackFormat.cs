using System;
using System.Buffers.Binary;
using System.Collections.Generic;
using PersistStore.Engine.Compression;
using PersistStore.Engine.Errors;
using PersistStore.Engine.Model;

namespace PersistStore.Engine.Packs
{
    /// <summary>One blob inside a pack: where its encoded bytes are, and what they decode to.</summary>
    public readonly struct PackEntry : IEquatable<PackEntry>
    {
        public PackEntry(BlobId id, BlobKind kind, BlobCodecKind codec, long offset, int length, int plainSize)
        {
            Id = id;
            Kind = kind;
            Codec = codec;
            Offset = offset;
            Length = length;
            PlainSize = plainSize;
        }

        public BlobId Id { get; }
        public BlobKind Kind { get; }
        public BlobCodecKind Codec { get; }
        public long Offset { get; }
        public int Length { get; }
        public int PlainSize { get; }

        public bool Equals(PackEntry other) => Id.Equals(other.Id) && Kind == other.Kind && Codec == other.Codec
            && Offset == other.Offset && Length == other.Length && PlainSize == other.PlainSize;
        public override bool Equals(object? obj) => obj is PackEntry other && Equals(other);
        public override int GetHashCode() => Id.GetHashCode() ^ (int)Offset;
        public override string ToString() => $"{Id} @{Offset}+{Length}";
    }

    /// <summary>
    /// The pack file layout (restic's design.rst is the model: blobs first, their list last, so a pack is written in
    /// one pass and describes itself; the index can be rebuilt from the packs alone):
    /// <code>
    /// [blob 0][blob 1]...[blob n-1]                    encoded bytes, back to back from offset 0
    /// [entry 0]...[entry n-1]                          42 bytes each: id (32), length (u32), plain size (u32),
    ///                                                  codec (u8), kind (u8); a blob starts where the one before ends
    /// [footer]                                         48 bytes: entry count (u32), format version (u32),
    ///                                                  SHA-256 of the entries (32), magic "PSPACK\r\n" (8)
    /// </code>
    /// Version 1 packs (stores of formats 4 and 5) have 52-byte entries that also give each blob's offset (u64, after
    /// the id) and end in 2 zero bytes; they are read as before. Version 2 drops what the order already says: 10
    /// bytes per chunk, 1 MB of the 100,000-file tree's store (docs/performance.md, "Many small files").
    /// All integers little-endian. A pack is valid only if the magic and version match, the entries hash to the
    /// footer's SHA-256, and the blobs tile the data region exactly (each starts where the previous ended and the
    /// last ends where the entries start): a truncated pack, or one with bytes appended, never reads as valid. Each
    /// blob's own bytes are checked by its id (SHA-256 of the plain bytes) when it is decoded.
    /// </summary>
    public static class PackFormat
    {
        public const int Version = 2;
        public const int FooterSize = 48;

        /// <summary>Bytes per entry in a pack of this version (1 or 2).</summary>
        public static int EntrySize(int version) => version == 1 ? 52 : 42;
        public const string Extension = ".pack";

        // \r\n in the magic: a pack mangled by a text-mode copy is recognised as damaged, as PNG's signature does.
        private static readonly byte[] Magic = { (byte)'P', (byte)'S', (byte)'P', (byte)'A', (byte)'C', (byte)'K', (byte)'\r', (byte)'\n' };

        /// <summary>The entries and footer that close a pack whose blobs were written in this order.</summary>
        public static byte[] EncodeTrailer(IReadOnlyList<PackEntry> entries)
        {
            int size = EntrySize(Version);
            var trailer = new byte[entries.Count * size + FooterSize];
            var span = trailer.AsSpan();
            long offset = 0;
            for (int i = 0; i < entries.Count; i++)
            {
                var e = entries[i];
                if (e.Offset != offset) throw new ArgumentException($"Blob {i} of a pack starts at {e.Offset}, not where the one before ends ({offset}).");
                offset += e.Length;
                var slot = span.Slice(i * size, size);
                e.Id.Bytes.AsSpan().CopyTo(slot);
                BinaryPrimitives.WriteInt32LittleEndian(slot.Slice(32), e.Length);
                BinaryPrimitives.WriteInt32LittleEndian(slot.Slice(36), e.PlainSize);
                slot[40] = (byte)e.Codec;
                slot[41] = (byte)e.Kind;
            }
            var footer = span.Slice(entries.Count * size);
            BinaryPrimitives.WriteInt32LittleEndian(footer, entries.Count);
            BinaryPrimitives.WriteInt32LittleEndian(footer.Slice(4), Version);
            BlobId.Of(span.Slice(0, entries.Count * size)).Bytes.CopyTo(footer.Slice(8));
            Magic.CopyTo(footer.Slice(40));
            return trailer;
        }

        /// <summary>How many entries the footer announces, and the pack's version; throws PackDamagedException when it
        /// is not a pack footer.</summary>
        public static int ReadFooter(string pack, long packLength, ReadOnlySpan<byte> footer, out byte[] entriesHash, out int version)
        {
            if (packLength < FooterSize || footer.Length != FooterSize)
                throw new PackDamagedException(pack, $"it is {packLength} bytes long, shorter than a pack's footer (truncated or empty)");
            if (!footer.Slice(40).SequenceEqual(Magic))
                throw new PackDamagedException(pack, "it does not end with a pack footer (truncated, or not a pack)");
            version = BinaryPrimitives.ReadInt32LittleEndian(footer.Slice(4));
            if (version < 1 || version > Version)
                throw new PackDamagedException(pack, $"its format version is {version}; this version of PersistStore reads versions 1 to {Version}");
            int count = BinaryPrimitives.ReadInt32LittleEndian(footer);
            if (count < 0 || (long)count * EntrySize(version) > packLength - FooterSize)
                throw new PackDamagedException(pack, $"its footer announces {count} entries, more than the pack can hold");
            entriesHash = footer.Slice(8, 32).ToArray();
            return count;
        }

        /// <summary>Decodes and checks the entries of a pack of the given length (see the class summary for what valid means).</summary>
        public static IReadOnlyList<PackEntry> DecodeEntries(string pack, long packLength, ReadOnlySpan<byte> entryBytes, byte[] entriesHash, int version)
        {
            if (!BlobId.Of(entryBytes).Bytes.AsSpan().SequenceEqual(entriesHash))
                throw new PackDamagedException(pack, "its list of blobs does not match its checksum");
            int size = EntrySize(version);
            int count = entryBytes.Length / size;
            long dataEnd = packLength - FooterSize - entryBytes.Length;
            var entries = new PackEntry[count];
            long expected = 0;
            for (int i = 0; i < count; i++)
            {
                var slot = entryBytes.Slice(i * size, size);
                var id = new BlobId(slot.Slice(0, 32).ToArray());
                var e = version == 1
                    ? new PackEntry(id, (BlobKind)slot[49], (BlobCodecKind)slot[48], BinaryPrimitives.ReadInt64LittleEndian(slot.Slice(32)),
                        BinaryPrimitives.ReadInt32LittleEndian(slot.Slice(40)), BinaryPrimitives.ReadInt32LittleEndian(slot.Slice(44)))
                    : new PackEntry(id, (BlobKind)slot[41], (BlobCodecKind)slot[40], expected,
                        BinaryPrimitives.ReadInt32LittleEndian(slot.Slice(32)), BinaryPrimitives.ReadInt32LittleEndian(slot.Slice(36)));
                if (e.Offset != expected || e.Length < 0 || e.PlainSize < 0 || e.Offset + e.Length > dataEnd)
                    throw new PackDamagedException(pack, $"blob {i} ({e.Id}) does not lie where the blobs before it end");
                expected += e.Length;
                entries[i] = e;
            }
            if (expected != dataEnd)
                throw new PackDamagedException(pack, $"its blobs end at byte {expected} but its list starts at byte {dataEnd}");
            return entries;
        }
    }
}
