using System;
using System.Collections.Generic;
using PersistStore.Engine.Compression;
using PersistStore.Engine.Model;

namespace PersistStore.Engine.Packs
{
    /// <summary>A finished pack: its name and the blobs it holds, as its own trailer lists them.</summary>
    public sealed record PackInfo(string Name, long Length, IReadOnlyList<PackEntry> Entries);

    /// <summary>
    /// Fills one pack: blobs are appended as they come (never split: a blob larger than the target gets a pack of
    /// its own size), then Finish writes the trailer and commits it. The caller indexes the returned entries only
    /// after Finish: a pack is durable before anything refers to it.
    /// </summary>
    public sealed class PackWriter : IDisposable
    {
        private readonly IPackUpload _upload;
        private readonly List<PackEntry> _entries = new List<PackEntry>();
        private long _length;

        public PackWriter(IPackStore store, long targetSize)
        {
            if (targetSize <= 0) throw new ArgumentOutOfRangeException(nameof(targetSize));
            TargetSize = targetSize;
            _upload = store.Create();
        }

        public long TargetSize { get; }
        public bool IsEmpty => _entries.Count == 0;

        /// <summary>Full: the next blob belongs in a new pack.</summary>
        public bool IsFull => _length >= TargetSize;

        public PackEntry Add(EncodedBlob blob, BlobKind kind)
        {
            var entry = new PackEntry(blob.Id, kind, blob.Codec, _length, blob.Length, blob.PlainSize);
            _upload.Append(blob.Bytes);
            _entries.Add(entry);
            _length += blob.Length;
            return entry;
        }

        /// <summary>Writes the trailer, makes the pack durable under a new name, and says what it holds.</summary>
        public PackInfo Finish(string? name = null)
        {
            name ??= LocalPackStore.NewName();
            byte[] trailer = PackFormat.EncodeTrailer(_entries);
            _upload.Append(trailer);
            _upload.Commit(name);
            return new PackInfo(name, _length + trailer.Length, _entries.ToArray());
        }

        /// <summary>Drops an unfinished pack (nothing refers to it).</summary>
        public void Dispose() => _upload.Dispose();
    }
}
