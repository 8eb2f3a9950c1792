using System;
using System.Collections.Generic;
using System.Linq;
using PersistStore.Engine.Compression;
using PersistStore.Engine.Errors;
using PersistStore.Engine.Identity;
using PersistStore.Engine.Locking;
using PersistStore.Engine.Model;
using PersistStore.Engine.Packs;

namespace PersistStore.Engine.Storage.Postgres
{
    /// <summary>The reader/writer handed to one Read or Write unit of work on PostgreSQL.</summary>
    internal sealed class PgSession : IStoreWriter
    {
        private readonly PgDb _db;
        private readonly PgStore _store;
        private readonly bool _writing;

        public PgSession(PgDb db, PgStore store, bool writing)
        {
            _db = db;
            _store = store;
            _writing = writing;
        }

        public RunRecord? FindRunByName(string name) => PgRunRows.FindByName(_db, name);
        public RunRecord? FindRunById(Guid id) => PgRunRows.FindById(_db, id);
        public IReadOnlyList<RunRecord> QueryRuns(RunFilter filter) => PgRunRows.Query(_db, filter);
        public IReadOnlyList<HistoryRecord> QueryHistory(HistoryFilter filter) => PgHistoryRows.Query(_db, filter);
        public HistoryRecord? LastHistoryEntry() => PgHistoryRows.Last(_db);
        public IReadOnlyList<string> ListRunNames(string prefix, int limit) => PgRunRows.ListNames(_db, prefix, limit);
        public IReadOnlyList<string> ListTags(string prefix, int limit) => PgRunRows.ListTags(_db, prefix, limit);
        public ISet<BlobId> ExistingBlobs(IReadOnlyCollection<BlobId> ids) => PgBlobRows.Existing(_db, ids);

        /// <summary>Listings are rows; a chunk comes with its bytes from its pack in the same query (BlobReads: damage
        /// met by a read is marked, a chunk whose pack is gone is looked up again).</summary>
        public bool ReadBlob(BlobId id, StoredBlobHandler handle) => BlobReads.MarkingDamage(_store, _writing, id, () =>
        {
            var stored = PgBlobRows.Read(_db, id);
            if (stored == null) return false;
            if (stored.Pack == null) handle(stored.PlainSize, stored.Codec, stored.Bytes);
            else BlobReads.FromPack(new PgPackStore.Prefetched(_store.Packs, stored.Pack, stored.Entry!.Value.Offset, stored.Bytes), id,
                (stored.Pack, stored.Entry.Value), handle, () => _store.Read(r => PgBlobRows.FindChunk(((PgSession)r)._db, id)));
            return true;
        });

        public (int Count, long Bytes) IndexPack(PackInfo pack)
        {
            BlobReads.CheckWhole(_store.Packs, pack);
            return PgBlobRows.IndexPack(_db, pack, DateTime.UtcNow);
        }

        public IReadOnlyList<CheckpointRecord> QueryCheckpoints(Guid runId, int? number = null) => PgCheckpointRows.Query(_db, runId, number);
        public CheckpointRecord? LatestCheckpoint(Guid runId) => PgCheckpointRows.Latest(_db, runId);
        public int LastCheckpointNumber(Guid runId) => PgCheckpointRows.LastNumber(_db, runId);
        public int DeleteCheckpoints(Guid runId, IReadOnlyCollection<int> numbers) => PgCheckpointRows.Delete(_db, runId, numbers);
        public void KeepCheckpointNumber(Guid runId, int last) => PgCheckpointRows.Keep(_db, runId, last);
        public IReadOnlyList<BlobId> RootTrees() => PgCheckpointRows.RootTrees(_db);

        public void ForEachBlob(Action<BlobId, long, string?> visit)
        {
            foreach (var sql in new[] { "SELECT id, octet_length(data)::bigint, NULL FROM blobs", "SELECT c.id, c.length::bigint, p.name FROM chunks c JOIN packs p ON p.id = c.pack" })
            {
                using var cmd = _db.Command(sql);
                using var r = cmd.ExecuteReader();
                while (r.Read()) visit(new BlobId((byte[])r[0]), r.GetInt64(1), r.IsDBNull(2) ? null : r.GetString(2));
            }
        }

        public string? GetMeta(string key) => _db.Scalar("SELECT value FROM store_meta WHERE key = @k", ("k", key)) as string;

        public void SetMeta(string key, string? value)
        {
            if (value == null) _db.Execute("DELETE FROM store_meta WHERE key = @k", ("k", key));
            else _db.Execute("INSERT INTO store_meta (key, value) VALUES (@k, @v) ON CONFLICT (key) DO UPDATE SET value = excluded.value", ("k", key), ("v", value));
        }

