using System;
using System.IO;
using System.Runtime.InteropServices;

namespace PersistStore.Engine.Storage.FileSystems
{
    /// <summary>
    /// Flushes a folder's own entries to disk: after a rename, the new name is durable only once its folder is
    /// flushed (POSIX; ext4 and XFS lose a just-renamed file on power loss without it). Windows has no such call and
    /// NTFS journals renames, so there it does nothing.
    /// </summary>
    internal static class DirectorySync
    {
        private const int ReadOnly = 0;   // O_RDONLY is 0 on Linux and macOS; a folder opens read-only for fsync

        [DllImport("libc", SetLastError = true)]
        private static extern int open(byte[] path, int flags);

        [DllImport("libc", SetLastError = true)]
        private static extern int fsync(int fd);

        [DllImport("libc", SetLastError = true)]
        private static extern int close(int fd);

        public static void Flush(string folder)
        {
            if (RuntimeInformation.IsOSPlatform(OSPlatform.Windows)) return;
            int fd = open(System.Text.Encoding.UTF8.GetBytes(folder + "\0"), ReadOnly);
            if (fd < 0) throw new IOException($"The folder '{folder}' could not be opened to flush it (errno {Marshal.GetLastWin32Error()}).");
            try
            {
                if (fsync(fd) != 0) throw new IOException($"The folder '{folder}' could not be flushed to disk (errno {Marshal.GetLastWin32Error()}).");
            }
            finally { close(fd); }
        }
    }
}
