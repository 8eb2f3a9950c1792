using System;
using System.Collections.Generic;
using System.Threading;
using PersistStore.Engine.Compression;
using PersistStore.Engine.Errors;
using PersistStore.Engine.Model;
using PersistStore.Engine.Packs;
using PersistStore.Engine.Storage;

namespace PersistStore.Engine.Maintenance
{
    /// <summary>
    /// Copies the chunks the index still uses out of packs that are mostly unused, into new packs, in restic's
    /// prune order: each new pack is durable before one short transaction points the index at it, and an old pack
    /// is deleted only after no index entry names it. Every chunk is decoded and checked against its id on the way:
    /// a damaged one is marked (writers store its content again) and left where it is, never copied.
    /// </summary>
    internal sealed class Repacker : IDisposable
    {
        private readonly IStoreBackend _store;
        private readonly CancellationToken _cancel;
        private PackWriter? _writer;
        private byte[] _plain = new byte[1 << 16];

        public Repacker(IStoreBackend store, CancellationToken cancel)
        {
            _store = store;
            _cancel = cancel;
        }

        public int PacksWritten { get; private set; }
        public long BytesWritten { get; private set; }
        public List<(BlobId Chunk, string Pack, string Problem)> Damaged { get; } = new List<(BlobId, string, string)>();

        /// <summary>Copies the pack's used chunks into the current new pack (finishing it when full).</summary>
        public void Copy(string pack)
        {
            foreach (var entry in _store.Read(r => r.ChunksInPack(pack), _cancel))
            {
                _cancel.ThrowIfCancellationRequested();
                byte[]? copy = null;
                try
                {
                    PackReader.ReadBlob(_store.Packs, pack, entry, (plainSize, codec, data) =>
                    {
                        if (_plain.Length < plainSize) _plain = new byte[plainSize];
                        BlobCodec.DecodeInto(entry.Id, plainSize, codec, data, _plain);
                        copy = data.ToArray();
                    });
                }
                catch (PersistStoreException e) when (e.ErrorId is "BlobDamaged" or "PackDamaged")
                {
                    Damaged.Add((entry.Id, pack, e.Message));
                    _store.Write(w => w.MarkBlobs(new[] { entry.Id }, BlobMark.Damaged, DateTime.UtcNow, $"pack {pack}: {e.Message}"), _cancel);
                    continue;
                }
                _writer ??= new PackWriter(_store.Packs, Snapshots.BlobWriter.PackTargetBytes);
                _writer.Add(new EncodedBlob(entry.Id, entry.PlainSize, entry.Codec, copy!), BlobKind.Chunk);
                if (_writer.IsFull) Flush();
            }
        }

        /// <summary>Finishes the pack being filled and points the index at it.</summary>
        public void Flush()
        {
            if (_writer == null) return;
            if (!_writer.IsEmpty)
            {
                var info = _writer.Finish();
                _store.Write(w => w.MoveChunks(info), _cancel);
                PacksWritten++;
                BytesWritten += info.Length;
            }
            _writer.Dispose();
            _writer = null;
        }

        public void Dispose() => _writer?.Dispose();
    }
}
