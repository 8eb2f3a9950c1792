using System;
using System.Runtime.InteropServices;

namespace PersistStore.Engine.Compression
{
    /// <summary>
    /// The system's LZ4 library (liblz4.so.1: systemd and apt depend on it, so Debian, Ubuntu and RHEL-family
    /// machines have it) for encoding, where present. It writes the same LZ4 block format as the managed codec (any
    /// LZ4 block decodes with either, and every read re-hashes what it decodes), compiled ahead of time: the managed
    /// encoder's hot loop ran in the runtime's instrumented tier for much of a first checkpoint (docs/performance.md,
    /// "Dynamic PGO"). Elsewhere the managed codec encodes.
    /// </summary>
    internal static class NativeLz4
    {
        private const string Library = "liblz4.so.1";

        [DllImport(Library, EntryPoint = "LZ4_compress_default")]
        private static extern int CompressDefault(ref byte source, ref byte destination, int sourceSize, int capacity);

        [DllImport(Library, EntryPoint = "LZ4_versionNumber")]
        private static extern int VersionNumber();

        private static readonly Lazy<bool> Probe = new Lazy<bool>(() =>
        {
            if (Environment.GetEnvironmentVariable("PERSISTSTORE_MANAGED_LZ4") == "1") return false;
            if (!RuntimeInformation.IsOSPlatform(OSPlatform.Linux)) return false;
            try { return VersionNumber() >= 10700; }   // LZ4_compress_default since 1.7
            catch (Exception e) when (e is DllNotFoundException or EntryPointNotFoundException or BadImageFormatException) { return false; }
        });

        public static bool IsAvailable => Probe.Value;

        /// <summary>Encoded length, or 0 when the result would not fit in the destination (the chunk is then stored raw).</summary>
        public static int Encode(ReadOnlySpan<byte> plain, Span<byte> destination) =>
            // Both spans are non-empty (an empty chunk is never encoded); the marshaller pins them for the call.
            CompressDefault(ref MemoryMarshal.GetReference(plain), ref MemoryMarshal.GetReference(destination), plain.Length, destination.Length);
    }
}
