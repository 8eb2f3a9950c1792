using System;
using System.Buffers;
using System.Collections.Generic;
using System.IO;
using System.Threading;

namespace PersistStore.Engine.Chunking
{
    /// <summary>
    /// Splits a stream into content-defined chunks, holding at most two maximum-size chunks in memory. Each chunk is
    /// a view of the read window, valid until the next one is asked for: hashing (and encoding the new ones) straight
    /// from the window saves a copy of every byte read and a pooled buffer per chunk.
    /// </summary>
    public static class ChunkStream
    {
        public static IEnumerable<ReadOnlyMemory<byte>> Split(Stream input, FastCdc cdc, CancellationToken cancel = default)
        {
            // Most files are smaller than the minimum chunk: one right-sized read, no window.
            if (input.CanSeek && input.Length - input.Position <= cdc.Min)
                return SplitSmall(input, cdc);
            return SplitLarge(input, cdc, cancel);
        }

        private static IEnumerable<ReadOnlyMemory<byte>> SplitSmall(Stream input, FastCdc cdc)
        {
            int expected = (int)(input.Length - input.Position);
            var buffer = ArrayPool<byte>.Shared.Rent(Math.Max(expected, 1));
            try
            {
                int filled = 0, read;
                while (filled < buffer.Length && (read = input.Read(buffer, filled, buffer.Length - filled)) > 0) filled += read;
                if (filled <= cdc.Min && filled < buffer.Length)
                {
                    if (filled > 0) yield return new ReadOnlyMemory<byte>(buffer, 0, filled);
                    yield break;
                }
            }
            finally { ArrayPool<byte>.Shared.Return(buffer); }
            // The file grew while we looked at it: fall back to the general path for everything.
            input.Position = 0;
            foreach (var chunk in SplitLarge(input, cdc, CancellationToken.None)) yield return chunk;
        }

        private static IEnumerable<ReadOnlyMemory<byte>> SplitLarge(Stream input, FastCdc cdc, CancellationToken cancel)
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
                    yield return new ReadOnlyMemory<byte>(window, start, length);
                    start += length;
                }
            }
            finally
            {
                ArrayPool<byte>.Shared.Return(window);
            }
        }
    }
}