        public (int Count, long Bytes) PutBlobs(IEnumerable<(EncodedBlob Blob, BlobKind Kind)> blobs) => PgBlobRows.Put(_db, blobs);
        public void InsertCheckpoint(CheckpointRecord checkpoint) => PgCheckpointRows.Insert(_db, checkpoint);

        public RunLock? FindLock(Guid runId) => PgLockRows.Find(_db, runId);
        public IReadOnlyList<RunLock> ListLocks() => PgLockRows.All(_db);
        public void PutLock(RunLock runLock) => PgLockRows.Put(_db, runLock);
        public bool DeleteLock(Guid runId, Guid lockId) => PgLockRows.Delete(_db, runId, lockId);
        public bool RenewLock(Guid runId, Guid lockId, DateTime renewedAt, DateTime expiresAt) => PgLockRows.Renew(_db, runId, lockId, renewedAt, expiresAt);

        public IReadOnlyList<PackRecord> ListPacks() => PgMaintenanceRows.ListPacks(_db);
        public IReadOnlyList<PackEntry> ChunksInPack(string pack) => PgMaintenanceRows.ChunksInPack(_db, pack);
        public IReadOnlyList<(BlobId Id, BlobMark Mark, DateTime Since)> MarkedBlobs() => PgBlobRows.Marks(_db);

        /// <summary>
        /// PostgreSQL enforces the foreign keys itself and checks its pages on read (with data checksums, if the
        /// cluster has them); a structural check needs the amcheck extension, which a store cannot assume. A pack whose
        /// bytes are short or altered is found by the packs and data layers of Test-PersistStore, as on SQLite.
        /// </summary>
        public IReadOnlyList<string> CheckIndex() => Array.Empty<string>();

        public int MarkBlobs(IEnumerable<BlobId> ids, BlobMark mark, DateTime sinceUtc, string? detail = null) => PgBlobRows.Mark(_db, ids, mark, sinceUtc, detail);
        public int UnmarkBlobs(IEnumerable<BlobId> ids) => PgBlobRows.ClearMarks(_db, ids).Count;
        public (int Listings, int Chunks, long Bytes) DeleteUnreferenced(IEnumerable<BlobId> ids, DateTime markedBy) => PgMaintenanceRows.DeleteUnreferenced(_db, ids, markedBy);
        public int MoveChunks(PackInfo pack, bool existing = false) => PgMaintenanceRows.MoveChunks(_db, pack, DateTime.UtcNow, existing);
        public int DeleteChunks(IEnumerable<BlobId> ids) => PgMaintenanceRows.DeleteChunks(_db, ids);
        public IReadOnlyList<string> DeleteEmptyPacks(IEnumerable<string> names) => PgMaintenanceRows.DeleteEmptyPacks(_db, names);

        public StoreSummary Summarize()
        {
            using var cmd = _db.Command($@"SELECT (SELECT value FROM store_meta WHERE key = 'store_id'),
                (SELECT COUNT(*) FROM runs), (SELECT COUNT(*) FROM history), (SELECT COUNT(*) FROM checkpoints),
                (SELECT COUNT(*) FROM chunks) + (SELECT COUNT(*) FROM blobs WHERE kind = 0),
                (SELECT COALESCE(SUM(logical_bytes), 0) FROM checkpoints)::bigint,
                (SELECT COALESCE(SUM(octet_length(data)), 0) FROM blobs)::bigint + (SELECT COALESCE(SUM(length), 0) FROM chunks)::bigint,
                (SELECT COUNT(*) FROM packs), (SELECT COALESCE(SUM(length), 0) FROM packs)::bigint,
                (SELECT COUNT(*) FROM blob_marks WHERE mark = {(int)BlobMark.Damaged})");
            using var r = cmd.ExecuteReader();
            r.Read();
            return new StoreSummary
            {
                Location = _store.Location.Display,
                Backend = _store.BackendName,
                FormatVersion = _store.FormatVersion,
                StoreId = r.IsDBNull(0) ? "" : r.GetString(0),
                Runs = r.GetInt64(1), HistoryEntries = r.GetInt64(2), Checkpoints = r.GetInt64(3), Chunks = r.GetInt64(4),
                LogicalBytes = r.GetInt64(5), StoredBytes = r.GetInt64(6), Packs = r.GetInt64(7), PackBytes = r.GetInt64(8),
                DamagedBlobs = r.GetInt64(9),
            };
        }

        public void InsertRun(RunRecord run) => PgRunRows.Insert(_db, run);
        public void UpdateRun(RunRecord run) => PgRunRows.Update(_db, run);
        public void DeleteRun(Guid id) => PgRunRows.Delete(_db, id);
        public HistoryRecord AppendHistory(HistoryDraft draft, Actor actor, DateTime timeUtc) => PgHistoryRows.Append(_db, draft, actor, timeUtc);
    }
}
