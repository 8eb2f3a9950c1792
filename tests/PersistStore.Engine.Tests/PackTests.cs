using System;
using System.Buffers.Binary;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using PersistStore.Engine.Compression;
using PersistStore.Engine.Errors;
using PersistStore.Engine.Model;
using PersistStore.Engine.Packs;
using Xunit;

namespace PersistStore.Engine.Tests;

/// <summary>Packs on a real folder: what is written reads back, and a damaged pack never reads as valid.</summary>
public sealed class PackTests : IDisposable
{
    private readonly string _folder = Path.Combine(Path.GetTempPath(), "persiststore-pack-tests", Guid.NewGuid().ToString("N"));
    private readonly LocalPackStore _store;

    public PackTests()
    {
        _store = new LocalPackStore(Path.Combine(_folder, "packs"));
    }

    public void Dispose()
    {
        _store.Dispose();
        try { Directory.Delete(_folder, recursive: true); } catch (IOException) { }
    }

    /// <summary>Blobs of every shape: empty, compressible (LZ4), random (raw), one byte, and a large one.</summary>
    private static List<(byte[] Plain, EncodedBlob Blob)> SampleBlobs(int seed)
    {
        var random = new Random(seed);
        var plains = new List<byte[]> { Array.Empty<byte>(), new byte[] { 7 }, new byte[300_000] };
        for (int i = 0; i < 20; i++)
        {
            var data = new byte[random.Next(1, 70_000)];
            if (i % 2 == 0) random.NextBytes(data);
            else for (int j = 0; j < data.Length; j++) data[j] = (byte)('a' + j % 7);
            plains.Add(data);
        }
        return plains.Select(p => (p, BlobCodec.Encode(p))).ToList();
    }

    private PackInfo WritePack(IReadOnlyList<(byte[] Plain, EncodedBlob Blob)> blobs, long target = 1 << 20)
    {
        using var writer = new PackWriter(_store, target);
        foreach (var (_, blob) in blobs) writer.Add(blob, BlobKind.Chunk);
        return writer.Finish();
    }

    private static byte[] Decode(IPackStore store, string pack, PackEntry entry)
    {
        var plain = new byte[entry.PlainSize];
        PackReader.ReadBlob(store, pack, entry, (size, codec, data) => BlobCodec.DecodeInto(entry.Id, size, codec, data, plain));
        return plain;
    }

    [Fact]
    public void EveryBlobReadsBackFromItsRangeAndThePackListsItself()
    {
        var blobs = SampleBlobs(1);
        var pack = WritePack(blobs);

        Assert.Equal(pack.Length, _store.Length(pack.Name));
        Assert.Equal(pack.Entries, PackReader.ReadEntries(_store, pack.Name));
        Assert.Contains(blobs, b => b.Blob.Codec == BlobCodecKind.Lz4);
        Assert.Contains(blobs, b => b.Blob.Codec == BlobCodecKind.Raw);
        for (int i = 0; i < blobs.Count; i++)
        {
            Assert.Equal(blobs[i].Blob.Id, pack.Entries[i].Id);
            Assert.Equal(blobs[i].Plain, Decode(_store, pack.Name, pack.Entries[i]));
        }
        Assert.Equal(new[] { pack.Name }, _store.List());
    }

