using System;
using System.Buffers;
using System.IO;

namespace PersistStore.Engine.Compat
{
    /// <summary>Span reads and writes on streams for netstandard2.0 (Windows PowerShell 5.1), which lacks them; .NET 8 has its own.</summary>
    internal static class SpanStreams
    {
#if !NET8_0_OR_GREATER
        public static void Write(this Stream stream, ReadOnlySpan<byte> bytes)
        {
            var buffer = ArrayPool<byte>.Shared.Rent(Math.Min(bytes.Length, 1 << 20));
            try
            {
                for (int done = 0; done < bytes.Length; done += buffer.Length)
                {
                    int n = Math.Min(buffer.Length, bytes.Length - done);
                    bytes.Slice(done, n).CopyTo(buffer);
                    stream.Write(buffer, 0, n);
                }
            }
            finally { ArrayPool<byte>.Shared.Return(buffer); }
        }

        public static int Read(this Stream stream, Span<byte> destination)
        {
            var buffer = ArrayPool<byte>.Shared.Rent(Math.Min(destination.Length, 1 << 20));
            try
            {
                int n = stream.Read(buffer, 0, Math.Min(buffer.Length, destination.Length));
                buffer.AsSpan(0, n).CopyTo(destination);
                return n;
            }
            finally { ArrayPool<byte>.Shared.Return(buffer); }
        }
#endif
    }
}
