using System;
using System.Buffers;
using System.Collections.Generic;
using PersistStore.Engine.Compression;

namespace PersistStore.Engine.Packs
{
    /// <summary>Reads what a pack says of itself, and single blobs from packs, checking both.</summary>
    public static class PackReader
    {
        /// <summary>The pack's own list of blobs, checked against its checksum and its length; throws
        /// PackDamagedException for a truncated, extended or overwritten pack and PackMissingException for none.</summary>
        public static IReadOnlyList<PackEntry> ReadEntries(IPackStore store, string name)
        {
            long length = store.Length(name);
            var footer = new byte[PackFormat.FooterSize];
            if (length >= PackFormat.FooterSize) store.ReadRange(name, length - PackFormat.FooterSize, footer);
            int count = PackFormat.ReadFooter(name, length, length >= PackFormat.FooterSize ? footer : Array.Empty<byte>(), out var hash, out int version);
            var entries = new byte[count * PackFormat.EntrySize(version)];
            store.ReadRange(name, length - PackFormat.FooterSize - entries.Length, entries);
            return PackFormat.DecodeEntries(name, length, entries, hash, version);
        }

        /// <summary>
        /// Reads one blob's encoded bytes and hands them to handle (valid only during the call), from a pooled buffer.
        /// The caller decodes with BlobCodec.DecodeInto, which checks the plain bytes against the id.
        /// </summary>
        public static void ReadBlob(IPackStore store, string pack, PackEntry entry, Storage.StoredBlobHandler handle)
        {
            var buffer = ArrayPool<byte>.Shared.Rent(Math.Max(1, entry.Length));
            try
            {
                var span = buffer.AsSpan(0, entry.Length);
                store.ReadRange(pack, entry.Offset, span);
                handle(entry.PlainSize, entry.Codec, span);
            }
            finally { ArrayPool<byte>.Shared.Return(buffer); }
        }
    }
}