    [Fact]
    public void AVersionOnePackOfFormatsFourAndFiveStillReadsAndAnUnknownVersionIsRefused()
    {
        var blobs = SampleBlobs(4).Take(5).ToList();
        var pack = WritePack(blobs);
        string path = _store.PathOf(pack.Name);
        byte[] v2 = File.ReadAllBytes(path);
        long data = pack.Entries.Sum(e => (long)e.Length);
        Assert.Equal(data + pack.Entries.Count * 42 + PackFormat.FooterSize, v2.Length);   // 42 bytes per entry now

        // The same blobs with the 52-byte entries version 1 wrote: id, offset, length, plain size, codec, kind, 2 zeros.
        var entries = new byte[pack.Entries.Count * 52];
        for (int i = 0; i < pack.Entries.Count; i++)
        {
            var e = pack.Entries[i];
            var slot = entries.AsSpan(i * 52, 52);
            e.Id.Bytes.CopyTo(slot);
            BinaryPrimitives.WriteInt64LittleEndian(slot.Slice(32), e.Offset);
            BinaryPrimitives.WriteInt32LittleEndian(slot.Slice(40), e.Length);
            BinaryPrimitives.WriteInt32LittleEndian(slot.Slice(44), e.PlainSize);
            slot[48] = (byte)e.Codec;
            slot[49] = (byte)e.Kind;
        }
        var footer = v2.AsSpan(v2.Length - PackFormat.FooterSize).ToArray();
        BinaryPrimitives.WriteInt32LittleEndian(footer.AsSpan(4), 1);
        BlobId.Of(entries).Bytes.CopyTo(footer.AsSpan(8));
        File.WriteAllBytes(path, v2.Take((int)data).Concat(entries).Concat(footer).ToArray());
        Assert.Equal(pack.Entries, PackReader.ReadEntries(_store, pack.Name));
        for (int i = 0; i < blobs.Count; i++) Assert.Equal(blobs[i].Plain, Decode(_store, pack.Name, pack.Entries[i]));

        BinaryPrimitives.WriteInt32LittleEndian(v2.AsSpan(v2.Length - PackFormat.FooterSize + 4), 3);
        File.WriteAllBytes(path, v2);
        var refused = Assert.Throws<PackDamagedException>(() => PackReader.ReadEntries(_store, pack.Name));
        Assert.Contains("its format version is 3; this version of PersistStore reads versions 1 to 2", refused.Message);
    }

    [Fact]
    public void APackIsNeverReadAsValidWhenTruncatedOrExtended()
    {
        var pack = WritePack(SampleBlobs(2).Take(6).ToList());
        string path = _store.PathOf(pack.Name);
        byte[] whole = File.ReadAllBytes(path);
        var cuts = Enumerable.Range(0, PackFormat.FooterSize + 2 * PackFormat.EntrySize(PackFormat.Version) + 2).Select(k => whole.Length - k)
            .Concat(new[] { 0, 1, whole.Length / 2 }).Where(n => n >= 0 && n < whole.Length).Distinct().ToList();
        foreach (int length in cuts)
        {
            _store.Dispose();   // no cached handle: each trial reads the file as it is now
            File.WriteAllBytes(path, whole.AsSpan(0, length).ToArray());
            var e = Assert.Throws<PackDamagedException>(() => PackReader.ReadEntries(_store, pack.Name));
            Assert.Equal(pack.Name, e.TargetObject());
        }
        _store.Dispose();
        File.WriteAllBytes(path, whole.Concat(new byte[] { 0 }).ToArray());
        Assert.Throws<PackDamagedException>(() => PackReader.ReadEntries(_store, pack.Name));
    }

    [Fact]
    public void AFlippedByteIsFoundInTheListOrByTheBlobsId()
    {
        var blobs = SampleBlobs(3).Take(8).ToList();
        var pack = WritePack(blobs);
        string path = _store.PathOf(pack.Name);
        byte[] whole = File.ReadAllBytes(path);
        long dataEnd = pack.Entries[^1].Offset + pack.Entries[^1].Length;
        var random = new Random(3);
        for (int trial = 0; trial < 200; trial++)
        {
            int at = random.Next(whole.Length);
            var damaged = (byte[])whole.Clone();
            damaged[at] ^= (byte)(1 << random.Next(8));
            _store.Dispose();
            File.WriteAllBytes(path, damaged);
            if (at >= dataEnd)
            {
                Assert.Throws<PackDamagedException>(() => PackReader.ReadEntries(_store, pack.Name));
                continue;
            }
            var entries = PackReader.ReadEntries(_store, pack.Name);   // the list is intact: the blob is not
            var hit = entries.Single(e => at >= e.Offset && at < e.Offset + e.Length);
            var error = Assert.ThrowsAny<PersistStoreException>(() => Decode(_store, pack.Name, hit));
            Assert.Equal("BlobDamaged", error.ErrorId);
        }
    }

