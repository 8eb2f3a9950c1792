using System.Collections.Generic;
using System.IO;
using System.Threading;
using PersistStore.Engine.Compression;
using PersistStore.Engine.Snapshots;
using PersistStore.Engine.Storage;
using PersistStore.Engine.Trees;

namespace PersistStore.Engine.Restore
{
    /// <summary>
    /// Export into an empty folder: folders and links first, then the files on all cores, folder modes and times last.
    /// </summary>
    internal static class ParallelExport
    {
        public static long Run(IStoreBackend store, BlobId root, string destination, CancellationToken cancel)
        {
            var files = new List<(TreeEntry Entry, string Path)>();
            var folders = new List<(TreeEntry Entry, string Path, int Depth)>();
            store.Read(r =>
            {
                Lay(r, TreeStore.Load(r, root), destination, 0, files, folders, cancel);
                return 0;
            }, cancel);

            long written = FileWriter.WriteAll(store, files, durable: false, cancel);
            FileWriter.SetFolderMetadata(folders);
            return written;
        }

        private static void Lay(IStoreReader r, Tree tree, string folder, int depth, List<(TreeEntry, string)> files,
            List<(TreeEntry, string, int)> folders, CancellationToken cancel)
        {
            cancel.ThrowIfCancellationRequested();
            foreach (var entry in tree.Entries)
            {
                string path = Path.Combine(folder, entry.Name);
                switch (entry.Kind)
                {
                    case EntryKind.File:
                        files.Add((entry, path));
                        break;
                    case EntryKind.Directory:
                        Directory.CreateDirectory(path);
                        folders.Add((entry, path, depth + 1));
                        Lay(r, TreeStore.Load(r, entry), path, depth + 1, files, folders, cancel);
                        break;
                    case EntryKind.Symlink:
                        FileMetadata.CreateSymlink(path, entry.LinkTarget ?? "");
                        break;
                }
            }
        }
    }
}
