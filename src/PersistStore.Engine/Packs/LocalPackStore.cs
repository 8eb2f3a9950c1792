using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using PersistStore.Engine.Compat;
using PersistStore.Engine.Errors;
using PersistStore.Engine.Storage.FileSystems;

namespace PersistStore.Engine.Packs
{
    /// <summary>
    /// Packs as files in a folder: packs/&lt;first two characters of the name&gt;/&lt;name&gt;.pack (256 subfolders keep
    /// every folder small, as restic's data/ does). A pack is written as packs/.tmp-*.partial, flushed, renamed into
    /// place and its folder flushed: only then does it have its name. Partial files of writers that were killed are
    /// never listed or read; maintenance reclaims them.
    /// </summary>
    public sealed class LocalPackStore : IPackStore, IDisposable
    {
        private const string PartialPrefix = ".tmp-";
        private readonly OpenPacks<Reader> _readers = new OpenPacks<Reader>();

        public LocalPackStore(string folder)
        {
            Folder = folder;
        }

        public string Folder { get; }

        /// <summary>Pack names are 32 lowercase hex characters (the writer makes them): a name read from a damaged
        /// index can never point outside the pack folder.</summary>
        public static bool IsValidName(string name) =>
            name.Length == 32 && name.All(c => (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'));

        public static string NewName() => Guid.NewGuid().ToString("N");

        public string PathOf(string name)
        {
            if (!IsValidName(name)) throw new PackDamagedException(name, "it is not a valid pack name");
            return Path.Combine(Folder, name.Substring(0, 2), name + PackFormat.Extension);
        }

        public IPackUpload Create()
        {
            Directory.CreateDirectory(Folder);
            return new Upload(this, Path.Combine(Folder, PartialPrefix + Guid.NewGuid().ToString("N") + ".partial"));
        }

        public long Length(string name)
        {
            var info = new FileInfo(PathOf(name));
            if (!info.Exists) throw new PackMissingException(name);
            return info.Length;
        }

        public void ReadRange(string name, long offset, Span<byte> destination)
        {
            using var lease = _readers.Rent(name, n => new Reader(n, PathOf(n)));
            lease.Handle.Read(offset, destination);
        }

        public void CloseIdle() => _readers.CloseIdle();

        public IEnumerable<string> List()
        {
            if (!Directory.Exists(Folder)) yield break;
            foreach (var shard in Directory.EnumerateDirectories(Folder).OrderBy(d => d, StringComparer.Ordinal))
            {
                string prefix = Path.GetFileName(shard);
                if (prefix.Length != 2) continue;
                foreach (var file in Directory.EnumerateFiles(shard, "*" + PackFormat.Extension).OrderBy(f => f, StringComparer.Ordinal))
                {
                    string name = Path.GetFileNameWithoutExtension(file);
                    if (IsValidName(name) && name.StartsWith(prefix, StringComparison.Ordinal)) yield return name;
                }
            }
        }

        public IReadOnlyList<string> ListUnfinished() =>
            Directory.Exists(Folder)
                ? Directory.EnumerateFiles(Folder, PartialPrefix + "*.partial").Select(Path.GetFileName).OrderBy(n => n, StringComparer.Ordinal).ToList()!
                : (IReadOnlyList<string>)Array.Empty<string>();

        public void DeleteUnfinished(string id)
        {
            // Only what ListUnfinished names: a plain file name with the partial prefix, never a path.
            if (!id.StartsWith(PartialPrefix, StringComparison.Ordinal) || id.IndexOfAny(new[] { '/', '\\' }) >= 0) return;
            try { File.Delete(Path.Combine(Folder, id)); } catch (FileNotFoundException) { } catch (DirectoryNotFoundException) { }
        }

        public void Delete(string name)
        {
            _readers.Close(name);
            string path = PathOf(name);
            if (!File.Exists(path)) return;
            File.Delete(path);
            DirectorySync.Flush(Path.GetDirectoryName(path)!);
        }

        public void Dispose()
        {
            _readers.Dispose();
        }

        private sealed class Upload : IPackUpload
        {
            private readonly LocalPackStore _store;
            private readonly string _partial;
            private FileStream? _file;

            public Upload(LocalPackStore store, string partial)
            {
                _store = store;
                _partial = partial;
                // Unbuffered: every append is a whole blob (64 KiB-1 MiB) or the trailer, already one large write. A
                // 1 MiB buffer per pack was a new array on the large object heap each time, kept until a full GC:
                // the first checkpoint's managed heap peaked at 68 MiB with it (34-36 MiB before packs).
                _file = new FileStream(partial, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1);
            }

            /// <summary>
            /// Small blobs are gathered into one pooled buffer and written together: a write per blob was a system
            /// call per file of a tree of small files (100,000 for bench/small-files.sh). Large ones go straight through.
            /// </summary>
            public void Append(ReadOnlySpan<byte> bytes)
            {
                var file = _file ?? throw new ObjectDisposedException(nameof(Upload));
                if (bytes.Length >= GatherBytes)
                {
                    WriteGathered(file);
                    file.Write(bytes);
                    return;
                }
                _gather ??= System.Buffers.ArrayPool<byte>.Shared.Rent(GatherBytes);
                if (_gathered + bytes.Length > _gather.Length) WriteGathered(file);
                bytes.CopyTo(_gather.AsSpan(_gathered));
                _gathered += bytes.Length;
            }

            private const int GatherBytes = 64 * 1024;
            private byte[]? _gather;
            private int _gathered;

            private void WriteGathered(FileStream file)
            {
                if (_gathered == 0) return;
                file.Write(_gather!, 0, _gathered);
                _gathered = 0;
            }

            private void ReturnGather()
            {
                if (_gather == null) return;
                System.Buffers.ArrayPool<byte>.Shared.Return(_gather);
                _gather = null;
            }

            public void Commit(string name)
            {
                var file = _file ?? throw new ObjectDisposedException(nameof(Upload));
                string target = _store.PathOf(name);
                WriteGathered(file);
                ReturnGather();
                file.Flush(flushToDisk: true);
                file.Dispose();
                _file = null;
                string shard = Path.GetDirectoryName(target)!;
                if (!Directory.Exists(shard))
                {
                    Directory.CreateDirectory(shard);
                    DirectorySync.Flush(_store.Folder);
                }
                File.Move(_partial, target);
                DirectorySync.Flush(shard);
                DirectorySync.Flush(_store.Folder);   // the partial's name is gone from here
            }

            public void Dispose()
            {
                ReturnGather();
                if (_file == null) return;
                _file.Dispose();
                _file = null;
                try { File.Delete(_partial); } catch (IOException) { } catch (UnauthorizedAccessException) { }
            }
        }

        /// <summary>One open handle per pack, shared by every reading thread (positional reads need no lock on .NET 8).</summary>
        private sealed class Reader : IDisposable
        {
            private readonly string _name;
#if NET8_0_OR_GREATER
            private readonly Microsoft.Win32.SafeHandles.SafeFileHandle _handle;
#else
            private readonly FileStream _stream;
#endif

            public Reader(string name, string path)
            {
                _name = name;
                try
                {
#if NET8_0_OR_GREATER
                    _handle = File.OpenHandle(path, FileMode.Open, FileAccess.Read, FileShare.Read | FileShare.Delete, FileOptions.RandomAccess);
#else
                    _stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read | FileShare.Delete, 1, FileOptions.RandomAccess);
#endif
                }
                catch (Exception e) when (e is FileNotFoundException || e is DirectoryNotFoundException)
                {
                    throw new PackMissingException(name);
                }
            }

            public void Read(long offset, Span<byte> destination)
            {
                int done = 0;
                while (done < destination.Length)
                {
#if NET8_0_OR_GREATER
                    int n = RandomAccess.Read(_handle, destination.Slice(done), offset + done);
#else
                    int n;
                    lock (_stream)
                    {
                        _stream.Position = offset + done;
                        n = _stream.Read(destination.Slice(done));
                    }
#endif
                    if (n == 0)
                        throw new PackDamagedException(_name, $"it ends at byte {offset + done}, before the end of the range {offset}..{offset + destination.Length} that the index records (truncated)");
                    done += n;
                }
            }

            public void Dispose()
            {
#if NET8_0_OR_GREATER
                _handle.Dispose();
#else
                _stream.Dispose();
#endif
            }
        }
    }
}
