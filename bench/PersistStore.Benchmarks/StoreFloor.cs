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

    private static List<(EncodedBlob, BlobKind)> Blobs(int mebibytes)
    {
        var random = new Random(1);
        var blobs = new List<(EncodedBlob, BlobKind)>();
        for (long made = 0; made < (long)mebibytes << 20; made += BlobBytes)
        {
            var data = new byte[BlobBytes];
            random.NextBytes(data);
            blobs.Add((new EncodedBlob(BlobId.Of(data), data.Length, BlobCodecKind.Raw, data), BlobKind.Chunk));
        }
        return blobs;
    }

    public static (int Blobs, double Seconds) Write(IStoreBackend store, int mebibytes, int batchMebibytes = 2)
    {
        var blobs = Blobs(mebibytes);
        var clock = Stopwatch.StartNew();
        int perBatch = Math.Max(1, (batchMebibytes << 20) / BlobBytes);
        for (int i = 0; i < blobs.Count; i += perBatch)
        {
            var batch = blobs.GetRange(i, Math.Min(perBatch, blobs.Count - i));
            store.Write(w => w.PutBlobs(batch));
        }
        return (blobs.Count, clock.Elapsed.TotalSeconds);
    }

    /// <summary>The same blobs into pack files of the given target size (each flushed, renamed and its folder
    /// flushed, as a store writes them), in one thread: the floor of a pack store's writes.</summary>
    public static (int Blobs, int Packs, double Seconds) WritePacks(string folder, int mebibytes, int packMebibytes)
    {
        var blobs = Blobs(mebibytes);
        using var packs = new PersistStore.Engine.Packs.LocalPackStore(folder);
        var clock = Stopwatch.StartNew();
        int count = 0;
        PersistStore.Engine.Packs.PackWriter? writer = null;
        foreach (var (blob, kind) in blobs)
        {
            writer ??= new PersistStore.Engine.Packs.PackWriter(packs, (long)packMebibytes << 20);
            writer.Add(blob, kind);
            if (!writer.IsFull) continue;
            writer.Finish();
            writer.Dispose();
            writer = null;
            count++;
        }
        if (writer != null) { writer.Finish(); writer.Dispose(); count++; }
        return (blobs.Count, count, clock.Elapsed.TotalSeconds);
    }
}
