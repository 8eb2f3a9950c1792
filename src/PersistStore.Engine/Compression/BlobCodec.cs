using System;
using System.Security.Cryptography;
using K4os.Compression.LZ4;
using PersistStore.Engine.Errors;

namespace PersistStore.Engine.Compression
{
    public enum BlobCodecKind : byte { Raw = 0, Lz4 = 1 }

    /// <summary>
    /// A blob as stored: its id (SHA-256 of the plain bytes), plain size and encoded bytes: the first Length bytes
    /// of Data. Blobs made for writing hold a pooled buffer, given back by Release once stored: a fresh array per
    /// chunk was garbage on the large object heap and set the checkpoint's peak memory.
    /// </summary>
    public sealed class EncodedBlob
    {
        private bool _pooled;

        public EncodedBlob(BlobId id, int plainSize, BlobCodecKind codec, byte[] data)
            : this(id, plainSize, codec, data, data.Length, pooled: false)
        { }

        private EncodedBlob(BlobId id, int plainSize, BlobCodecKind codec, byte[] data, int length, bool pooled)
        {
            Id = id;
            PlainSize = plainSize;
            Codec = codec;
            Data = data;
            Length = length;
            _pooled = pooled;
        }

        internal static EncodedBlob Pooled(BlobId id, int plainSize, BlobCodecKind codec, byte[] buffer, int length) =>
            new EncodedBlob(id, plainSize, codec, buffer, length, pooled: true);

        public BlobId Id { get; }
        public int PlainSize { get; }
        public BlobCodecKind Codec { get; }
        public byte[] Data { get; }
        public int Length { get; }

        public ReadOnlySpan<byte> Bytes => Data.AsSpan(0, Length);

        /// <summary>Gives a pooled buffer back; the blob must not be used afterwards. Nothing happens for other blobs.</summary>
        public void Release()
        {
            if (!_pooled) return;
            _pooled = false;
            System.Buffers.ArrayPool<byte>.Shared.Return(Data);
        }
    }

    /// <summary>LZ4 (fast level) per blob; stored raw when LZ4 does not make it smaller. Reads re-hash everything.</summary>
    public static class BlobCodec
    {
        public static EncodedBlob Encode(ReadOnlySpan<byte> plain) => Encode(plain, BlobId.Of(plain));

        /// <summary>
        /// The buffer is pooled (a fresh one per chunk cost more system time than LZ4) and no larger than the chunk:
        /// LZ4's output is kept only when smaller than its input, so LZ4's worst case (which put a 1 MiB chunk in a
        /// 2 MiB buffer) is never needed; when it does not fit, LZ4 stops and the chunk is stored raw.
        /// </summary>
        public static EncodedBlob Encode(ReadOnlySpan<byte> plain, BlobId id)
        {
            var buffer = System.Buffers.ArrayPool<byte>.Shared.Rent(Math.Max(1, plain.Length));
            int encoded = plain.Length == 0 ? -1
                : NativeLz4.IsAvailable ? NativeLz4.Encode(plain, buffer.AsSpan(0, plain.Length))
                : LZ4Codec.Encode(plain, buffer, LZ4Level.L00_FAST);
            if (encoded > 0 && encoded < plain.Length)
                return EncodedBlob.Pooled(id, plain.Length, BlobCodecKind.Lz4, buffer, encoded);
            plain.CopyTo(buffer);
            return EncodedBlob.Pooled(id, plain.Length, BlobCodecKind.Raw, buffer, plain.Length);
        }

        /// <summary>Decodes into plain (at least plainSize long) and checks the result against the id: a damaged blob is an error, never silent.</summary>
        public static void DecodeInto(BlobId id, int plainSize, BlobCodecKind codec, ReadOnlySpan<byte> data, Span<byte> plain)
        {
            if (codec == BlobCodecKind.Raw)
            {
                if (data.Length != plainSize) throw Damaged(id, "its stored size differs from its recorded size");
                data.CopyTo(plain);
            }
            else if (plainSize > 0 && LZ4Codec.Decode(data, plain.Slice(0, plainSize)) != plainSize)
                throw Damaged(id, "it does not decompress to its recorded size");
            Verify(id, plain.Slice(0, plainSize));
        }

        private static void Verify(BlobId id, ReadOnlySpan<byte> plain)
        {
            if (!BlobId.Of(plain).Equals(id)) throw Damaged(id, "its content does not match its id");
        }

        private static PersistStoreException Damaged(BlobId id, string why) =>
            new StoreFormatException("BlobDamaged", id.ToString(), $"Stored data {id} is damaged: {why}. Nothing was written from it. Other checkpoints may still export (Export-Checkpoint); to recover this one, restore the store from a backup.");
    }

    /// <summary>A 32-byte SHA-256 content address.</summary>
    public readonly struct BlobId : IEquatable<BlobId>
    {
        private readonly byte[] _bytes;

        public BlobId(byte[] bytes)
        {
            if (bytes == null || bytes.Length != 32) throw new ArgumentException("A blob id is 32 bytes.", nameof(bytes));
            _bytes = bytes;
        }

        public static BlobId Of(ReadOnlySpan<byte> data)
        {
#if NET8_0_OR_GREATER
            return new BlobId(SHA256.HashData(data));
#else
            using var sha = SHA256.Create();
            return new BlobId(sha.ComputeHash(data.ToArray()));
#endif
        }

        public byte[] ToArray() => (byte[])_bytes.Clone();
        internal byte[] Bytes => _bytes;

        public bool Equals(BlobId other) => _bytes.AsSpan().SequenceEqual(other._bytes);
        public override bool Equals(object? obj) => obj is BlobId other && Equals(other);
        public override int GetHashCode() => BitConverter.ToInt32(_bytes, 0);
        public override string ToString()
        {
            var chars = new char[64];
            for (int i = 0; i < 32; i++)
            {
                chars[2 * i] = "0123456789abcdef"[_bytes[i] >> 4];
                chars[2 * i + 1] = "0123456789abcdef"[_bytes[i] & 15];
            }
            return new string(chars);
        }
    }
}
