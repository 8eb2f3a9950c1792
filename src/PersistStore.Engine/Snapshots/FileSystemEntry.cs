using System;
using System.IO;
using PersistStore.Engine.Trees;

namespace PersistStore.Engine.Snapshots
{
    /// <summary>What the scanner saw of one path: enough to decide whether its content must be read again.</summary>
    public sealed class FileSystemEntry
    {
        public string Name { get; set; } = "";
        public string FullPath { get; set; } = "";
        public EntryKind Kind { get; set; }
        public int Mode { get; set; }
        public DateTime ModifiedUtc { get; set; }
        public long Size { get; set; }
        public string? LinkTarget { get; set; }
        /// <summary>For files: inode and change time, where the OS gives them.</summary>
        public ChangeStamp Stamp { get; set; }
    }

    /// <summary>Platform details .NET exposes only on newer targets: permission bits, links.</summary>
    public static class FileMetadata
    {
        public static int ModeOf(FileSystemInfo info)
        {
#if NET8_0_OR_GREATER
            return OperatingSystem.IsWindows() ? 0 : (int)info.UnixFileMode;
#else
            return 0;
#endif
        }

        public static void SetMode(string path, int mode)
        {
#if NET8_0_OR_GREATER
            if (!OperatingSystem.IsWindows() && mode != 0) File.SetUnixFileMode(path, (UnixFileMode)mode);
#endif
        }

        public static bool IsSymlink(FileSystemInfo info) => (info.Attributes & FileAttributes.ReparsePoint) != 0;

        public static string? LinkTargetOf(FileSystemInfo info)
        {
#if NET8_0_OR_GREATER
            return info.LinkTarget;
#else
            return null;
#endif
        }

        public static void CreateSymlink(string path, string target)
        {
#if NET8_0_OR_GREATER
            File.CreateSymbolicLink(path, target);
#else
            throw new PlatformNotSupportedException("Restoring symbolic links needs PowerShell 7.");
#endif
        }

        /// <summary>Sets a link's own modification time without following it (where the platform allows).</summary>
        public static void SetModifiedUtc(FileSystemInfo info, DateTime utc)
        {
            if (IsSymlink(info)) return;   // .NET would follow the link; a link's own mtime is not restored
            info.LastWriteTimeUtc = utc;
        }

        public static void MoveOver(string source, string destination)
        {
#if NET8_0_OR_GREATER
            File.Move(source, destination, overwrite: true);
#else
            if (File.Exists(destination)) File.Replace(source, destination, null);
            else File.Move(source, destination);
#endif
        }
    }
}
