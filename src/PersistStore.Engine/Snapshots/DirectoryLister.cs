using System;
using System.Collections.Generic;
using System.IO;
using PersistStore.Engine.Errors;
using PersistStore.Engine.Trees;

namespace PersistStore.Engine.Snapshots
{
    /// <summary>
    /// Lists one folder without following links: one entry per name, sorted by name (ordinal). The module's own temp
    /// files and staging folders (.persiststore-*.tmp, left by a killed revert or export) are not listed: they are
    /// never recorded in a checkpoint nor reported as changes, and the next revert removes them.
    /// </summary>
    public static class DirectoryLister
    {
        /// <summary>The folder's entries; throws IOException or UnauthorizedAccessException when it cannot be listed.</summary>
        public static List<FileSystemEntry> List(string folder)
        {
            var entries = StatxReader.IsAvailable ? ListWithStatx(folder) : ListWithFileInfo(new DirectoryInfo(folder));
            entries.Sort((a, b) => string.CompareOrdinal(a.Name, b.Name));
            return entries;
        }

        /// <summary>The run's directory itself: refused with a clear error when it is missing or a file.</summary>
        public static DirectoryInfo Root(string root)
        {
            var info = new DirectoryInfo(root);
            if (File.Exists(root))
                throw new PersistStoreException("RunPathIsFile", ErrorKind.InvalidArgument, root,
                    $"The run path '{root}' is a file, not a directory. Use Set-Run -Path to point the run at its directory.");
            if (!info.Exists)
                throw new PersistStoreException("RunPathNotFound", ErrorKind.NotFound, root,
                    $"The run directory '{root}' does not exist. Create it, or use Set-Run -Path to point the run at its directory.");
            return info;
        }

        public static PersistStoreException Unreadable(string path, Exception e) =>
            new PersistStoreException("PathUnreadable", ErrorKind.PermissionDenied, path,
                $"'{path}' cannot be read ({e.Message}). The checkpoint is refused rather than recorded without it: fix the permissions, or move the item out of the run's directory.", e);

        /// <summary>Names from the listing, everything else from one statx per entry (Linux).</summary>
        private static List<FileSystemEntry> ListWithStatx(string folder)
        {
            var entries = new List<FileSystemEntry>();
            foreach (var path in Directory.EnumerateFileSystemEntries(folder))
            {
                if (Restore.FileWriter.IsOwnTemp(Path.GetFileName(path))) continue;   // the module's own temp files are never content
                if (StatxReader.Describe(path) is not StatxEntry stat) continue;   // removed since the listing
                var entry = new FileSystemEntry
                {
                    Name = Path.GetFileName(path), FullPath = path, Kind = stat.Kind, Mode = stat.Mode, ModifiedUtc = stat.ModifiedUtc,
                    Size = stat.Size, Stamp = stat.Kind == EntryKind.File ? stat.Stamp : default,
                };
                if (stat.Kind == EntryKind.Symlink) entry.LinkTarget = FileMetadata.LinkTargetOf(new FileInfo(path));
                entries.Add(entry);
            }
            return entries;
        }

        /// <summary>.NET's file information, where statx is not available (no inode or change time).</summary>
        private static List<FileSystemEntry> ListWithFileInfo(DirectoryInfo folder)
        {
            var entries = new List<FileSystemEntry>();
            foreach (var child in folder.GetFileSystemInfos())
            {
                if (Restore.FileWriter.IsOwnTemp(child.Name)) continue;
                var entry = new FileSystemEntry
                {
                    Name = child.Name, FullPath = child.FullName, Mode = FileMetadata.ModeOf(child), ModifiedUtc = child.LastWriteTimeUtc,
                };
                if (FileMetadata.IsSymlink(child))
                {
                    entry.Kind = EntryKind.Symlink;
                    entry.LinkTarget = FileMetadata.LinkTargetOf(child);
                }
                else if (child is DirectoryInfo) entry.Kind = EntryKind.Directory;
                else
                {
                    entry.Kind = EntryKind.File;
                    entry.Size = ((FileInfo)child).Length;
                }
                entries.Add(entry);
            }
            return entries;
        }
    }
}
