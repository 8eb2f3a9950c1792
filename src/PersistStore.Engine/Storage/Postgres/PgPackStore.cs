using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using PersistStore.Engine.Errors;
using PersistStore.Engine.Packs;

namespace PersistStore.Engine.Storage.Postgres
{
    /// <summary>
    /// Packs as rows of pack_files, one bytea per pack (about 16 MiB, PackWriter's target). A pack is gathered in
    /// memory and inserted in a transaction of its own: once that commits it is durable (synchronous_commit) and has
    /// its name; before, nothing of it exists, so there are never unfinished uploads to clean. Ranges are read with
    /// substring(), which on EXTERNAL storage fetches only the TOAST chunks (about 2 KB each) that hold the range.
    /// </summary>
    internal sealed class PgPackStore : IPackStore
    {
        private readonly PgStore _store;

        public PgPackStore(PgStore store) => _store = store;

        public IPackUpload Create() => new Upload(this);

        public long Length(string name) =>
            _store.WithConnection(db => db.Scalar("SELECT octet_length(data)::bigint FROM pack_files WHERE name = @n", ("n", name))) is long length
                ? length : throw new PackMissingException(name);

        /// <summary>A range read on a connection of its own (the checker's and the repack's whole-pack reads).</summary>
        public void ReadRange(string name, long offset, Span<byte> destination)
        {
            int length = destination.Length;
            var bytes = _store.WithConnection(db => Fetch(db, name, offset, length));
            Copy(name, offset, offset, bytes, destination);
        }

        private static byte[] Fetch(PgDb db, string name, long offset, int length) =>
            db.Scalar("SELECT substring(data FROM @o::integer FOR @l::integer) FROM pack_files WHERE name = @n",
                ("n", name), ("o", offset + 1), ("l", (long)length)) as byte[] ?? throw new PackMissingException(name);

        /// <summary>Copies the range from bytes fetched from `start`; fewer bytes than the range is a truncated pack.</summary>
        internal static void Copy(string name, long offset, long start, byte[] bytes, Span<byte> destination)
        {
            long at = offset - start;
            if (at + destination.Length > bytes.Length)
                throw new PackDamagedException(name, $"it ends at byte {start + bytes.Length}, before the end of the range {offset}..{offset + destination.Length} that the index records (truncated)");
            bytes.AsSpan((int)at, destination.Length).CopyTo(destination);
        }

        /// <summary>
        /// One chunk's bytes, already read from its pack by the query that found the chunk (PgBlobRows.Read), so that
        /// a chunk read is one round trip: three (listing, place, range) made the export of the benchmark data 15-17 s.
        /// Reads of other ranges (the chunk moved by a repack meanwhile) go to the packs themselves.
        /// </summary>
        internal sealed class Prefetched : IPackStore
        {
            private readonly IPackStore _packs;
            private readonly string _pack;
            private readonly long _offset;
            private readonly byte[]? _bytes;

            public Prefetched(IPackStore packs, string pack, long offset, byte[]? bytes) => (_packs, _pack, _offset, _bytes) = (packs, pack, offset, bytes);

            public void ReadRange(string name, long offset, Span<byte> destination)
            {
                if (name != _pack || offset != _offset) _packs.ReadRange(name, offset, destination);
                else if (_bytes == null) throw new PackMissingException(name);
                else Copy(name, offset, offset, _bytes, destination);
            }

            public IPackUpload Create() => _packs.Create();
            public long Length(string name) => _packs.Length(name);
            public IEnumerable<string> List() => _packs.List();
            public void Delete(string name) => _packs.Delete(name);
            public IReadOnlyList<string> ListUnfinished() => _packs.ListUnfinished();
            public void DeleteUnfinished(string id) => _packs.DeleteUnfinished(id);
            public void CloseIdle() { }
        }

        public IEnumerable<string> List() =>
            _store.WithConnection(db => PgRunRows.Strings(db, "SELECT name FROM pack_files ORDER BY name"));

        public void Delete(string name) => _store.WithConnection(db => db.Execute("DELETE FROM pack_files WHERE name = @n", ("n", name)));

        public IReadOnlyList<string> ListUnfinished() => Array.Empty<string>();

        public void DeleteUnfinished(string id) { }

        /// <summary>Nothing is kept open between units of work.</summary>
        public void CloseIdle() { }

        /// <summary>Upload buffers, kept for the next pack: a new 16 MiB array per pack (grown by doubling from
        /// empty) was large-object-heap garbage that set the first checkpoint's peak memory.</summary>
        private static readonly ConcurrentBag<byte[]> Buffers = new ConcurrentBag<byte[]>();
        private const int BufferBytes = 18 << 20;   // a full pack: the 16 MiB target, its last chunk (up to 1 MiB) and its list

        private sealed class Upload : IPackUpload
        {
            private readonly PgPackStore _packs;
            private byte[]? _buffer;
            private int _length;

            public Upload(PgPackStore packs)
            {
                _packs = packs;
                _buffer = Buffers.TryTake(out var b) ? b : new byte[BufferBytes];
            }

            public void Append(ReadOnlySpan<byte> bytes)
            {
                var buffer = _buffer ?? throw new ObjectDisposedException(nameof(Upload));
                if (_length + bytes.Length > buffer.Length)
                {
                    Array.Resize(ref buffer, Math.Max(buffer.Length * 2, _length + bytes.Length));
                    _buffer = buffer;
                }
                bytes.CopyTo(buffer.AsSpan(_length));
                _length += bytes.Length;
            }

            public void Commit(string name)
            {
                var data = new ArraySegment<byte>(_buffer ?? throw new ObjectDisposedException(nameof(Upload)), 0, _length);
                // ON CONFLICT: a retried insert whose first attempt committed before its connection dropped.
                _packs._store.WithConnection(db => db.Execute("INSERT INTO pack_files (name, length, data) VALUES (@n, @l, @d) ON CONFLICT (name) DO NOTHING",
                    ("n", name), ("l", (long)_length), ("d", data)));
                Dispose();
            }

            public void Dispose()
            {
                if (_buffer == null) return;
                if (_buffer.Length == BufferBytes && Buffers.Count < 2) Buffers.Add(_buffer);
                _buffer = null;
            }
        }
    }
}
