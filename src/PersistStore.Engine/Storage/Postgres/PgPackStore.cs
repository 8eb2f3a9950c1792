using System;
using System.Collections.Generic;
using System.IO;
using PersistStore.Engine.Errors;
using PersistStore.Engine.Packs;

namespace PersistStore.Engine.Storage.Postgres
{
    /// <summary>
    /// Packs as rows of pack_files, one bytea per pack (about 16 MiB, PackWriter's target). A pack is gathered in
    /// memory and inserted in a transaction of its own: once that commits it is durable (synchronous_commit) and has
    /// its name; before, nothing of it exists, so there are never unfinished uploads to clean. Ranges are read with
    /// substring(), which on EXTERNAL storage fetches only the TOAST chunks that hold the range.
    /// </summary>
    internal sealed class PgPackStore : IPackStore
    {
        private readonly PgStore _store;

        public PgPackStore(PgStore store) => _store = store;

        public IPackUpload Create() => new Upload(this);

        public long Length(string name) =>
            _store.WithConnection(db => db.Scalar("SELECT octet_length(data)::bigint FROM pack_files WHERE name = @n", ("n", name))) is long length
                ? length : throw new PackMissingException(name);

        public void ReadRange(string name, long offset, Span<byte> destination)
        {
            long length = destination.Length;
            var bytes = _store.WithConnection(db => db.Scalar("SELECT substring(data FROM @o::integer FOR @l::integer) FROM pack_files WHERE name = @n",
                ("n", name), ("o", offset + 1), ("l", length))) as byte[];
            if (bytes == null) throw new PackMissingException(name);
            if (bytes.Length < destination.Length)
                throw new PackDamagedException(name, $"it ends at byte {offset + bytes.Length}, before the end of the range {offset}..{offset + destination.Length} that the index records (truncated)");
            bytes.CopyTo(destination);
        }

        public IEnumerable<string> List() =>
            _store.WithConnection(db => Storage.Postgres.PgRunRows.Strings(db, "SELECT name FROM pack_files ORDER BY name"));

        public void Delete(string name) => _store.WithConnection(db => db.Execute("DELETE FROM pack_files WHERE name = @n", ("n", name)));

        public IReadOnlyList<string> ListUnfinished() => Array.Empty<string>();

        public void DeleteUnfinished(string id) { }

        public void CloseIdle() { }

        private sealed class Upload : IPackUpload
        {
            private readonly PgPackStore _packs;
            private MemoryStream? _bytes = new MemoryStream();

            public Upload(PgPackStore packs) => _packs = packs;

            public void Append(ReadOnlySpan<byte> bytes) => (_bytes ?? throw new ObjectDisposedException(nameof(Upload))).Write(bytes);

            public void Commit(string name)
            {
                var bytes = _bytes ?? throw new ObjectDisposedException(nameof(Upload));
                var data = new ArraySegment<byte>(bytes.GetBuffer(), 0, (int)bytes.Length);
                _packs._store.WithConnection(db => db.Execute("INSERT INTO pack_files (name, length, data) VALUES (@n, @l, @d) ON CONFLICT (name) DO NOTHING",
                    ("n", name), ("l", bytes.Length), ("d", data)));
                Dispose();
            }

            public void Dispose() => _bytes = null;
        }
    }
}
