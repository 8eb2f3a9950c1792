using System;
using System.IO;
using System.Threading;
using System.Threading.Tasks;
using PersistStore.Engine.Trees;

namespace PersistStore.Engine.Snapshots
{
    /// <summary>
    /// Counts a folder's files and bytes on its own thread, for progress only: the checkpoint itself walks the
    /// folder once, reading as it goes, so its total is not known in advance (restic runs the same separate count).
    /// Holds one folder's listing at a time; folders it cannot list are left to the checkpoint to report. It starts
    /// after a short delay: a checkpoint that is done by then needs no total, and counting beside a short walk
    /// competed with it (nothing-changed checkpoint of the benchmark tree: two cores walking, a third thread counting).
    /// </summary>
    internal sealed class DirectoryTally : IDisposable
    {
        private readonly CancellationTokenSource _stop;
        private readonly Task _worker;
        private long _files, _bytes;
        private volatile bool _complete;

        private DirectoryTally(string root, TimeSpan delay, CancellationToken cancel)
        {
            _stop = CancellationTokenSource.CreateLinkedTokenSource(cancel);
            _worker = Task.Factory.StartNew(() => Count(root, delay), CancellationToken.None, TaskCreationOptions.LongRunning, TaskScheduler.Default);
        }

        public static DirectoryTally Start(string root, TimeSpan delay, CancellationToken cancel) => new DirectoryTally(root, delay, cancel);

        public long Files => Interlocked.Read(ref _files);
        public long Bytes => Interlocked.Read(ref _bytes);
        public bool Complete => _complete;

        private void Count(string root, TimeSpan delay)
        {
            try
            {
                if (_stop.Token.WaitHandle.WaitOne(delay)) return;
                CountFolder(root);
                _complete = true;
            }
            catch (OperationCanceledException) { }
        }

#if NET8_0_OR_GREATER
        /// <summary>Sizes straight from the enumeration: no path string or entry object per file (4 MB less garbage on 20,000 files).</summary>
        private void CountFolder(string folder)
        {
            var options = new EnumerationOptions { RecurseSubdirectories = true, IgnoreInaccessible = true, AttributesToSkip = 0 };
            var sizes = new System.IO.Enumeration.FileSystemEnumerable<long>(folder, (ref System.IO.Enumeration.FileSystemEntry e) => e.Length, options)
            {
                ShouldIncludePredicate = (ref System.IO.Enumeration.FileSystemEntry e) => !e.IsDirectory && (e.Attributes & FileAttributes.ReparsePoint) == 0,
                ShouldRecursePredicate = (ref System.IO.Enumeration.FileSystemEntry e) => (e.Attributes & FileAttributes.ReparsePoint) == 0,
            };
            foreach (long size in sizes)
            {
                _stop.Token.ThrowIfCancellationRequested();
                Interlocked.Increment(ref _files);
                Interlocked.Add(ref _bytes, size);
            }
        }
#else
        private void CountFolder(string folder)
        {
            _stop.Token.ThrowIfCancellationRequested();
            System.Collections.Generic.List<FileSystemEntry> entries;
            try { entries = DirectoryLister.List(folder); }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException) { return; }
            foreach (var entry in entries)
            {
                if (entry.Kind == EntryKind.File)
                {
                    Interlocked.Increment(ref _files);
                    Interlocked.Add(ref _bytes, entry.Size);
                }
            }
            foreach (var entry in entries)
                if (entry.Kind == EntryKind.Directory) CountFolder(entry.FullPath);
        }
#endif

        public void Dispose()
        {
            _stop.Cancel();
            try { _worker.Wait(); } catch (AggregateException) { }
            _stop.Dispose();
        }
    }
}
