using System;
using System.IO;
using System.Runtime.InteropServices;
using System.Text;

namespace PersistStore.Engine.Storage.FileSystems
{
    /// <summary>
    /// The two file-system questions .NET (netstandard2.0) cannot answer without trying a change: may this process
    /// write a path (asked before a read, so that a read never needs to create or change anything), and put a file
    /// under a new name only if that name is free (link(2): atomic, fails with EEXIST, where File.Move checks and
    /// renames in two steps).
    /// </summary>
    internal static class NativeFiles
    {
        private const int W_OK = 2;
        private const int EEXIST = 17;   // the same on Linux and macOS

        [DllImport("libc", SetLastError = true)]
        private static extern int access(byte[] path, int mode);

        [DllImport("libc", SetLastError = true)]
        private static extern int link(byte[] existing, byte[] created);

        private static bool IsWindows => RuntimeInformation.IsOSPlatform(OSPlatform.Windows);

        private static byte[] Native(string path) => Encoding.UTF8.GetBytes(path + "\0");

        /// <summary>
        /// Why this process may not write the file or folder (permissions as the kernel applies them: root passes
        /// mode bits but not a read-only mount), or null when it may. On Windows, the read-only attribute of a file;
        /// folders count as writable there (their attribute does not stop writes).
        /// </summary>
        public static string? WhyNotWritable(string path)
        {
            if (IsWindows)
                return Directory.Exists(path) || (File.GetAttributes(path) & FileAttributes.ReadOnly) == 0 ? null : $"read-only for {Environment.UserName}";
            if (access(Native(path), W_OK) == 0) return null;
            return Marshal.GetLastWin32Error() == WriteErrors.ReadOnlyFileSystem ? "on a read-only file system" : $"read-only for {Environment.UserName}";
        }

        /// <summary>Gives <paramref name="existing"/> the name <paramref name="created"/>; false when that name is taken.</summary>
        public static bool TryLinkNew(string existing, string created)
        {
            if (IsWindows)
            {
                // MoveFileEx without MOVEFILE_REPLACE_EXISTING: atomic, and fails when the name is taken.
                try { File.Move(existing, created); return true; }
                catch (IOException) when (File.Exists(created)) { return false; }
            }
            if (link(Native(existing), Native(created)) == 0)
            {
                File.Delete(existing);
                return true;
            }
            if (Marshal.GetLastWin32Error() == EEXIST) return false;
            // No hard links here (FAT, exFAT, some FUSE file systems): check, then rename. Two creators racing in
            // the instant between the two steps is the one case this cannot refuse.
            if (File.Exists(created)) return false;
            File.Move(existing, created);
            return true;
        }
    }
}
