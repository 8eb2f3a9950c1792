using System;
using System.Buffers;
using System.Collections.Generic;
using System.IO;
using System.Threading;

namespace PersistStore.Engine.Chunking
{
    /// <summary>A chunk's plain bytes in a pooled buffer; the consumer returns it with Dispose.</summary>
    public sealed class ChunkBuffer : IDisposable
    {
        private byte[]? _buffer;

        public ChunkBuffer(byte[] buffer, int length)
        {
            _buffer = buffer;
            Length = length;
        }

        public int Length { get; }
        public ReadOnlySpan<byte> Span => new ReadOnlySpan<byte>(_buffer ?? throw new ObjectDisposedException(nameof(ChunkBuffer)), 0, Length);

        public void Dispose()
        {
            var b = Interlocked.Exchange(ref _buffer, null);
            if (b != null) ArrayPool<byte>.Shared.Return(b);
        }
    }

    /// <summary>Splits a stream into content-defined chunks, holding at most two maximum-size chunks in memory.</summary>
    public static class ChunkStream
    {
        public static IEnumerable<ChunkBuffer> Split(Stream input, FastCdc cdc, CancellationToken cancel = default)
        {
            // Most files are smaller than the minimum chunk: one right-sized read, no window.
            if (input.CanSeek && input.Length - input.Position <= cdc.Min)
                return SplitSmall(input, cdc);
            return SplitLarge(input, cdc, cancel);
        }

        private static IEnumerable<ChunkBuffer> SplitSmall(Stream input, FastCdc cdc)
        {
            int expected = (int)(input.Length - input.Position);
            var buffer = ArrayPool<byte>.Shared.Rent(Math.Max(expected, 1));
            int filled = 0, read;
            while (filled < buffer.Length && (read = input.Read(buffer, filled, buffer.Length - filled)) > 0) filled += read;
            if (filled > cdc.Min || filled == buffer.Length)
            {
                // The file grew while we looked at it: fall back to the general path for everything.
                ArrayPool<byte>.Shared.Return(buffer);
                input.Position = 0;
                foreach (var chunk in SplitLarge(input, cdc, CancellationToken.None)) yield return chunk;
                yield break;
            }
            if (filled > 0) yield return new ChunkBuffer(buffer, filled);
            else ArrayPool<byte>.Shared.Return(buffer);
        }

        private static IEnumerable<ChunkBuffer> SplitLarge(Stream input, FastCdc cdc, CancellationToken cancel)
        {
            var window = ArrayPool<byte>.Shared.Rent(cdc.Max * 2);
            try
            {
                int filled = 0, start = 0;
                bool eof = false;
                while (true)
                {
                    cancel.ThrowIfCancellationRequested();
                    if (!eof && filled - start < cdc.Max)
                    {
                        if (start > 0)
                        {
                            Buffer.BlockCopy(window, start, window, 0, filled - start);
                            filled -= start;
                            start = 0;
                        }
                        int read;
                        while (filled < window.Length && (read = input.Read(window, filled, window.Length - filled)) > 0) filled += read;
                        eof = filled < window.Length;
                    }
                    if (filled == start) yield break;
                    int length = cdc.Cut(new ReadOnlySpan<byte>(window, start, filled - start));
                    if (!eof && length == filled - start && length < cdc.Max) continue;   // need more bytes to decide
                    var chunk = ArrayPool<byte>.Shared.Rent(length);
                    Buffer.BlockCopy(window, start, chunk, 0, length);
                    start += length;
                    yield return new ChunkBuffer(chunk, length);
                }
            }
            finally
            {
                ArrayPool<byte>.Shared.Return(window);
            }
        }
    }
}
