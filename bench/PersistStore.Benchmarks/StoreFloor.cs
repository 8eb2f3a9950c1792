using System;
using System.Collections.Generic;
using System.Diagnostics;
using PersistStore.Engine.Compression;
using PersistStore.Engine.Model;
using PersistStore.Engine.Storage;

namespace PersistStore.Benchmarks;

/// <summary>
/// The first checkpoint's floor in the store alone: ready-made blobs (256 KiB, the average chunk, incompressible
/// so stored as they are) written through IStoreWriter.PutBlobs in 2 MiB transactions (as the checkpoint's blob
/// writer does; another size as the last argument), with no reading, chunking, hashing or compression. The blobs are made before the clock starts.
/// </summary>
public static class StoreFloor
{
    private const int BlobBytes = 256 << 10;

    public static (int Blobs, double Seconds) Write(IStoreBackend store, int mebibytes, int batchMebibytes = 2)
    {
        var random = new Random(1);
        var blobs = new List<(EncodedBlob, BlobKind)>();
        for (long made = 0; made < (long)mebibytes << 20; made += BlobBytes)
        {
            var data = new byte[BlobBytes];
            random.NextBytes(data);
            blobs.Add((new EncodedBlob(BlobId.Of(data), data.Length, BlobCodecKind.Raw, data), BlobKind.Chunk));
        }
        var clock = Stopwatch.StartNew();
        int perBatch = Math.Max(1, (batchMebibytes << 20) / BlobBytes);
        for (int i = 0; i < blobs.Count; i += perBatch)
        {
            var batch = blobs.GetRange(i, Math.Min(perBatch, blobs.Count - i));
            store.Write(w => w.PutBlobs(batch));
        }
        return (blobs.Count, clock.Elapsed.TotalSeconds);
    }
}
