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
        public const long PackTargetBytes = 16L << 20;
        private readonly BlockingCollection<(EncodedBlob, BlobKind)> _queue = new BlockingCollection<(EncodedBlob, BlobKind)>(boundedCapacity: 4);
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
            _queue.Add((blob, kind), _cancel);
        }

        /// <summary>Waits until every queued blob is stored and the last pack is indexed; rethrows the writer's error.</summary>
        public void Complete()
        {
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
                foreach (var (blob, kind) in _queue.GetConsumingEnumerable(_cancel))
                {
                    if (kind == BlobKind.Chunk)
                    {
                        chunks.Add(blob);
                        chunkBytes += blob.Data.Length;
                        if (chunkBytes >= BatchBytes || (_queue.Count == 0 && chunks.Count >= 16)) PackChunks(chunks, ref chunkBytes);
                    }
                    else
                    {
                        trees.Add((blob, kind));
                        treeBytes += blob.Data.Length;
                        if (treeBytes >= BatchBytes || (_queue.Count == 0 && trees.Count >= 16)) FlushTrees(trees, ref treeBytes);
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
