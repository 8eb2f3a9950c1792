using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Threading;
using System.Threading.Tasks;
using PersistStore.Engine.Compression;
using PersistStore.Engine.Model;
using PersistStore.Engine.Packs;
using PersistStore.Engine.Storage;

namespace PersistStore.Engine.Snapshots
{
    /// <summary>
    /// One writer thread that stores encoded blobs: chunks into pack files (16 MiB, docs/performance.md), each
    /// pack durable before one short index transaction refers to it; directory listings as rows, in batches of one
    /// transaction each. Producers block when the bounded queue is full, so memory is bounded by the queue and the
    /// batch, not by file or tree size (batches are measured in buffer capacity: compressible chunks sit in buffers
    /// several times their encoded size). Measured on the benchmark data with rows for chunks, back to back: 4
    /// queued blobs and 2 MiB batches held a managed heap of 34-36 MiB on the first checkpoint (52-53 MiB with 16
    /// blobs and 8 MiB). Chunks the store already holds (another run, another checkpoint) are found by one index read
    /// per batch and not written again. A crash leaves only unreferenced blobs and packs, never a partial
    /// checkpoint: the checkpoint row is committed last, after Complete.
    /// </summary>
    internal sealed class BlobWriter : IDisposable
    {
        private const int BatchBytes = 2 << 20;
        /// <summary>
        /// Chunks are looked up and packed early, while the queue is idle, once this many wait. Listings wait for a
        /// full batch: each batch is a transaction with its fsync. Many small files (100,000 of 40 B-2 KiB, one per
        /// folder, bench/small-files.sh) at 16 for both: 6,600 listing transactions and 6,250 index reads, first
        /// checkpoint 9.7 s; see docs/performance.md for the figures since.
        /// </summary>
        private const int IdleBatch = 1024;
        public const long PackTargetBytes = 16L << 20;
        /// <summary>
        /// Blobs go to the writer in hand-offs of up to 64 blobs or 128 KiB (a larger blob alone): one hand-off per
        /// blob woke the writer thread per small file, and its waits spun (521,021 sched_yield calls in a
        /// checkpoint of 100,000 small files, strace -c). Chunks of the average size (256 KiB) still go one by one.
        /// </summary>
        private readonly BlockingCollection<List<(EncodedBlob, BlobKind)>> _queue = new BlockingCollection<List<(EncodedBlob, BlobKind)>>(boundedCapacity: 4);
        private const int HandOffBlobs = 64, HandOffBytes = 128 << 10;
        private readonly object _gate = new object();
        private List<(EncodedBlob, BlobKind)> _pending = new List<(EncodedBlob, BlobKind)>();
        private long _pendingBytes;
        private readonly IStoreBackend _store;
        private readonly CancellationToken _cancel;
        private readonly Task _worker;
        private PackWriter? _pack;
        /// <summary>The full pack being flushed and indexed while the next one fills (one at a time, in order).</summary>
        private Task _flushing = Task.CompletedTask;
        private long _newBlobs, _newBytes;

        public BlobWriter(IStoreBackend store, CancellationToken cancel)
        {
            _store = store;
            _cancel = cancel;
            _worker = Task.Factory.StartNew(Drain, CancellationToken.None, TaskCreationOptions.LongRunning, TaskScheduler.Default);
        }

        public long NewBlobs => Interlocked.Read(ref _newBlobs);
        public long NewBytes => Interlocked.Read(ref _newBytes);

        public void Add(EncodedBlob blob, BlobKind kind)
        {
            if (_worker.IsFaulted) _worker.GetAwaiter().GetResult();   // surface the writer's error to producers
            List<(EncodedBlob, BlobKind)>? full = null;
            lock (_gate)
            {
                _pending.Add((blob, kind));
                _pendingBytes += blob.Data.Length;
                if (_pending.Count >= HandOffBlobs || _pendingBytes >= HandOffBytes) full = TakePending();
            }
            if (full != null) _queue.Add(full, _cancel);
        }

        private List<(EncodedBlob, BlobKind)> TakePending()
        {
            var taken = _pending;
            _pending = new List<(EncodedBlob, BlobKind)>();
            _pendingBytes = 0;
            return taken;
        }

