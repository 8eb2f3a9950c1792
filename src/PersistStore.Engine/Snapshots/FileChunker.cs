using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.IO;
using System.Threading;
using PersistStore.Engine.Chunking;
using PersistStore.Engine.Compression;
using PersistStore.Engine.Errors;
using PersistStore.Engine.Model;
using PersistStore.Engine.Trees;

namespace PersistStore.Engine.Snapshots
{
    /// <summary>
    /// Reads one file into chunk ids, sending chunks the store may not have to the writer. A file whose size,
    /// modification time or change stamp changes while it is read is read again; after three tries it is reported, never recorded
    /// torn without a word.
    /// </summary>
    internal sealed class FileChunker
    {
        private const int Attempts = 3;
        private readonly FastCdc _cdc;
        private readonly BlobWriter _writer;
        private readonly ConcurrentDictionary<BlobId, byte> _known;
        private readonly Action<PersistStoreException> _report;

        public FileChunker(FastCdc cdc, BlobWriter writer, ConcurrentDictionary<BlobId, byte> known, Action<PersistStoreException> report)
        {
            _cdc = cdc;
            _writer = writer;
            _known = known;
            _report = report;
        }

        /// <summary>The file's chunk ids, or null when it could not be read (already reported).</summary>
        public IReadOnlyList<BlobId>? Chunk(FileSystemEntry file, CancellationToken cancel)
        {
            // Never opened: an empty file has no chunks, and FIFOs, sockets and devices (which report size 0)
            // would block or never end. They are recorded as empty files.
            if (file.Size == 0) return Array.Empty<BlobId>();
            for (int attempt = 1; ; attempt++)
            {
                try
                {
                    // The first try compares against the state the walk listed (one statx fewer per file); a retry
                    // starts from a fresh one.
                    var before = attempt == 1 && StatxReader.IsAvailable ? (file.Size, file.ModifiedUtc, file.Stamp) : StateOf(file.FullPath);
                    var chunks = new List<BlobId>();
                    long read = 0;
                    (long Size, DateTime ModifiedUtc, ChangeStamp Stamp) after;
                    using (var stream = new FileStream(file.FullPath, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete, 1, FileOptions.SequentialScan))
                    {
                        foreach (var chunk in ChunkStream.Split(stream, _cdc, cancel))
                        {
                            var id = BlobId.Of(chunk.Span);
                            if (_known.TryAdd(id, 0)) _writer.Add(BlobCodec.Encode(chunk.Span, id), BlobKind.Chunk);
                            chunks.Add(id);
                            read += chunk.Length;
                        }
                        // The file as read: by its open handle. A file renamed over meanwhile was still read whole
                        // and consistent; the next checkpoint sees the new one's inode in the stamp.
                        after = StatxReader.IsAvailable ? StateOf(stream.SafeFileHandle, file.FullPath) : StateOf(file.FullPath);
                    }
                    bool stable = before.Equals(after) && read == after.Size;
                    if (stable || attempt == Attempts)
                    {
                        if (!stable)
                            _report(new PersistStoreException("FileChangedWhileReading", ErrorKind.ResourceUnavailable, file.FullPath,
                                $"'{file.FullPath}' kept changing while it was read ({Attempts} tries). The checkpoint is refused rather than recorded with torn content: stop the writer, or checkpoint when it is idle."));
                        file.Size = after.Size;
                        file.ModifiedUtc = after.ModifiedUtc;
                        file.Stamp = after.Stamp;
                        return stable ? chunks : null;
                    }
                }
                catch (Exception e) when (e is IOException or UnauthorizedAccessException)
                {
                    _report(DirectoryLister.Unreadable(file.FullPath, e));
                    return null;
                }
            }
        }

        /// <summary>
        /// Size, modification time and change stamp, taken before and after the read: one statx where there is
        /// one (FileInfo otherwise; it loads lazily, so its values are read here, not when compared).
        /// </summary>
        private static (long Size, DateTime ModifiedUtc, ChangeStamp Stamp) StateOf(string path)
        {
            if (!StatxReader.IsAvailable)
            {
                var info = new FileInfo(path);
                return (info.Length, info.LastWriteTimeUtc, default);
            }
            var stat = StatxReader.Describe(path) ?? throw new FileNotFoundException($"Could not find file '{path}'.", path);
            return (stat.Size, stat.ModifiedUtc, stat.Stamp);
        }

        private static (long Size, DateTime ModifiedUtc, ChangeStamp Stamp) StateOf(Microsoft.Win32.SafeHandles.SafeFileHandle file, string path)
        {
            var stat = StatxReader.Describe(file, path);
            return (stat.Size, stat.ModifiedUtc, stat.Stamp);
        }
    }
}
