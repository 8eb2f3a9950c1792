using System;
using System.IO;
using System.Linq;
using PersistStore.Engine.Chunking;
using PersistStore.Engine.Compression;
using PersistStore.Engine.Errors;
using PersistStore.Tests.Shared;
using Xunit;

namespace PersistStore.Engine.Tests;

public class ChunkingTests
{
    private static BlobId[] Chunks(byte[] data, FastCdc? cdc = null) =>
        ChunkStream.Split(new MemoryStream(data), cdc ?? new FastCdc()).Select(c => BlobId.Of(c.Span)).ToArray();

    private static int[] Sizes(byte[] data) =>
        ChunkStream.Split(new MemoryStream(data), new FastCdc()).Select(c => c.Length).ToArray();

    [Fact]
    public void ChunksCoverTheInputExactlyWithinTheSizeBounds()
    {
        var data = TestFiles.RandomBytes(9 * 1024 * 1024 + 5, 7);
        var sizes = Sizes(data);
        Assert.Equal(data.Length, sizes.Sum());
        Assert.All(sizes.Take(sizes.Length - 1), s => Assert.InRange(s, FastCdc.DefaultMin, FastCdc.DefaultMax));
        Assert.InRange(sizes.Average(), FastCdc.DefaultMin, FastCdc.DefaultMax);
        var joined = ChunkStream.Split(new MemoryStream(data), new FastCdc()).SelectMany(c => c.Span.ToArray()).ToArray();
        Assert.Equal(data, joined);
    }

    /// <summary>
    /// The cut points are part of the store format (a chunk's id is the hash of its bytes): any change to FastCDC,
    /// its gear table or its masks would silently end deduplication against every existing store. Pinned here.
    /// </summary>
    [Fact]
    public void CutPointsAreThoseOfTheStoreFormat()
    {
        var random = Sizes(TestFiles.RandomBytes(8 * 1024 * 1024, 11));
        var text = Sizes(TestFiles.TextBytes(8 * 1024 * 1024, 12));
        Assert.Equal(new[]
        {
            276763, 353213, 299347, 290744, 265965, 443781, 279428, 272162, 301616,
            272123, 330704, 367797, 262923, 281708, 394462, 364195, 295961, 293204,
            423578, 281060, 345502, 270583, 288642, 334268, 245802, 416918, 136159,
        }, random);
        Assert.Equal(new[]
        {
            160914, 331746, 332091, 426132, 78428, 270675, 308356, 275174, 309949,
            162403, 362428, 260892, 336881, 142951, 288204, 170520, 330375, 295369,
            283877, 263663, 305920, 319754, 241395, 142352, 304652, 168460, 225739,
            439116, 362364, 248607, 239221,
        }, text);
    }

    [Fact]
    public void ChunkingIsDeterministicAndSmallFilesAreOneChunk()
    {
        var data = TestFiles.RandomBytes(2 * 1024 * 1024, 8);
        Assert.Equal(Chunks(data), Chunks(data));
        Assert.Single(Chunks(TestFiles.RandomBytes(1000, 1)));
        Assert.Empty(Chunks(Array.Empty<byte>()));
    }

    [Fact]
    public void InsertingBytesInTheMiddleChangesOnlyTheChunksAroundIt()
    {
        var original = TestFiles.RandomBytes(16 * 1024 * 1024, 9);
        var inserted = original.Take(8_000_000).Concat(TestFiles.RandomBytes(5000, 10)).Concat(original.Skip(8_000_000)).ToArray();
        var before = Chunks(original);
        var after = Chunks(inserted);
        int changed = after.Except(before).Count();
        Assert.InRange(changed, 1, 3);
        Assert.True(before.Length >= 30, $"only {before.Length} chunks");
    }

    /// <summary>
    /// On Linux the system's liblz4 encodes (every Debian, Ubuntu and RHEL-family machine has it: systemd depends on
    /// it); its blocks decode with the managed codec, and the managed encoder's decode the same. Stated, not skipped.
    /// </summary>
    [Fact]
    public void TheSystemsLz4EncodesOnLinuxAndEitherCodecDecodesTheOther()
    {
        bool present = new[] { "/usr/lib/x86_64-linux-gnu/liblz4.so.1", "/usr/lib/aarch64-linux-gnu/liblz4.so.1", "/usr/lib64/liblz4.so.1", "/lib64/liblz4.so.1" }.Any(File.Exists);
        Assert.Equal(OperatingSystem.IsLinux() && present, NativeLz4.IsAvailable);
        if (!NativeLz4.IsAvailable) return;
        var text = TestFiles.TextBytes(300_000, 3);
        var native = new byte[text.Length];
        int nativeLength = NativeLz4.Encode(text, native);
        Assert.InRange(nativeLength, 1, text.Length / 2);
        var decoded = new byte[text.Length];
        Assert.Equal(text.Length, K4os.Compression.LZ4.LZ4Codec.Decode(native.AsSpan(0, nativeLength), decoded));
        Assert.Equal(text, decoded);
        var blob = BlobCodec.Encode(text);   // the codec's own choice: the native encoder, read back by the codec
        Assert.Equal(BlobCodecKind.Lz4, blob.Codec);
        Assert.Equal(nativeLength, blob.Length);
        Assert.Equal(text, Decode(blob.Id, blob.PlainSize, blob.Codec, blob.Bytes.ToArray()));
        var noise = TestFiles.RandomBytes(100_000, 4);
        Assert.Equal(0, NativeLz4.Encode(noise, new byte[noise.Length]));   // does not fit: stored raw
    }

    [Fact]
    public void BlobsCompressWhenItHelpsAndVerifyOnRead()
    {
        var text = TestFiles.TextBytes(100_000, 1);
        var packed = BlobCodec.Encode(text);
        Assert.Equal(BlobCodecKind.Lz4, packed.Codec);
        Assert.True(packed.Length < text.Length / 2);
        Assert.Equal(text, Decode(packed.Id, packed.PlainSize, packed.Codec, packed.Bytes.ToArray()));

        var noise = TestFiles.RandomBytes(100_000, 2);
        var raw = BlobCodec.Encode(noise);
        Assert.Equal(BlobCodecKind.Raw, raw.Codec);
        Assert.Equal(noise, raw.Bytes.ToArray());

        var damaged = raw.Bytes.ToArray();
        damaged[500] ^= 1;
        Assert.Equal("BlobDamaged", Assert.Throws<StoreFormatException>(() => Decode(raw.Id, raw.PlainSize, raw.Codec, damaged)).ErrorId);
        var packedDamaged = packed.Bytes.ToArray();
        packedDamaged[packedDamaged.Length / 2] ^= 1;
        Assert.Equal("BlobDamaged", Assert.Throws<StoreFormatException>(() => Decode(packed.Id, packed.PlainSize, packed.Codec, packedDamaged)).ErrorId);
        Assert.Equal(BlobCodecKind.Raw, BlobCodec.Encode(Array.Empty<byte>()).Codec);
    }

    private static byte[] Decode(BlobId id, int plainSize, BlobCodecKind codec, byte[] data)
    {
        var plain = new byte[plainSize];
        BlobCodec.DecodeInto(id, plainSize, codec, data, plain);
        return plain;
    }
}
