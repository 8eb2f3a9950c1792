using System;
using System.Collections.Generic;
using System.IO;
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
        /// Lists one folder, then its subfolders on all cores: a scan is one lstat per entry, and two cores halve a
        /// large tree's wall time (the order of children is restored by the sort).
        /// </summary>
        private static void Fill(FileSystemEntry dir, DirectoryInfo info, Action<PersistStoreException> report, CancellationToken cancel)
        {
            cancel.ThrowIfCancellationRequested();
            FileSystemInfo[] children;
            try { children = info.GetFileSystemInfos(); }
            catch (Exception e) when (e is UnauthorizedAccessException or IOException)
            {
                report(Unreadable(info.FullName, e));
                return;
            }
            var subfolders = new List<(FileSystemEntry Entry, DirectoryInfo Info)>();
            foreach (var child in children)
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
                else if (child is DirectoryInfo sub)
                {
                    entry.Kind = EntryKind.Directory;
                    subfolders.Add((entry, sub));
                }
                else
                {
                    entry.Kind = EntryKind.File;
                    entry.Size = ((FileInfo)child).Length;
                    entry.Stamp = StatxReader.Of(child.FullName);
                }
                dir.Children.Add(entry);
            }
            dir.Children.Sort((a, b) => string.CompareOrdinal(a.Name, b.Name));
            if (subfolders.Count == 1) Fill(subfolders[0].Entry, subfolders[0].Info, report, cancel);
            else if (subfolders.Count > 1)
            {
                try
                {
                    Parallel.ForEach(subfolders, new ParallelOptions { CancellationToken = cancel }, s => Fill(s.Entry, s.Info, report, cancel));
                }
                catch (AggregateException e) when (e.InnerExceptions.Count > 0)
                {
                    ExceptionDispatchInfo.Capture(e.InnerExceptions[0]).Throw();
                }
            }
        }

        public static PersistStoreException Unreadable(string path, Exception e) =>
            new PersistStoreException("PathUnreadable", ErrorKind.PermissionDenied, path,
                $"'{path}' cannot be read ({e.Message}). The checkpoint is refused rather than recorded without it: fix the permissions, or move the item out of the run's directory.", e);
    }
}
