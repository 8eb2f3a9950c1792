using System;
using System.Buffers;
using System.Collections.Generic;
using System.Linq;
using System.Threading;
using PersistStore.Engine.Compression;
using PersistStore.Engine.Errors;
using PersistStore.Engine.Model;
using PersistStore.Engine.Snapshots;
using PersistStore.Engine.Storage;

namespace PersistStore.Engine.Migration
{
    /// <summary>
    /// Copies the listings and chunks some checkpoints need and the destination lacks. Each is read from the source,
    /// decoded and checked against its id before the destination sees it (a damaged source chunk stops the copy and
    /// is never recorded), then stored through the destination's BlobWriter: chunks into new packs, each durable before
    /// the index transaction naming it, listings as rows. Chunks are copied as stored (same codec and bytes), so a
    /// copy costs a read, a decode and a hash, never a compression.
    /// </summary>
    internal sealed class BlobCopier
    {
        /// <summary>Ids asked of the destination per read.</summary>
        private const int LookupBatch = 5_000;
        private readonly IStoreBackend _source, _destination;
        private readonly CancellationToken _cancel;

        public BlobCopier(IStoreBackend source, IStoreBackend destination, CancellationToken cancel)
        {
            _source = source;
            _destination = destination;
            _cancel = cancel;
        }

        /// <summary>Every blob these root listings need (walked in the source), and which of them are listings.</summary>
        public (HashSet<BlobId> All, HashSet<BlobId> Listings) Needed(IEnumerable<BlobId> roots)
        {
            var all = new HashSet<BlobId>();
            var listings = new HashSet<BlobId>();
            _source.Read(r => SnapshotReferences.Add(r, roots, all, _cancel, listings), _cancel);
            return (all, listings);
        }

        /// <summary>Of these blobs, those the destination does not hold (a marked one counts as not held).</summary>
        public List<BlobId> Lacking(IEnumerable<BlobId> ids)
        {
            var lacking = new List<BlobId>();
            foreach (var batch in ids.Select((id, i) => (id, i)).GroupBy(x => x.i / LookupBatch, x => x.id))
            {
                var list = batch.ToList();
                var held = _destination.Read(r => r.ExistingBlobs(list), _cancel);
                lacking.AddRange(list.Where(id => !held.Contains(id)));
            }
            return lacking;
        }

        /// <summary>Copies the blobs; returns the chunks and listings the destination stored, and their encoded bytes.</summary>
        public (long Chunks, long Listings, long Bytes) Copy(IReadOnlyList<BlobId> ids, ISet<BlobId> listings, Action<int>? copied = null)
        {
            if (ids.Count == 0) return (0, 0, 0);
            long chunks = 0, rows = 0;
            using var writer = new BlobWriter(_destination, _cancel);
            _source.Read(r =>
            {
                int done = 0;
                foreach (var id in ids)
                {
                    _cancel.ThrowIfCancellationRequested();
                    bool isListing = listings.Contains(id);
                    if (!r.ReadBlob(id, (size, codec, data) => writer.Add(Verified(id, size, codec, data), isListing ? BlobKind.Tree : BlobKind.Chunk)))
                        throw new MigrationException("MigrationSourceIncomplete", ErrorKind.InvalidData, id.ToString(),
                            $"The source store has no {(isListing ? "listing" : "chunk")} {id}, which one of its checkpoints needs. Nothing of that checkpoint was copied. Run Test-PersistStore on the source (Repair-PersistStore may find another copy).");
                    if (isListing) rows++; else chunks++;
                    copied?.Invoke(++done);
                }
                return 0;
            }, _cancel);
            writer.Complete();
            return (chunks, rows, writer.NewBytes);
        }

        /// <summary>The stored bytes, checked by decoding them against the id, in a pooled copy the writer gives back.</summary>
        private static EncodedBlob Verified(BlobId id, int size, BlobCodecKind codec, ReadOnlySpan<byte> data)
        {
            try { Check(id, size, codec, data); }
            catch (PersistStoreException e)
            {
                throw new MigrationException("MigrationSourceDamaged", ErrorKind.InvalidData, id.ToString(),
                    $"{e.Message} Start-Migration stopped before the destination recorded it: no checkpoint that needs it was copied. Run Test-PersistStore -ReadData on the source.", e);
            }
            var copy = ArrayPool<byte>.Shared.Rent(Math.Max(1, data.Length));
            data.CopyTo(copy);
            return EncodedBlob.Pooled(id, size, codec, copy, data.Length);
        }

        private static void Check(BlobId id, int size, BlobCodecKind codec, ReadOnlySpan<byte> data)
        {
            var plain = ArrayPool<byte>.Shared.Rent(Math.Max(1, size));
            try { BlobCodec.DecodeInto(id, size, codec, data, plain); }
            finally { ArrayPool<byte>.Shared.Return(plain); }
        }

        /// <summary>Reads each blob back from the destination and checks it against its id; returns how many.</summary>
        public long ReadBack(IEnumerable<BlobId> ids) => _destination.Read(r =>
        {
            long n = 0;
            foreach (var id in ids)
            {
                _cancel.ThrowIfCancellationRequested();
                bool held;
                try { held = r.ReadBlob(id, (size, codec, data) => Check(id, size, codec, data)); }
                catch (PersistStoreException e) { throw MigrationException.Mismatch("chunks", id.ToString(), "the copy in the destination does not read back: " + e.Message); }
                if (!held) throw MigrationException.Mismatch("chunks", id.ToString(), "the destination does not hold it after the copy");
                n++;
            }
            return n;
        }, _cancel);
    }
}