        /// <summary>Waits until every queued blob is stored and the last pack is indexed; rethrows the writer's error.</summary>
        public void Complete()
        {
            List<(EncodedBlob, BlobKind)> rest;
            lock (_gate) rest = TakePending();
            if (rest.Count > 0) _queue.Add(rest, _cancel);
            _queue.CompleteAdding();
            _worker.GetAwaiter().GetResult();
        }

        private void Drain()
        {
            var trees = new List<(EncodedBlob, BlobKind)>();
            var chunks = new List<EncodedBlob>();
            long treeBytes = 0, chunkBytes = 0;
            try
            {
                foreach (var handOff in _queue.GetConsumingEnumerable(_cancel))
                foreach (var (blob, kind) in handOff)
                {
                    if (kind == BlobKind.Chunk)
                    {
                        chunks.Add(blob);
                        chunkBytes += blob.Data.Length;
                        if (chunkBytes >= BatchBytes || (_queue.Count == 0 && chunks.Count >= IdleBatch)) PackChunks(chunks, ref chunkBytes);
                    }
                    else
                    {
                        trees.Add((blob, kind));
                        treeBytes += blob.Data.Length;
                        if (treeBytes >= BatchBytes) FlushTrees(trees, ref treeBytes);
                    }
                }
                PackChunks(chunks, ref chunkBytes);
                FinishPack();
                _flushing.GetAwaiter().GetResult();   // every pack durable and indexed before the checkpoint row
                FlushTrees(trees, ref treeBytes);
            }
            catch
            {
                _queue.CompleteAdding();
                throw;
            }
        }

        /// <summary>Appends the chunks the store lacks to the open pack (one index read for the batch).</summary>
        private void PackChunks(List<EncodedBlob> chunks, ref long bytes)
        {
            if (chunks.Count == 0) return;
            var ids = new BlobId[chunks.Count];
            for (int i = 0; i < ids.Length; i++) ids[i] = chunks[i].Id;
            var stored = _store.Read(r => r.ExistingBlobs(ids), _cancel);
            foreach (var chunk in chunks)
            {
                if (!stored.Contains(chunk.Id))
                {
                    _pack ??= new PackWriter(_store.Packs, PackTargetBytes);
                    _pack.Add(chunk, BlobKind.Chunk);
                    if (_pack.IsFull) FinishPack();
                }
                chunk.Release();   // written (or not needed): the buffer goes back to the pool
            }
            chunks.Clear();
            bytes = 0;
        }

        /// <summary>
        /// Makes the open pack durable, then indexes it in one transaction, on a thread of its own while the next pack
        /// fills: the flush waits on the disk (about 50 ms per 16 MiB pack here) and would otherwise stop the writer
        /// and, through the bounded queue, the readers and compressors behind it. One pack at a time, in order; a
        /// failure surfaces at the next pack or at the end.
        /// </summary>
        private void FinishPack()
        {
            var pack = _pack;
            if (pack == null) return;
            _pack = null;
            if (pack.IsEmpty) { pack.Dispose(); return; }
            var previous = _flushing;
            previous.GetAwaiter().GetResult();
            _flushing = Task.Factory.StartNew(() =>
            {
                using (pack)
                {
                    var info = pack.Finish();
                    var (count, bytes) = _store.Write(w => w.IndexPack(info), _cancel);
                    Interlocked.Add(ref _newBlobs, count);
                    Interlocked.Add(ref _newBytes, bytes);
                }
            }, CancellationToken.None, TaskCreationOptions.LongRunning, TaskScheduler.Default);
        }

        private void FlushTrees(List<(EncodedBlob, BlobKind)> batch, ref long bytes)
        {
            if (batch.Count == 0) return;
            var (count, stored) = _store.Write(w => w.PutBlobs(batch), _cancel);
            Interlocked.Add(ref _newBlobs, count);
            Interlocked.Add(ref _newBytes, stored);
            foreach (var (blob, _) in batch) blob.Release();   // stored: the buffers go back to the pool
            batch.Clear();
            bytes = 0;
        }

        public void Dispose()
        {
            _queue.CompleteAdding();
            try { _worker.Wait(); } catch (AggregateException) { }
            try { _flushing.Wait(); } catch (AggregateException) { }
            _pack?.Dispose();   // an unfinished pack (cancelled or failed checkpoint): nothing refers to it
            _pack = null;
            _queue.Dispose();
        }
    }
}
