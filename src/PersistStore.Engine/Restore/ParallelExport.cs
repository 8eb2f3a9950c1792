using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using PersistStore.Engine.Compression;
using PersistStore.Engine.Snapshots;
using PersistStore.Engine.Storage;
using PersistStore.Engine.Trees;

namespace PersistStore.Engine.Restore
{
    /// <summary>
    /// Export into an empty folder on all cores: folders and links first, then the files (largest first, so one
    /// big file does not run alone at the end), each worker in its own read transaction (a checkpoint never
    /// changes, so every worker sees the same content); folder modes and times last, deepest first.
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

            var queue = files.OrderByDescending(f => f.Entry.Size).ToArray();
            int next = -1;
            long written = 0;
            var workers = Enumerable.Range(0, Environment.ProcessorCount).Select(_ => Task.Run(() => store.Read(r =>
            {
                int i;
                while ((i = Interlocked.Increment(ref next)) < queue.Length)
                    Interlocked.Add(ref written, TreeSync.WriteFile(r, queue[i].Entry, queue[i].Path, durable: false, cancel));
                return 0;
            }, cancel))).ToArray();
            try { Task.WaitAll(workers); }
            catch (AggregateException e) when (e.InnerExceptions.Count > 0)
            {
                System.Runtime.ExceptionServices.ExceptionDispatchInfo.Capture(e.InnerExceptions[0]).Throw();
            }
            foreach (var (entry, path, _) in folders.OrderByDescending(f => f.Depth)) TreeSync.SetMetadata(path, entry);
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
                        Lay(r, TreeStore.Load(r, entry.Subtree!.Value), path, depth + 1, files, folders, cancel);
                        break;
                    case EntryKind.Symlink:
                        FileMetadata.CreateSymlink(path, entry.LinkTarget ?? "");
                        break;
                }
            }
        }
    }
}
