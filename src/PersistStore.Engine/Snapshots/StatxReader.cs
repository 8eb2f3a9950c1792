using System;
using System.Runtime.InteropServices;
using System.Text;
using PersistStore.Engine.Trees;

namespace PersistStore.Engine.Snapshots
{
    /// <summary>Reads a path's ChangeStamp with Linux statx; unknown elsewhere, or where statx is missing or fails.</summary>
    public static class StatxReader
    {
        private const int AtFdCwd = -100, AtSymlinkNoFollow = 0x100;
        private const uint WantInode = 0x100, WantChangeTime = 0x80;
        private static readonly long EpochTicks = new DateTime(1970, 1, 1, 0, 0, 0, DateTimeKind.Utc).Ticks;
        private static bool _unavailable = !RuntimeInformation.IsOSPlatform(OSPlatform.Linux);
        [ThreadStatic] private static byte[]? _buffer;

        // struct statx is 256 bytes with the same layout on every Linux architecture: stx_mask at 0, stx_ino
        // at 32, stx_ctime at 96 (seconds as int64, then nanoseconds as uint32).
        [DllImport("libc", SetLastError = true)]
        private static extern int statx(int dirfd, byte[] path, int flags, uint mask, byte[] buffer);

        /// <summary>The path's own stamp: links are not followed.</summary>
        public static ChangeStamp Of(string path)
        {
            if (_unavailable) return default;
            var buffer = _buffer ??= new byte[256];
            var name = new byte[Encoding.UTF8.GetMaxByteCount(path.Length) + 1];
            name[Encoding.UTF8.GetBytes(path, 0, path.Length, name, 0)] = 0;
            try
            {
                if (statx(AtFdCwd, name, AtSymlinkNoFollow, WantInode | WantChangeTime, buffer) != 0) return default;
            }
            catch (Exception e) when (e is EntryPointNotFoundException or DllNotFoundException)
            {
                _unavailable = true;   // a C library older than statx (glibc 2.28): size and time only
                return default;
            }
            uint mask = BitConverter.ToUInt32(buffer, 0);
            if ((mask & (WantInode | WantChangeTime)) != (WantInode | WantChangeTime)) return default;
            long inode = BitConverter.ToInt64(buffer, 32);
            long seconds = BitConverter.ToInt64(buffer, 96);
            uint nanoseconds = BitConverter.ToUInt32(buffer, 104);
            return new ChangeStamp(inode, EpochTicks + seconds * TimeSpan.TicksPerSecond + nanoseconds / 100);
        }
    }
}