    [Fact]
    public void OnlyCommittedPacksAreListedAndADroppedOneLeavesNothing()
    {
        var first = WritePack(SampleBlobs(4).Take(3).ToList());
        using (var dropped = new PackWriter(_store, 1 << 20))
        {
            dropped.Add(BlobCodec.Encode(new byte[] { 1, 2, 3 }), BlobKind.Chunk);
        }   // disposed without Finish: a writer killed half way
        var partial = _store.Create();
        partial.Append(new byte[] { 9, 9, 9 });   // still being written: not listed
        var second = WritePack(SampleBlobs(5).Take(3).ToList());

        Assert.Equal(new[] { first.Name, second.Name }.OrderBy(n => n, StringComparer.Ordinal), _store.List());
        _store.Delete(first.Name);
        _store.Delete(first.Name);   // a second cleaner finds it gone: not an error
        Assert.Equal(new[] { second.Name }, _store.List());
        Assert.Throws<PackMissingException>(() => _store.Length(first.Name));
        Assert.Throws<PackMissingException>(() => PackReader.ReadEntries(_store, first.Name));
        partial.Dispose();
        Assert.Empty(Directory.GetFiles(_store.Folder, "*.partial"));
    }

    /// <summary>Handles this process has open on files in the pack folder (Linux: /proc/self/fd).</summary>
    private int OpenPackHandles() => new DirectoryInfo("/proc/self/fd").GetFileSystemInfos()
        .Count(fd => fd.LinkTarget is string target && target.StartsWith(_store.Folder, StringComparison.Ordinal));

    [Fact]
    public void ReadsKeepAtMostALimitOfPacksOpenAndNoneOnceIdle()
    {
        if (!OperatingSystem.IsLinux()) return;
        var blob = SampleBlobs(3).Skip(3).First();
        var packs = Enumerable.Range(0, OpenPacks<IDisposable>.Limit + 20).Select(_ => WritePack(new[] { blob })).ToList();
        foreach (var pack in packs) Assert.Equal(blob.Plain, Decode(_store, pack.Name, pack.Entries[0]));
        int open = OpenPackHandles();
        Assert.InRange(open, 1, OpenPacks<IDisposable>.Limit);
        Assert.Equal(blob.Plain, Decode(_store, packs[^1].Name, packs[^1].Entries[0]));   // the newest is still open
        Assert.Equal(open, OpenPackHandles());
        _store.CloseIdle();
        Assert.Equal(0, OpenPackHandles());
        Assert.Equal(blob.Plain, Decode(_store, packs[0].Name, packs[0].Entries[0]));   // and opens again when needed
    }

    [Fact]
    public void TheIndexRebuiltFromThePacksAloneEqualsTheOneTheWritersReturned()
    {
        var written = new Dictionary<BlobId, (string Pack, PackEntry Entry)>();
        var blobs = SampleBlobs(6).Concat(SampleBlobs(7).Skip(3)).ToList();   // distinct ids, as dedup makes them
        // Small target: several packs, and the 300,000-byte blob gets one of its own (a blob is never split).
        PackWriter? writer = null;
        foreach (var (_, blob) in blobs)
        {
            writer ??= new PackWriter(_store, 100_000);
            writer.Add(blob, BlobKind.Chunk);
            if (!writer.IsFull) continue;
            var info = writer.Finish();
            foreach (var e in info.Entries) written[e.Id] = (info.Name, e);
            writer.Dispose();
            writer = null;
        }
        if (writer != null)
        {
            var info = writer.Finish();
            foreach (var e in info.Entries) written[e.Id] = (info.Name, e);
            writer.Dispose();
        }

        var rebuilt = new Dictionary<BlobId, (string Pack, PackEntry Entry)>();
        foreach (var name in _store.List())
            foreach (var e in PackReader.ReadEntries(_store, name)) rebuilt[e.Id] = (name, e);
        Assert.True(_store.List().Count() >= 3);
        Assert.Equal(written.OrderBy(kv => kv.Key.ToString()), rebuilt.OrderBy(kv => kv.Key.ToString()));
    }

    [Fact]
    public void ANameFromADamagedIndexCannotLeaveThePackFolder()
    {
        foreach (var name in new[] { "../../etc/passwd", "ABCDEF0123456789ABCDEF0123456789", "", "0123" })
            Assert.Throws<PackDamagedException>(() => _store.PathOf(name));
    }
}

internal static class PersistStoreExceptionTarget
{
    public static object? TargetObject(this PersistStoreException e) => e.Target;
}
