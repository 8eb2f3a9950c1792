using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Runtime.ExceptionServices;
using System.Threading;
using System.Threading.Tasks;
using PersistStore.Engine.Errors;
using PersistStore.Engine.Trees;

namespace PersistStore.Engine.Snapshots
{
    /// <summary>Walks a run's directory without following links; unreadable folders are reported, not skipped silently.</summary>
    public static class DirectoryScanner
    {
        public static FileSystemEntry Scan(string root, Action<PersistStoreException> report, CancellationToken cancel)
        {
            var info = new DirectoryInfo(root);
            if (File.Exists(root))
                throw new PersistStoreException("RunPathIsFile", ErrorKind.InvalidArgument, root,
                    $"The run path '{root}' is a file, not a directory. Use Set-Run -Path to point the run at its directory.");
            if (!info.Exists)
                throw new PersistStoreException("RunPathNotFound", ErrorKind.NotFound, root,
                    $"The run directory '{root}' does not exist. Create it, or use Set-Run -Path to point the run at its directory.");
            var top = new FileSystemEntry { Name = "", FullPath = info.FullName, Kind = EntryKind.Directory, Mode = FileMetadata.ModeOf(info), ModifiedUtc = info.LastWriteTimeUtc };
            Fill(top, info, report, cancel);
            return top;
        }

        /// <summary>
        /// Lists one folder, then its subfolders on all cores: a scan is one stat per entry, and two cores halve a
        /// large tree's wall time (the order of children is restored by the sort).
        /// </summary>
        private static void Fill(FileSystemEntry dir, DirectoryInfo info, Action<PersistStoreException> report, CancellationToken cancel)
        {
            cancel.ThrowIfCancellationRequested();
            try { dir.Children.AddRange(StatxReader.IsAvailable ? ListWithStatx(info.FullName) : List(info)); }
            catch (Exception e) when (e is UnauthorizedAccessException or IOException)
            {
                report(Unreadable(info.FullName, e));
                return;
            }
            dir.Children.Sort((a, b) => string.CompareOrdinal(a.Name, b.Name));
            var subfolders = dir.Children.Where(c => c.Kind == EntryKind.Directory).ToList();
            if (subfolders.Count == 1) Fill(subfolders[0], new DirectoryInfo(subfolders[0].FullPath), report, cancel);
            else if (subfolders.Count > 1)
            {
                try
                {
                    Parallel.ForEach(subfolders, new ParallelOptions { CancellationToken = cancel }, s => Fill(s, new DirectoryInfo(s.FullPath), report, cancel));
                }
                catch (AggregateException e) when (e.InnerExceptions.Count > 0)
                {
                    ExceptionDispatchInfo.Capture(e.InnerExceptions[0]).Throw();
                }
            }
        }

        /// <summary>Names from the listing, everything else from one statx per entry (Linux).</summary>
        private static IEnumerable<FileSystemEntry> ListWithStatx(string folder)
        {
            var entries = new List<FileSystemEntry>();
            foreach (var path in Directory.EnumerateFileSystemEntries(folder))
            {
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
        private static IEnumerable<FileSystemEntry> List(DirectoryInfo folder)
        {
            var entries = new List<FileSystemEntry>();
            foreach (var child in folder.GetFileSystemInfos())
            {
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

        public static PersistStoreException Unreadable(string path, Exception e) =>
            new PersistStoreException("PathUnreadable", ErrorKind.PermissionDenied, path,
                $"'{path}' cannot be read ({e.Message}). The checkpoint is refused rather than recorded without it: fix the permissions, or move the item out of the run's directory.", e);
    }
}
