using System;
using System.IO;
using System.Runtime.InteropServices;
using System.Text;
using PersistStore.Engine.Trees;

namespace PersistStore.Engine.Snapshots
{
    /// <summary>What one statx call tells of a path (links not followed).</summary>
    public readonly struct StatxEntry
    {
        public StatxEntry(EntryKind kind, bool regular, int mode, long size, DateTime modifiedUtc, ChangeStamp stamp)
        {
            Kind = kind;
            IsRegular = regular;
            Mode = mode;
            Size = size;
            ModifiedUtc = modifiedUtc;
            Stamp = stamp;
        }

        public EntryKind Kind { get; }
        /// <summary>False for FIFOs, sockets and devices, which are recorded as empty files and never opened.</summary>
        public bool IsRegular { get; }
        public int Mode { get; }
        public long Size { get; }
        public DateTime ModifiedUtc { get; }
        public ChangeStamp Stamp { get; }
    }

    /// <summary>
    /// Linux statx: everything the scanner needs of a path in one call, inode and change time included (.NET
    /// exposes neither, and its own lstat would be a second call per file). Unavailable elsewhere, and with a C
    /// library older than statx (glibc 2.28): callers then use .NET's file information and stamps stay unknown.
    /// </summary>
    public static class StatxReader
    {
        private const int AtFdCwd = -100, AtSymlinkNoFollow = 0x100, AtEmptyPath = 0x1000;
        private static readonly byte[] EmptyPath = { 0 };
        private const uint WantType = 0x1, WantMode = 0x2, WantMtime = 0x40, WantCtime = 0x80, WantInode = 0x100, WantSize = 0x200;
        private const uint WantAll = WantType | WantMode | WantMtime | WantCtime | WantInode | WantSize;
        private const int TypeMask = 0xF000, Directory = 0x4000, Regular = 0x8000, Symlink = 0xA000;
        private const int NoEntry = 2, AccessDenied = 13, NotADirectory = 20;
        private static readonly long EpochTicks = new DateTime(1970, 1, 1, 0, 0, 0, DateTimeKind.Utc).Ticks;
        private static readonly Lazy<bool> Probe = new Lazy<bool>(() =>
        {
            if (!RuntimeInformation.IsOSPlatform(OSPlatform.Linux)) return false;
            try { return Call("/", new byte[256]) == 0; }
            catch (Exception e) when (e is EntryPointNotFoundException or DllNotFoundException) { return false; }
        });
        [ThreadStatic] private static byte[]? _buffer;
        /// <summary>The path as a C string, reused per thread: a new array per call was 7 MB of garbage per 20,000-entry walk.</summary>
        [ThreadStatic] private static byte[]? _name;

        // struct statx is 256 bytes with the same layout on every Linux architecture: stx_mask at 0, stx_mode at 28,
        // stx_ino at 32, stx_size at 40, then 16-byte timestamps (seconds int64, nanoseconds uint32): ctime at 96,
        // mtime at 112.
        [DllImport("libc", SetLastError = true)]
        private static extern int statx(int dirfd, byte[] path, int flags, uint mask, byte[] buffer);

        public static bool IsAvailable => Probe.Value;

        /// <summary>The path's metadata; null when it no longer exists (removed since its folder was listed).</summary>
        public static StatxEntry? Describe(string path)
        {
            var buffer = _buffer ??= new byte[256];
            if (Call(path, buffer) != 0)
            {
                int errno = Marshal.GetLastWin32Error();
                if (errno == NoEntry || errno == NotADirectory) return null;
                if (errno == AccessDenied) throw new UnauthorizedAccessException($"Access to the path '{path}' is denied.");
                throw new IOException($"statx failed for '{path}' (errno {errno}).");
            }
            return Read(buffer);
        }

        /// <summary>
        /// The metadata of an open file, by its descriptor: no path lookup (in deep trees the lookups were the most
        /// system time of a checkpoint of many small files after the reads themselves).
        /// </summary>
        public static StatxEntry Describe(Microsoft.Win32.SafeHandles.SafeFileHandle file, string path)
        {
            var buffer = _buffer ??= new byte[256];
            bool added = false;
            try
            {
                file.DangerousAddRef(ref added);
                if (statx((int)file.DangerousGetHandle(), EmptyPath, AtEmptyPath | AtSymlinkNoFollow, WantAll, buffer) != 0)
                    throw new IOException($"statx failed for '{path}' (errno {Marshal.GetLastWin32Error()}).");
            }
            finally { if (added) file.DangerousRelease(); }
            return Read(buffer);
        }

        private static StatxEntry Read(byte[] buffer)
        {
            int type = BitConverter.ToUInt16(buffer, 28) & TypeMask;
            var kind = type == Directory ? EntryKind.Directory : type == Symlink ? EntryKind.Symlink : EntryKind.File;
            bool regular = type == Regular;
            bool stamped = (Mask(buffer) & (WantInode | WantCtime)) == (WantInode | WantCtime);
            return new StatxEntry(kind, regular, BitConverter.ToUInt16(buffer, 28) & 0xFFF, regular ? BitConverter.ToInt64(buffer, 40) : 0,
                new DateTime(Ticks(buffer, 112), DateTimeKind.Utc), stamped ? StampOf(buffer) : default);
        }

        private static int Call(string path, byte[] buffer)
        {
            int most = Encoding.UTF8.GetMaxByteCount(path.Length) + 1;
            var name = _name is { } reused && reused.Length >= most ? reused : _name = new byte[Math.Max(most, 1024)];
            name[Encoding.UTF8.GetBytes(path, 0, path.Length, name, 0)] = 0;
            return statx(AtFdCwd, name, AtSymlinkNoFollow, WantAll, buffer);
        }

        private static uint Mask(byte[] buffer) => BitConverter.ToUInt32(buffer, 0);
        private static ChangeStamp StampOf(byte[] buffer) => new ChangeStamp(BitConverter.ToInt64(buffer, 32), Ticks(buffer, 96));
        private static long Ticks(byte[] buffer, int at) =>
            EpochTicks + BitConverter.ToInt64(buffer, at) * TimeSpan.TicksPerSecond + BitConverter.ToUInt32(buffer, at + 8) / 100;
    }
}
